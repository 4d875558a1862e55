/**
 * Layers with parameters (Linear, Conv2d, ConvTranspose2d) initialised as PyTorch does
 * (SPEC §4: weight and bias uniform in ±1/sqrt(fan_in), drawn in that order, flat row-major,
 * from the caller's Rng), and parameter-free layers (activations, Flatten, View, global
 * average pooling). Knows nothing of GANs.
 */
import * as E from '../engine/index.js';
import type { DType, Rng, Tensor } from '../engine/index.js';
import { Module } from './module.js';

export interface LayerOptions {
  rng: Rng;
  dtype?: DType;
  bias?: boolean;
}

/** A tensor of uniform draws in ±bound (PyTorch's default init). */
export function uniformInit(shape: number[], bound: number, rng: Rng, dtype: DType = 'float32'): Tensor {
  if (!shape.every((s) => Number.isInteger(s) && s >= 1)) throw new RangeError(`layer: every size (features, channels, kernel) must be a positive integer, got a weight of shape [${shape.join(', ')}]`);
  if (typeof rng?.uniform !== 'function') throw new TypeError('layer: options.rng (an Rng) is required to initialise the weights');
  return E.fromFunction(shape, () => (2 * rng.uniform() - 1) * bound, dtype);
}

export class Linear extends Module {
  readonly weight: Tensor;
  readonly bias: Tensor | null;
  constructor(readonly inFeatures: number, readonly outFeatures: number, opts: LayerOptions) {
    super();
    const bound = 1 / Math.sqrt(inFeatures);
    this.weight = this.registerParameter('weight', uniformInit([outFeatures, inFeatures], bound, opts.rng, opts.dtype));
    this.bias = opts.bias === false ? null : this.registerParameter('bias', uniformInit([outFeatures], bound, opts.rng, opts.dtype));
  }
  forward(x: Tensor): Tensor { return E.linear(x, this.weight, this.bias); }
}

export interface ConvOptions extends LayerOptions {
  stride?: number;
  padding?: number;
}

export class Conv2d extends Module {
  readonly weight: Tensor;
  readonly bias: Tensor | null;
  readonly stride: number;
  readonly padding: number;
  constructor(readonly inChannels: number, readonly outChannels: number, readonly kernelSize: number, opts: ConvOptions) {
    super();
    this.stride = opts.stride ?? 1;
    this.padding = opts.padding ?? 0;
    const bound = 1 / Math.sqrt(inChannels * kernelSize * kernelSize);
    this.weight = this.registerParameter('weight', uniformInit([outChannels, inChannels, kernelSize, kernelSize], bound, opts.rng, opts.dtype));
    this.bias = opts.bias === false ? null : this.registerParameter('bias', uniformInit([outChannels], bound, opts.rng, opts.dtype));
  }
  forward(x: Tensor): Tensor { return E.conv2d(x, this.weight, this.bias, { stride: this.stride, padding: this.padding }); }
}

export interface ConvTransposeOptions extends ConvOptions {
  outputPadding?: number;
}

/** torch.nn.ConvTranspose2d: weight (in, out, k, k); fan_in = out·k·k as PyTorch computes it. */
export class ConvTranspose2d extends Module {
  readonly weight: Tensor;
  readonly bias: Tensor | null;
  readonly stride: number;
  readonly padding: number;
  readonly outputPadding: number;
  constructor(readonly inChannels: number, readonly outChannels: number, readonly kernelSize: number, opts: ConvTransposeOptions) {
    super();
    this.stride = opts.stride ?? 1;
    this.padding = opts.padding ?? 0;
    this.outputPadding = opts.outputPadding ?? 0;
    const bound = 1 / Math.sqrt(outChannels * kernelSize * kernelSize);
    this.weight = this.registerParameter('weight', uniformInit([inChannels, outChannels, kernelSize, kernelSize], bound, opts.rng, opts.dtype));
    this.bias = opts.bias === false ? null : this.registerParameter('bias', uniformInit([outChannels], bound, opts.rng, opts.dtype));
  }
  forward(x: Tensor): Tensor {
    return E.convTranspose2d(x, this.weight, this.bias, { stride: this.stride, padding: this.padding, outputPadding: this.outputPadding });
  }
}

export class LeakyReLU extends Module {
  constructor(readonly slope = 0.01) { super(); }
  forward(x: Tensor): Tensor { return E.leakyRelu(x, this.slope); }
}

export class ReLU extends Module {
  forward(x: Tensor): Tensor { return E.relu(x); }
}

export class Tanh extends Module {
  forward(x: Tensor): Tensor { return E.tanh(x); }
}

export class Sigmoid extends Module {
  forward(x: Tensor): Tensor { return E.sigmoid(x); }
}

/** N×... → N×(rest). */
export class Flatten extends Module {
  forward(x: Tensor): Tensor { return E.flatten(x, 1); }
}

/** N×... → N×shape (like x.view(N, *shape)). */
export class View extends Module {
  constructor(readonly shape: readonly number[]) { super(); }
  forward(x: Tensor): Tensor { return E.reshape(x, [x.shape[0], ...this.shape]); }
}

/** N×C×H×W → N×C (mean over H, W). */
export class GlobalAvgPool extends Module {
  forward(x: Tensor): Tensor { return E.globalAvgPool2d(x); }
}
