/** GAN losses parsed from `--loss_function` strings (registry.ts), and the gradient penalty. */
export { buildLoss, registerLoss, availableLosses } from './registry.js';
export type { LossFactory } from './registry.js';
export type { GanLoss, LossOutput, GeneratorLossInput } from './types.js';
export { WGANLoss } from './wgan.js';
export { gradientPenalty, drawAlphas, NORM_EPSILON } from './gradient-penalty.js';
export type { PenaltyOutput } from './gradient-penalty.js';
export { NonSaturatingGANLoss, SoftHingeLoss } from './gan-losses.js';
export { MiniBatchDistanceLoss, distanceLoss, distanceScalarName } from './minibatch-losses.js';
