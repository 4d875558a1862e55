/**
 * Batch normalisation in training mode as one op (memory: the graph keeps only x, weight and
 * bias, where the composed form keeps four full-size intermediates): y = (x − μ)/sqrt(σ² + eps)
 * · weight + bias with μ, σ² (biased) the per-channel statistics of the batch, over axes
 * (0, 2, 3) of N×C×H×W or axis 0 of N×F. The forward is one pass of plain loops; the backward
 * rule recomputes x̂ from x with differentiable engine ops, so gradients of any order are exact
 * (the gradient penalty differentiates batch-normalised critics twice):
 *   dx = weight/σ · (g − mean(g) − x̂ · mean(g·x̂)), dweight = Σ g·x̂, dbias = Σ g.
 * Returns the batch statistics too (for running averages). Knows nothing of modules or GANs.
 */
import { Tensor, zeros, shapeStr } from '../tensor.js';
import { record } from '../autograd.js';
import { add, div, mul, sqrt, sub } from './elementwise.js';
import { mean, sum } from './reduce.js';
import { reshape } from './shape.js';

export interface BatchNormResult {
  readonly y: Tensor;
  /** Per-channel batch mean and biased variance. */
  readonly mean: Float64Array;
  readonly var: Float64Array;
}

function layout(x: Tensor): { C: number; inner: number; outer: number; axes: number[]; bshape: number[] } {
  if (x.ndim === 2) return { C: x.shape[1], inner: 1, outer: x.shape[0], axes: [0], bshape: [1, x.shape[1]] };
  if (x.ndim === 4) return { C: x.shape[1], inner: x.shape[2] * x.shape[3], outer: x.shape[0], axes: [0, 2, 3], bshape: [1, x.shape[1], 1, 1] };
  throw new Error(`batchNormTrain: needs N×F or N×C×H×W input, got ${shapeStr(x.shape)}`);
}

export function batchNormTrain(x: Tensor, weight: Tensor, bias: Tensor, eps: number): BatchNormResult {
  const { C, inner, outer, axes, bshape } = layout(x);
  if (weight.size !== C || bias.size !== C) throw new Error(`batchNormTrain: ${C} channels but weight ${shapeStr(weight.shape)} and bias ${shapeStr(bias.shape)}`);
  const n = outer * inner;
  const xd = x.data, wd = weight.data, bd = bias.data;
  const mu = new Float64Array(C), va = new Float64Array(C);
  for (let o = 0; o < outer; o++) {
    for (let c = 0; c < C; c++) {
      const base = (o * C + c) * inner;
      let s = 0;
      for (let i = 0; i < inner; i++) s += xd[base + i];
      mu[c] += s;
    }
  }
  for (let c = 0; c < C; c++) mu[c] /= n;
  for (let o = 0; o < outer; o++) {
    for (let c = 0; c < C; c++) {
      const base = (o * C + c) * inner, m = mu[c];
      let s = 0;
      for (let i = 0; i < inner; i++) { const d = xd[base + i] - m; s += d * d; }
      va[c] += s;
    }
  }
  for (let c = 0; c < C; c++) va[c] /= n;
  const y = zeros(x.shape, x.dtype);
  const yd = y.data;
  for (let o = 0; o < outer; o++) {
    for (let c = 0; c < C; c++) {
      const base = (o * C + c) * inner, m = mu[c];
      const scale = wd[c] / Math.sqrt(va[c] + eps), shift = bd[c];
      for (let i = 0; i < inner; i++) yd[base + i] = (xd[base + i] - m) * scale + shift;
    }
  }
  record(y, 'batchNormTrain', [x, weight, bias], (g, needs) => {
    const m = mean(x, axes, true);
    const xc = sub(x, m);
    const std = sqrt(add(mean(mul(xc, xc), axes, true), eps));
    const xhat = div(xc, std);
    const gx = needs[0]
      ? mul(div(reshape(weight, bshape), std), sub(sub(g, mean(g, axes, true)), mul(xhat, mean(mul(g, xhat), axes, true))))
      : null;
    const gw = needs[1] ? reshape(sum(mul(g, xhat), axes), weight.shape) : null;
    const gb = needs[2] ? reshape(sum(g, axes), bias.shape) : null;
    return [gx, gw, gb];
  });
  return { y, mean: mu, var: va };
}
