/** Training: the run (run.ts), its pieces, the demo, checkpoints (see each module's header). */
export { runTraining } from './run.js';
export type { RunSummary, RunHooks } from './run.js';
export { TRAIN_DEFAULTS, REFERENCE_FULL_BATCH_METRICS, validateConfig } from './config.js';
export type { TrainConfig } from './config.js';
export { Trainer } from './trainer.js';
export { runDemo, demoConfig, demoReport } from './demo.js';
export { Prior, parsePrior } from './prior.js';
export type { PriorSpec } from './prior.js';
export { readCheckpoint, writeCheckpoint } from './checkpoint.js';
export type { CheckpointContent } from './checkpoint.js';
export { encodeSafetensors, decodeSafetensors } from './safetensors.js';
export type { SafeTensor } from './safetensors.js';
