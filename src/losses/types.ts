/**
 * What a GAN loss is to the training loop (SPEC §5): an object parsed from the
 * `--loss_function` string that turns critic scores (or, for mini-batch losses, the images
 * themselves) into a differentiable loss plus the named scalars to log.
 *
 * Owns: the interface only. Knows nothing of networks, optimisers or the run folder.
 */
import type { Tensor } from '../engine/tensor.js';
import type { Rng } from '../engine/random.js';

export interface LossOutput {
  /** A one-element tensor to minimise. */
  readonly loss: Tensor;
  /** Plain numbers to log (e.g. `W1`, `Gloss`), already detached. */
  readonly scalars: Record<string, number>;
}

export interface GanLoss {
  /** The `--loss_function` text it was parsed from. */
  readonly text: string;
  /** False for losses that need no critic (the mini-batch distance losses). */
  readonly needsCritic: boolean;
  /** The critic's loss from its scores on a real and a fake batch (shape [b, 1] or [b]).
   *  Only called when `needsCritic`. */
  criticLoss(scoresReal: Tensor, scoresFake: Tensor, rng: Rng): LossOutput;
  /** The generator's loss. Critic losses use `scoresFake`; mini-batch losses use `real` and
   *  `fake` (NCHW) directly. */
  generatorLoss(input: GeneratorLossInput): LossOutput;
}

export interface GeneratorLossInput {
  readonly scoresFake?: Tensor;
  readonly real: Tensor;
  readonly fake: Tensor;
  readonly rng: Rng;
}
