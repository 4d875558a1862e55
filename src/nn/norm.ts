/**
 * Normalisation layers (SPEC §4): BatchNorm (PyTorch's BatchNorm1d on N×F and BatchNorm2d on
 * N×C×H×W: weight 1, bias 0, eps 1e-5, momentum 0.1, batch statistics in training mode with
 * running statistics updated (unbiased variance), running statistics in evaluation mode) and
 * InstanceNorm (no affine, no running statistics; on N×C×H×W each (sample, channel) over H×W;
 * on a 2-d N×F input each sample over its own features, as PyTorch's InstanceNorm1d does with
 * an unbatched input). Composed of engine ops, so differentiable to any order.
 */
import * as E from '../engine/index.js';
import type { DType, Tensor } from '../engine/index.js';
import { Module } from './module.js';

/** (x − mean) / sqrt(var + eps) with biased variance over `axes` (kept). */
export function normalizeOver(x: Tensor, axes: number[], eps: number): { y: Tensor; mean: Tensor; var: Tensor } {
  const mean = E.mean(x, axes, true);
  const centered = E.sub(x, mean);
  const v = E.mean(E.mul(centered, centered), axes, true);
  return { y: E.div(centered, E.sqrt(E.add(v, eps))), mean, var: v };
}

function statAxes(op: string, x: Tensor): number[] {
  if (x.ndim === 2) return [0];
  if (x.ndim === 4) return [0, 2, 3];
  throw new Error(`${op}: needs N×F or N×C×H×W input, got [${x.shape.join(', ')}]`);
}

export class BatchNorm extends Module {
  readonly weight: Tensor;
  readonly bias: Tensor;
  readonly runningMean: Tensor;
  readonly runningVar: Tensor;
  readonly numBatchesTracked: Tensor;
  readonly eps: number;
  readonly momentum: number;
  constructor(readonly numFeatures: number, opts: { dtype?: DType; eps?: number; momentum?: number } = {}) {
    super();
    this.eps = opts.eps ?? 1e-5;
    this.momentum = opts.momentum ?? 0.1;
    const dt = opts.dtype ?? 'float32';
    this.weight = this.registerParameter('weight', E.ones([numFeatures], dt));
    this.bias = this.registerParameter('bias', E.zeros([numFeatures], dt));
    this.runningMean = this.registerBuffer('running_mean', E.zeros([numFeatures], dt));
    this.runningVar = this.registerBuffer('running_var', E.ones([numFeatures], dt));
    this.numBatchesTracked = this.registerBuffer('num_batches_tracked', E.zeros([], dt));
  }

  forward(x: Tensor): Tensor {
    const axes = statAxes('BatchNorm', x);
    const C = this.numFeatures;
    if (x.shape[1] !== C) throw new Error(`BatchNorm: input [${x.shape.join(', ')}] has ${x.shape[1]} channels, expected ${C}`);
    const bshape = x.ndim === 2 ? [1, C] : [1, C, 1, 1];
    let y: Tensor;
    if (this.training) {
      const n = x.size / C;
      if (n <= 1) throw new Error(`BatchNorm: training needs more than one value per channel, got input [${x.shape.join(', ')}]`);
      const r = normalizeOver(x, axes, this.eps);
      y = r.y;
      const m = this.momentum, rm = this.runningMean.data, rv = this.runningVar.data;
      for (let c = 0; c < C; c++) {
        rm[c] = (1 - m) * rm[c] + m * r.mean.data[c];
        rv[c] = (1 - m) * rv[c] + m * r.var.data[c] * n / (n - 1);
      }
      this.numBatchesTracked.data[0] += 1;
    } else {
      const mean = E.reshape(E.clone(this.runningMean), bshape);
      const std = E.reshape(E.sqrt(E.add(E.clone(this.runningVar), this.eps)), bshape);
      y = E.div(E.sub(x, mean), std);
    }
    return E.add(E.mul(y, E.reshape(this.weight, bshape)), E.reshape(this.bias, bshape));
  }
}

export class InstanceNorm extends Module {
  constructor(readonly eps = 1e-5) { super(); }
  forward(x: Tensor): Tensor {
    if (x.ndim === 2) return normalizeOver(x, [1], this.eps).y;
    if (x.ndim === 4) return normalizeOver(x, [2, 3], this.eps).y;
    throw new Error(`InstanceNorm: needs N×F or N×C×H×W input, got [${x.shape.join(', ')}]`);
  }
}
