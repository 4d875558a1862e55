/**
 * The gradient penalty of WGAN-GP (SPEC §5, §9): x̂ = α·real + (1−α)·fake with both batches
 * detached, one more critic forward on x̂, and λ·mean over samples of (‖∇x̂ D(x̂)‖₂ − 1)², the
 * norm taken per sample over all C·H·W values, kept differentiable (second order) so that its
 * gradient reaches the critic's parameters. A tiny ε under the square root keeps the norm's
 * gradient finite when a sample's input gradient is zero.
 *
 * α is drawn per sample by default (standard WGAN-GP); `oneAlpha` draws a single α for the
 * whole batch, as the reference does.
 *
 * Owns: the interpolation, the penalty and the logged `gradient_norm` (mean per-sample norm).
 * Knows nothing of which critic or loss it serves.
 */
import { Tensor, tensor, grad, addScalar, mulScalar, sqrt, square, mean, sum, reshape, onesLike } from '../engine/index.js';
import type { Rng } from '../engine/random.js';

/** Added to the squared norm before the square root. */
export const NORM_EPSILON = 1e-12;

export interface PenaltyOutput {
  /** λ·mean((‖g_i‖ − 1)²), differentiable w.r.t. the critic's parameters. */
  readonly penalty: Tensor;
  /** The per-sample norms ‖g_i‖. */
  readonly norms: Float64Array;
  /** Mean of the per-sample norms (logged `gradient_norm`). */
  readonly gradientNorm: number;
}

/** α values: `b` uniforms in [0, 1), or one when `oneAlpha`. */
export function drawAlphas(b: number, oneAlpha: boolean, rng: Rng): Float32Array {
  const a = new Float32Array(oneAlpha ? 1 : b);
  rng.fillUniform(a);
  return a;
}

/**
 * The penalty for `critic` between `real` and `fake` (same shape [b, ...]) at the given α
 * (length b, or 1 for one α for the batch).
 */
export function gradientPenalty(critic: (x: Tensor) => Tensor, real: Tensor, fake: Tensor, alphas: Float32Array, weight: number): PenaltyOutput {
  if (real.shape.length !== fake.shape.length || real.shape.some((d, i) => d !== fake.shape[i])) {
    throw new Error(`gradient penalty: real batch [${real.shape}] and fake batch [${fake.shape}] differ in shape`);
  }
  const b = real.shape[0];
  if (alphas.length !== b && alphas.length !== 1) throw new Error(`gradient penalty: ${alphas.length} alphas for a batch of ${b}`);
  const per = real.size / b;
  // x̂ computed outside the graph, then made a leaf that requires a gradient.
  const xhat = new Tensor(new Float32Array(real.size), real.shape);
  const r = real.data, f = fake.data, x = xhat.data;
  for (let i = 0; i < b; i++) {
    const a = Math.fround(alphas.length === 1 ? alphas[0] : alphas[i]);
    const oneMinus = Math.fround(1 - a);
    for (let j = i * per, end = (i + 1) * per; j < end; j++) x[j] = Math.fround(Math.fround(a * r[j]) + Math.fround(oneMinus * f[j]));
  }
  const leaf = tensor(xhat.data, xhat.shape).requireGrad();
  const scores = critic(leaf);
  const [g] = grad([scores], [leaf], { gradOutputs: [onesLike(scores)], createGraph: true });
  const sq = sum(square(reshape(g, [b, per])), 1);
  const norms = sqrt(addScalar(sq, NORM_EPSILON));
  const penalty = mulScalar(mean(square(addScalar(norms, -1))), weight);
  const values = Float64Array.from(norms.data);
  const gradientNorm = values.reduce((s, v) => s + v, 0) / b;
  return { penalty, norms: values, gradientNorm };
}
