/**
 * The convolutional discriminator of the paper's Figure 7 (SPEC §4), registered as `CNN`:
 * `CNN-depth=3-nf=64-k=3-pad=0-normalize=none|bn|in-GAP=True|False`.
 * Conv(c, nf, k, stride 2, pad), ReLU; for i in 0..depth−2: Conv(nf·2^i, nf·2^(i+1), k,
 * stride 2, pad), [norm], ReLU (convolutions carry a bias only when normalize is none); then
 * global average pooling + Linear(nf·2^(depth−1), 1, no bias) (GAP=True), or flatten +
 * Linear(d²·nf·2^(depth−1), 1, no bias) with d the final side (GAP=False).
 * Parameters: `main.<i>.weight|bias` for the convolutions, `head.weight` for the linear.
 */
import type { Tensor } from '../engine/index.js';
import * as E from '../engine/index.js';
import { resolveSpec, SpecError, type ParsedSpec } from '../util/named-spec.js';
import { registerDiscriminator, type ArchContext } from './architectures.js';
import { Conv2d, Linear, ReLU } from './layers.js';
import { Module, Sequential } from './module.js';
import { BatchNorm, InstanceNorm } from './norm.js';
import type { Normalize } from './fc.js';

export interface CnnOptions { depth: number; nf: number; k: number; pad: number; normalize: Normalize; GAP: boolean }

/** The receptive field of the critic's last feature (the patch size it sees): starting from
 *  1, depth times rf → 2·rf + max(0, k − 2). */
export function cnnReceptiveField(depth: number, k: number): number {
  let rf = 1;
  for (let i = 0; i < depth; i++) rf = 2 * rf + Math.max(0, k - 2);
  return rf;
}

export class CnnDiscriminator extends Module {
  readonly main: Sequential;
  readonly head: Linear;
  /** Side of the last feature map. */
  readonly finalSide: number;
  readonly receptiveField: number;
  constructor(readonly options: CnnOptions, ctx: ArchContext, specText = 'CNN') {
    super();
    const { depth, nf, k, pad, normalize, GAP } = options;
    const o = { rng: ctx.rng, dtype: ctx.dtype, stride: 2, padding: pad, bias: normalize === 'none' };
    const layers: Module[] = [new Conv2d(ctx.channels, nf, k, o), new ReLU()];
    const side = cnnFinalSide(options, ctx.imSize, specText);
    for (let i = 0; i < depth - 1; i++) {
      const cin = nf * 2 ** i, cout = nf * 2 ** (i + 1);
      layers.push(new Conv2d(cin, cout, k, o));
      if (normalize === 'bn') layers.push(new BatchNorm(cout, { dtype: ctx.dtype }));
      if (normalize === 'in') layers.push(new InstanceNorm());
      layers.push(new ReLU());
    }
    this.finalSide = side;
    this.receptiveField = cnnReceptiveField(depth, k);
    this.main = this.registerModule('main', new Sequential(layers));
    const feat = nf * 2 ** (depth - 1);
    this.head = this.registerModule('head', new Linear(GAP ? feat : side * side * feat, 1, { rng: ctx.rng, dtype: ctx.dtype, bias: false }));
  }
  /** N×C×H×W → N scores. */
  forward(x: Tensor): Tensor {
    const f = this.main.forward(x);
    const v = this.options.GAP ? E.globalAvgPool2d(f) : E.flatten(f, 1);
    return E.reshape(this.head.forward(v), [x.shape[0]]);
  }
}

/** Side of the last feature map of `depth` stride-2 convolutions on an imSize image; throws
 *  when nothing is left. */
export function cnnFinalSide(o: Pick<CnnOptions, 'depth' | 'k' | 'pad'>, imSize: number, specText = 'CNN'): number {
  let side = imSize;
  for (let i = 0; i < o.depth; i++) side = Math.floor((side + 2 * o.pad - o.k) / 2) + 1;
  if (side < 1) throw new SpecError(`"${specText}": ${o.depth} stride-2 convolutions of kernel ${o.k} leave nothing of a ${imSize}×${imSize} image`);
  return side;
}

function cnnOptions(spec: ParsedSpec, imSize: number): CnnOptions {
  const o = resolveSpec(spec, { depth: 3, nf: 64, k: 3, pad: 0, normalize: 'none', GAP: true },
    { depth: 'int', nf: 'int', k: 'int', pad: 'int', normalize: 'string', GAP: 'bool' }, { normalize: ['none', 'bn', 'in'] }) as CnnOptions;
  if (o.depth < 1 || o.nf < 1 || o.k < 1) throw new SpecError(`"${spec.text}": depth, nf and k must be positive`);
  cnnFinalSide(o, imSize, spec.text);
  return o;
}

registerDiscriminator('CNN', (spec, ctx: ArchContext) => new CnnDiscriminator(cnnOptions(spec, ctx.imSize), ctx, spec.text),
  (spec, ctx) => { cnnOptions(spec, ctx.imSize); });
