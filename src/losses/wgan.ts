/**
 * `WGANLoss` (SPEC §5): the critic minimises −(mean D(real) − mean D(fake)) and logs the
 * difference as `W1`; the generator minimises −mean D(fake), logged as `Gloss`.
 *
 * Owns: those two formulas. Knows nothing of the gradient penalty (gradient-penalty.ts), which
 * the training loop adds to any critic loss.
 */
import { mean, neg, sub, type Tensor } from '../engine/index.js';
import type { GanLoss, GeneratorLossInput, LossOutput } from './types.js';

export class WGANLoss implements GanLoss {
  readonly needsCritic = true;
  constructor(readonly text = 'WGANLoss') {}

  criticLoss(scoresReal: Tensor, scoresFake: Tensor): LossOutput {
    const w1 = sub(mean(scoresReal), mean(scoresFake));
    return { loss: neg(w1), scalars: { W1: w1.item() } };
  }

  generatorLoss({ scoresFake }: GeneratorLossInput): LossOutput {
    if (!scoresFake) throw new Error('WGANLoss.generatorLoss needs the critic scores of the fakes');
    const loss = neg(mean(scoresFake));
    return { loss, scalars: { Gloss: loss.item() } };
  }
}
