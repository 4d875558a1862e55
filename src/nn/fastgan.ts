/**
 * The FastGAN generator and discriminator of the paper's Figure 2 (SPEC §4), at 128×128 RGB
 * only, registered as `FastGAN` (generator and discriminator) and `OldFastGAN` (an alias).
 * Keys (ours, for small test networks): generator `ngf` (64), discriminator `ndf` (48).
 * Every convolution is spectrally normalised (spectral-norm.ts) and carries no bias.
 *
 * Generator, channels nfc = {4: 16ngf, 8: 8ngf, 16: 4ngf, 32: 2ngf, 64: 2ngf, 128: ngf}:
 *   init: ConvT(z, 2·nfc4, 4, 1, 0), BN, GLU → nfc4@4;
 *   feat_8 (comp), feat_16, feat_32 (comp), feat_64, feat_128 (comp) up-blocks, an up-block
 *   being nearest ×2, conv3×3 to twice the channels, [noise injection], BN, GLU (a comp block
 *   repeats conv/noise/BN/GLU once more at the new size);
 *   feat_64 *= se_64(feat_4), feat_128 *= se_128(feat_8), SE = adaptive avg pool 4, conv4×4
 *   valid, Swish, conv1×1, Sigmoid; output tanh(to_128(feat_128)), to_128 a conv1×1 to 3.
 * Noise injection adds w·n with n one N(0,1) map per sample shared by the channels and w a
 * learned scalar starting at 0. In training mode n comes from the run's Rng; in evaluation
 * mode from a fixed-seed stream restarted at each forward pass, so evaluations are repeatable
 * and never consume the training stream.
 * Discriminator (ndf): from_rgb conv3×3 3→ndf + LeakyReLU(0.2) at 128; down blocks to
 *   2ndf@64, 4ndf@32, 8ndf@16, 16ndf@8, each the mean of a main path (conv4×4 s2 p1, BN,
 *   LReLU, conv3×3 p1, BN, LReLU) and a direct path (avg pool 2, conv1×1, BN, LReLU); head
 *   conv4×4 s2 p0 (16ndf→16ndf), BN, LReLU, conv3×3 p0 to one logit per image.
 */
import type { Tensor } from '../engine/index.js';
import * as E from '../engine/index.js';
import { Rng } from '../engine/random.js';
import { UserError } from '../util/errors.js';
import { resolveSpec, SpecError, type ParsedSpec } from '../util/named-spec.js';
import { registerDiscriminator, registerGenerator, type ArchContext } from './architectures.js';
import { Conv2d, ConvTranspose2d, LeakyReLU, Sigmoid, type ConvOptions } from './layers.js';
import { Module, Sequential } from './module.js';
import { FusedBatchNorm as BatchNorm } from './fused-batch-norm.js';
import { spectralNorm } from './spectral-norm.js';

/** Seed of the noise stream used in evaluation mode. */
export const EVAL_NOISE_SEED = 0x5eed;

/** Refuse any setting but 128×128 RGB (SPEC §9), naming the flag. */
export function checkFastGanInput(text: string, ctx: Omit<ArchContext, 'rng'>): void {
  const size = ctx.imSize !== 128, grey = ctx.channels !== 3;
  if (size && grey) throw new UserError(`--im_size ${ctx.imSize} and --gray_scale: ${text} works on 128×128 RGB images only (pass --im_size 128 and drop --gray_scale)`);
  if (size) throw new UserError(`--im_size ${ctx.imSize}: ${text} works at 128×128 pixels only (pass --im_size 128)`);
  if (grey) throw new UserError(`--gray_scale: ${text} works on RGB images only (drop --gray_scale)`);
}

/** A spectrally normalised convolution without bias. */
function snConv(ctx: ArchContext, cin: number, cout: number, k: number, stride = 1, padding = 0): Conv2d {
  const o: ConvOptions = { rng: ctx.rng, dtype: ctx.dtype, bias: false, stride, padding };
  return spectralNorm(new Conv2d(cin, cout, k, o), ctx.rng);
}

/** Gated linear unit over channels: x[:, :c/2] · sigmoid(x[:, c/2:]) (the engine's fused op). */
export const glu = E.glu;

export class GLU extends Module {
  forward(x: Tensor): Tensor { return glu(x); }
}

export class Swish extends Module {
  forward(x: Tensor): Tensor { return E.mul(x, E.sigmoid(x)); }
}

export class UpsampleNearest extends Module {
  forward(x: Tensor): Tensor { return E.upsampleNearest2d(x, 2); }
}

