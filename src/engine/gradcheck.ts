/**
 * Finite-difference checks of autograd, for tests of any area: `gradcheck` compares the
 * analytic gradient of a tensor function with central differences, `gradgradcheck` does the
 * same for the gradient itself (second order, including its dependence on the output
 * gradient). Inputs must be float64. Knows nothing of GANs.
 */
import { Tensor, fromFunction } from './tensor.js';
import { grad, noGrad } from './autograd.js';
import { concat, reshape } from './ops/shape.js';
import { mul } from './ops/elementwise.js';
import { sum } from './ops/reduce.js';

export interface GradcheckOptions {
  eps?: number;
  atol?: number;
  rtol?: number;
}

export interface GradcheckResult {
  ok: boolean;
  /** Largest |analytic − numeric| − rtol·|numeric| seen (≤ atol when ok). */
  worst: number;
  message: string;
}

/** Deterministic pseudo-random weights in [-1, 1] (not from Rng: a checker must not consume draws). */
function weights(n: number, seed: number): Tensor {
  return fromFunction([n], (i) => Math.sin(12.9898 * (i + 1) + 78.233 * seed) * 0.9 + 0.05 * Math.cos(i), 'float64');
}

/**
 * Check d⟨w, f(inputs)⟩/d inputs against central differences, for fixed pseudo-random w.
 * Every input must be a float64 leaf; they are marked as requiring gradients.
 */
export function gradcheck(f: (...xs: Tensor[]) => Tensor, inputs: Tensor[], opts: GradcheckOptions = {}): GradcheckResult {
  const eps = opts.eps ?? 1e-6, atol = opts.atol ?? 1e-6, rtol = opts.rtol ?? 1e-4;
  for (const x of inputs) {
    if (x.dtype !== 'float64') throw new Error('gradcheck: inputs must be float64');
    x.requireGrad(true);
  }
  const out0 = f(...inputs);
  const w = reshape(weights(out0.size, 1), out0.shape);
  const scalarOf = (o: Tensor) => {
    let s = 0;
    for (let i = 0; i < o.size; i++) s += o.data[i] * w.data[i];
    return s;
  };
  const analytic = grad(sum(mul(out0, w)), inputs, { allowUnused: true });
  let worst = -Infinity;
  let message = 'ok';
  {
    inputs.forEach((x, k) => {
      for (let i = 0; i < x.size; i++) {
        const orig = x.data[i];
        x.data[i] = orig + eps;
        const fp = scalarOf(f(...inputs));
        x.data[i] = orig - eps;
        const fm = scalarOf(f(...inputs));
        x.data[i] = orig;
        const num = (fp - fm) / (2 * eps);
        const ana = analytic[k].data[i];
        const err = Math.abs(ana - num) - rtol * Math.abs(num);
        if (err > worst) worst = err;
        if (err > atol && message === 'ok') message = `input ${k} element ${i}: analytic ${ana}, numeric ${num}`;
      }
    });
  }
  return { ok: worst <= atol, worst, message };
}

/**
 * Second order: check the gradient of x ↦ ∂⟨g, f(x)⟩/∂x (with g also an input) against
 * central differences. Passes only if every backward rule is itself correctly differentiable.
 */
export function gradgradcheck(f: (...xs: Tensor[]) => Tensor, inputs: Tensor[], opts: GradcheckOptions = {}): GradcheckResult {
  for (const x of inputs) x.requireGrad(true);
  const out0 = noGrad(() => f(...inputs));
  const g = reshape(weights(out0.size, 2), out0.shape).requireGrad(true);
  const firstOrder = (...xs: Tensor[]): Tensor => {
    const args = xs.slice(0, inputs.length);
    const gOut = xs[inputs.length];
    const out = f(...args);
    const gs = grad(out, args, { gradOutputs: [gOut], createGraph: true, allowUnused: true });
    return concat(gs.map((t) => reshape(t, [t.size])), 0);
  };
  return gradcheck(firstOrder, [...inputs, g], opts);
}
