/**
 * The classic GAN losses of SPEC §5 besides WGANLoss:
 * - `NonSaturatingGANLoss`: binary cross-entropy with logits. The critic classifies the
 *   concatenated batch (real → 1, fake → 0), i.e. minimises
 *   (Σ softplus(−D(real)) + Σ softplus(D(fake))) / (n_real + n_fake); the generator minimises
 *   mean softplus(−D(fake)) (fake → 1).
 * - `SoftHingeLoss`: the critic minimises mean relu(u − D(real)) + mean relu(u' + D(fake)) with
 *   u, u' ~ U(0.8, 1.0) drawn per sample from the run's Rng (reals first, then fakes); the
 *   generator minimises −mean D(fake).
 * Both log `Dloss` (critic) and `Gloss` (generator).
 *
 * Owns: those formulas. Knows nothing of networks, the gradient penalty or the training loop.
 */
import { add, concat, mean, neg, relu, reshape, softplus, sub, tensor, type Tensor } from '../engine/index.js';
import type { Rng } from '../engine/random.js';
import type { GanLoss, GeneratorLossInput, LossOutput } from './types.js';

/** Scores of shape [b] or [b, 1] as [b]. */
function flat(scores: Tensor): Tensor {
  return reshape(scores, [scores.size]);
}

export class NonSaturatingGANLoss implements GanLoss {
  readonly needsCritic = true;
  constructor(readonly text = 'NonSaturatingGANLoss') {}

  criticLoss(scoresReal: Tensor, scoresFake: Tensor): LossOutput {
    // BCE(logit, 1) = softplus(−logit); BCE(logit, 0) = softplus(logit); mean over both batches.
    const all = concat([neg(flat(scoresReal)), flat(scoresFake)], 0);
    const loss = mean(softplus(all));
    return { loss, scalars: { Dloss: loss.item() } };
  }

  generatorLoss({ scoresFake }: GeneratorLossInput): LossOutput {
    if (!scoresFake) throw new Error('NonSaturatingGANLoss.generatorLoss needs the critic scores of the fakes');
    const loss = mean(softplus(neg(flat(scoresFake))));
    return { loss, scalars: { Gloss: loss.item() } };
  }
}

/** b margins uniform in [0.8, 1.0) from `rng`, in the scores' dtype. */
function margins(b: number, rng: Rng, like: Tensor): Tensor {
  const u = new Float64Array(b);
  rng.fillUniform(u, 0.8, 1.0);
  return tensor(u, [b], like.dtype);
}

export class SoftHingeLoss implements GanLoss {
  readonly needsCritic = true;
  constructor(readonly text = 'SoftHingeLoss') {}

  criticLoss(scoresReal: Tensor, scoresFake: Tensor, rng: Rng): LossOutput {
    const r = flat(scoresReal), f = flat(scoresFake);
    const u = margins(r.size, rng, r);
    const u2 = margins(f.size, rng, f);
    const loss = add(mean(relu(sub(u, r))), mean(relu(add(u2, f))));
    return { loss, scalars: { Dloss: loss.item() } };
  }

  generatorLoss({ scoresFake }: GeneratorLossInput): LossOutput {
    if (!scoresFake) throw new Error('SoftHingeLoss.generatorLoss needs the critic scores of the fakes');
    const f = flat(scoresFake);
    const loss = neg(mean(f));
    return { loss, scalars: { Gloss: loss.item() } };
  }
}