export class AdaptiveAvgPool extends Module {
  constructor(readonly size: number) { super(); }
  forward(x: Tensor): Tensor { return E.adaptiveAvgPool2d(x, this.size); }
}

export class AvgPool extends Module {
  constructor(readonly k: number) { super(); }
  forward(x: Tensor): Tensor { return E.avgPool2d(x, this.k); }
}

/** feat + w·n, n ~ N(0,1) of shape N×1×H×W; `weight` starts at 0. */
export class NoiseInjection extends Module {
  readonly weight: Tensor;
  /** Replaces the random noise when set (tests): returns an N×1×H×W tensor. */
  source: ((n: number, h: number, w: number) => Tensor) | null = null;
  constructor(readonly rng: Rng, dtype: ArchContext['dtype']) {
    super();
    this.weight = this.registerParameter('weight', E.zeros([1], dtype));
  }
  forward(feat: Tensor): Tensor {
    const [n, , h, w] = feat.shape;
    let noise: Tensor;
    if (this.source) noise = this.source(n, h, w);
    else noise = E.randn([n, 1, h, w], this.training ? this.rng : new Rng(EVAL_NOISE_SEED), feat.dtype);
    return E.add(feat, E.mul(this.weight, noise));
  }
}

/** Squeeze-excitation: big · sigmoid(conv1×1(swish(conv4×4(avgpool4(small))))). */
export class SEBlock extends Module {
  readonly main: Sequential;
  constructor(ctx: ArchContext, chIn: number, chOut: number) {
    super();
    this.main = this.registerModule('main', new Sequential([
      new AdaptiveAvgPool(4), snConv(ctx, chIn, chOut, 4), new Swish(), snConv(ctx, chOut, chOut, 1), new Sigmoid(),
    ]));
  }
  forward(x: Tensor): Tensor { return this.main.forward(x); }
  excite(small: Tensor, big: Tensor): Tensor { return E.mul(big, this.main.forward(small)); }
}

export function initLayer(ctx: ArchContext, nz: number, channels: number): Sequential {
  const convT = spectralNorm(new ConvTranspose2d(nz, channels * 2, 4, { rng: ctx.rng, dtype: ctx.dtype, bias: false, stride: 1, padding: 0 }), ctx.rng);
  return new Sequential([convT, new BatchNorm(channels * 2, { dtype: ctx.dtype }), new GLU()]);
}

export function upBlock(ctx: ArchContext, cin: number, cout: number): Sequential {
  return new Sequential([new UpsampleNearest(), snConv(ctx, cin, cout * 2, 3, 1, 1), new BatchNorm(cout * 2, { dtype: ctx.dtype }), new GLU()]);
}

export function upBlockComp(ctx: ArchContext, cin: number, cout: number): Sequential {
  return new Sequential([
    new UpsampleNearest(), snConv(ctx, cin, cout * 2, 3, 1, 1), new NoiseInjection(ctx.rng, ctx.dtype), new BatchNorm(cout * 2, { dtype: ctx.dtype }), new GLU(),
    snConv(ctx, cout, cout * 2, 3, 1, 1), new NoiseInjection(ctx.rng, ctx.dtype), new BatchNorm(cout * 2, { dtype: ctx.dtype }), new GLU(),
  ]);
}

/** Wraps InitLayer's Sequential under the name `init` (FastGAN's `init.init.<i>`). */
class InitLayer extends Module {
  readonly init: Sequential;
  constructor(ctx: ArchContext, nz: number, channels: number) {
    super();
    this.init = this.registerModule('init', initLayer(ctx, nz, channels));
  }
  forward(z: Tensor): Tensor { return this.init.forward(E.reshape(z, [z.shape[0], z.size / z.shape[0], 1, 1])); }
}

