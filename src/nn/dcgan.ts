/**
 * The DCGAN generator and discriminator (SPEC §4) at 64, 128 and 256 pixels, registered as
 * `DCGAN` (`DCGAN-nf=64-normalize=none|bn|in`).
 * Generator (normalize defaults to none): z viewed as (z_dim, 1, 1); ConvT(z, 8nf, 4, 1, 0),
 * [norm], ReLU; then ConvT(·, ·/2, 4, 2, 1), [norm], ReLU down to nf (64), nf/2 (128) or nf/4
 * (256); then ConvT(·, c, 4, 2, 1) with bias and Tanh. The inner transposed convolutions carry
 * no bias (DCGAN's convention; a bias before a normalisation is cancelled anyway).
 * Discriminator (normalize defaults to in): Conv(c, nf, 4, 2, 1) with bias, ReLU; then
 * Conv(·, 2·, 4, 2, 1), [norm], ReLU up to 8nf (64), 16nf (128) or 32nf (256), each with a
 * bias only when normalize is none; then flatten and Linear(last·4·4, 1): one score per image.
 * Parameters: `main.<i>.weight|bias`, `head.weight|bias` (discriminator).
 * Other image sizes are refused with one sentence naming --im_size.
 */
import type { Tensor } from '../engine/index.js';
import * as E from '../engine/index.js';
import { UserError } from '../util/errors.js';
import { resolveSpec, SpecError, type ParsedSpec } from '../util/named-spec.js';
import { registerDiscriminator, registerGenerator, type ArchContext } from './architectures.js';
import { Conv2d, ConvTranspose2d, Linear, ReLU, Tanh } from './layers.js';
import { Module, Sequential } from './module.js';
import { InstanceNorm } from './norm.js';
import { FusedBatchNorm as BatchNorm } from './fused-batch-norm.js';
import type { Normalize } from './fc.js';

export interface DcganOptions { nf: number; normalize: Normalize }

/** Number of stride-2 stages beyond the 64-pixel network: 0, 1 or 2. */
const EXTRA_STAGES: Record<number, number> = { 64: 0, 128: 1, 256: 2 };

function extraStages(text: string, ctx: Pick<ArchContext, 'imSize'>): number {
  const extra = EXTRA_STAGES[ctx.imSize];
  if (extra === undefined) throw new UserError(`--im_size ${ctx.imSize}: the ${text} architecture works at 64, 128 or 256 pixels only`);
  return extra;
}

function norm(kind: Normalize, channels: number, ctx: ArchContext): Module[] {
  if (kind === 'bn') return [new BatchNorm(channels, { dtype: ctx.dtype })];
  if (kind === 'in') return [new InstanceNorm()];
  return [];
}

/** Channel widths of the generator's stages after the first, as multiples of nf. */
function generatorWidths(nf: number, extra: number): number[] {
  const w = [8 * nf, 4 * nf, 2 * nf, nf];
  if (extra >= 1) w.push(nf / 2);
  if (extra >= 2) w.push(nf / 4);
  return w;
}

function checkedGeneratorWidths(nf: number, text: string, ctx: Pick<ArchContext, 'imSize'>): number[] {
  const widths = generatorWidths(nf, extraStages(text, ctx));
  if (!widths.every((w) => Number.isInteger(w) && w >= 1)) throw new SpecError(`"${text}": nf ${nf} is too small (or not divisible) for ${ctx.imSize}-pixel images`);
  return widths;
}

export class DcganGenerator extends Module {
  readonly main: Sequential;
  constructor(readonly options: DcganOptions, readonly ctx: ArchContext, text = 'DCGAN') {
    super();
    const { nf, normalize } = options;
    const widths = checkedGeneratorWidths(nf, text, ctx);
    const o = { rng: ctx.rng, dtype: ctx.dtype, bias: false };
    const layers: Module[] = [new ConvTranspose2d(ctx.zDim, widths[0], 4, { ...o, stride: 1, padding: 0 }), ...norm(normalize, widths[0], ctx), new ReLU()];
    for (let i = 1; i < widths.length; i++) {
      layers.push(new ConvTranspose2d(widths[i - 1], widths[i], 4, { ...o, stride: 2, padding: 1 }), ...norm(normalize, widths[i], ctx), new ReLU());
    }
    layers.push(new ConvTranspose2d(widths[widths.length - 1], ctx.channels, 4, { ...o, bias: true, stride: 2, padding: 1 }), new Tanh());
    this.main = this.registerModule('main', new Sequential(layers));
  }
  /** N×z_dim codes → N×C×S×S images. */
  forward(z: Tensor): Tensor {
    return this.main.forward(E.reshape(z, [z.shape[0], this.ctx.zDim, 1, 1]));
  }
}

export class DcganDiscriminator extends Module {
  readonly main: Sequential;
  readonly head: Linear;
  constructor(readonly options: DcganOptions, ctx: ArchContext, text = 'DCGAN') {
    super();
    const { nf, normalize } = options;
    const extra = extraStages(text, ctx);
    const o = { rng: ctx.rng, dtype: ctx.dtype, stride: 2, padding: 1 };
    const layers: Module[] = [new Conv2d(ctx.channels, nf, 4, { ...o, bias: true }), new ReLU()];
    let ch = nf;
    for (let i = 0; i < 3 + extra; i++) {
      layers.push(new Conv2d(ch, 2 * ch, 4, { ...o, bias: normalize === 'none' }), ...norm(normalize, 2 * ch, ctx), new ReLU());
      ch *= 2;
    }
    this.main = this.registerModule('main', new Sequential(layers));
    this.head = this.registerModule('head', new Linear(ch * 16, 1, { rng: ctx.rng, dtype: ctx.dtype }));
  }
  /** N×C×S×S → N scores. */
  forward(x: Tensor): Tensor {
    const f = this.main.forward(x);
    return E.reshape(this.head.forward(E.flatten(f, 1)), [x.shape[0]]);
  }
}

function resolve(spec: ParsedSpec, normalize: Normalize): DcganOptions {
  const o = resolveSpec(spec, { nf: 64, normalize: normalize as string }, { nf: 'int', normalize: 'string' }, { normalize: ['none', 'bn', 'in'] }) as DcganOptions;
  if (o.nf < 1) throw new SpecError(`"${spec.text}": nf must be positive, got ${o.nf}`);
  return o;
}

registerGenerator('DCGAN', (spec, ctx) => new DcganGenerator(resolve(spec, 'none'), ctx, spec.text),
  (spec, ctx) => { checkedGeneratorWidths(resolve(spec, 'none').nf, spec.text, ctx); });
registerDiscriminator('DCGAN', (spec, ctx) => new DcganDiscriminator(resolve(spec, 'in'), ctx, spec.text),
  (spec, ctx) => { resolve(spec, 'in'); extraStages(spec.text, ctx); });
