/**
 * FusedBatchNorm: nn/norm.ts's BatchNorm (same parameters, buffers, state_dict names and
 * evaluation mode) whose training-mode forward is the single engine op `batchNormTrain`, so the
 * graph keeps one tensor per layer instead of five. FastGAN (and DCGAN with normalize=bn) use it:
 * at 128×128 with batch 16 the composed form's intermediates exceed the wasm backend's 4 GiB.
 * Knows nothing of GANs.
 */
import * as E from '../engine/index.js';
import type { Tensor } from '../engine/index.js';
import { BatchNorm } from './norm.js';

export class FusedBatchNorm extends BatchNorm {
  override forward(x: Tensor): Tensor {
    if (!this.training) return super.forward(x);
    const C = this.numFeatures;
    if (x.ndim < 2 || x.shape[1] !== C) throw new Error(`BatchNorm: input [${x.shape.join(', ')}] has ${x.shape[1]} channels, expected ${C}`);
    const n = x.size / C;
    if (n <= 1) throw new Error(`BatchNorm: training needs more than one value per channel, got input [${x.shape.join(', ')}]`);
    const r = E.batchNormTrain(x, this.weight, this.bias, this.eps);
    const m = this.momentum, rm = this.runningMean.data, rv = this.runningVar.data;
    for (let c = 0; c < C; c++) {
      rm[c] = (1 - m) * rm[c] + m * r.mean[c];
      rv[c] = (1 - m) * rv[c] + m * r.var[c] * n / (n - 1);
    }
    this.numBatchesTracked.data[0] += 1;
    return r.y;
  }
}