export class FastGanGenerator extends Module {
  readonly init: InitLayer;
  readonly feat8: Sequential;
  readonly feat16: Sequential;
  readonly feat32: Sequential;
  readonly feat64: Sequential;
  readonly feat128: Sequential;
  readonly se64: SEBlock;
  readonly se128: SEBlock;
  readonly to128: Conv2d;
  constructor(readonly ngf: number, ctx: ArchContext) {
    super();
    const nfc = { 4: 16 * ngf, 8: 8 * ngf, 16: 4 * ngf, 32: 2 * ngf, 64: 2 * ngf, 128: ngf };
    this.init = this.registerModule('init', new InitLayer(ctx, ctx.zDim, nfc[4]));
    this.feat8 = this.registerModule('feat_8', upBlockComp(ctx, nfc[4], nfc[8]));
    this.feat16 = this.registerModule('feat_16', upBlock(ctx, nfc[8], nfc[16]));
    this.feat32 = this.registerModule('feat_32', upBlockComp(ctx, nfc[16], nfc[32]));
    this.feat64 = this.registerModule('feat_64', upBlock(ctx, nfc[32], nfc[64]));
    this.feat128 = this.registerModule('feat_128', upBlockComp(ctx, nfc[64], nfc[128]));
    this.se64 = this.registerModule('se_64', new SEBlock(ctx, nfc[4], nfc[64]));
    this.se128 = this.registerModule('se_128', new SEBlock(ctx, nfc[8], nfc[128]));
    this.to128 = this.registerModule('to_128', snConv(ctx, nfc[128], 3, 1));
  }
  /** N×z codes → N×3×128×128 images in [−1, 1]. */
  forward(z: Tensor): Tensor {
    const f4 = this.init.forward(z);
    const f8 = this.feat8.forward(f4);
    const f16 = this.feat16.forward(f8);
    const f32 = this.feat32.forward(f16);
    const f64 = this.se64.excite(f4, this.feat64.forward(f32));
    const f128 = this.se128.excite(f8, this.feat128.forward(f64));
    return E.tanh(this.to128.forward(f128));
  }
}

/** mean of a strided main path and an average-pooled direct path. */
export class DownBlockComp extends Module {
  readonly main: Sequential;
  readonly direct: Sequential;
  constructor(ctx: ArchContext, cin: number, cout: number) {
    super();
    const bn = () => new BatchNorm(cout, { dtype: ctx.dtype });
    this.main = this.registerModule('main', new Sequential([
      snConv(ctx, cin, cout, 4, 2, 1), bn(), new LeakyReLU(0.2), snConv(ctx, cout, cout, 3, 1, 1), bn(), new LeakyReLU(0.2),
    ]));
    this.direct = this.registerModule('direct', new Sequential([new AvgPool(2), snConv(ctx, cin, cout, 1), bn(), new LeakyReLU(0.2)]));
  }
  forward(x: Tensor): Tensor { return E.mulScalar(E.add(this.main.forward(x), this.direct.forward(x)), 0.5); }
}

export class FastGanDiscriminator extends Module {
  readonly fromRgb: Sequential;
  readonly down: Sequential;
  readonly head: Sequential;
  constructor(readonly ndf: number, ctx: ArchContext) {
    super();
    this.fromRgb = this.registerModule('from_rgb', new Sequential([snConv(ctx, ctx.channels, ndf, 3, 1, 1), new LeakyReLU(0.2)]));
    this.down = this.registerModule('down', new Sequential([
      new DownBlockComp(ctx, ndf, 2 * ndf), new DownBlockComp(ctx, 2 * ndf, 4 * ndf),
      new DownBlockComp(ctx, 4 * ndf, 8 * ndf), new DownBlockComp(ctx, 8 * ndf, 16 * ndf),
    ]));
    this.head = this.registerModule('head', new Sequential([
      snConv(ctx, 16 * ndf, 16 * ndf, 4, 2, 0), new BatchNorm(16 * ndf, { dtype: ctx.dtype }), new LeakyReLU(0.2), snConv(ctx, 16 * ndf, 1, 3),
    ]));
  }
  /** N×3×128×128 → N logits. */
  forward(x: Tensor): Tensor {
    return E.reshape(this.head.forward(this.down.forward(this.fromRgb.forward(x))), [x.shape[0]]);
  }
}

/** ngf (generator) or ndf (discriminator) from the string, after every check on it and on ctx. */
function width(spec: ParsedSpec, ctx: Omit<ArchContext, 'rng'>, key: 'ngf' | 'ndf', fallback: number): number {
  const v = resolveSpec(spec, { [key]: fallback }, { [key]: 'int' })[key] as number;
  if (v < 1) throw new SpecError(`"${spec.text}": ${key} must be positive`);
  checkFastGanInput(spec.text, ctx);
  return v;
}

for (const name of ['FastGAN', 'OldFastGAN']) {
  registerGenerator(name, (spec, ctx) => new FastGanGenerator(width(spec, ctx, 'ngf', 64), ctx), (spec, ctx) => { width(spec, ctx, 'ngf', 64); });
  registerDiscriminator(name, (spec, ctx) => new FastGanDiscriminator(width(spec, ctx, 'ndf', 48), ctx), (spec, ctx) => { width(spec, ctx, 'ndf', 48); });
}
