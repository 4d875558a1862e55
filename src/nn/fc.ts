/**
 * The fully connected generator and discriminator of the paper's Figure 5 (SPEC §4), and their
 * registration under the name `FC`.
 * Generator `FC-nf=128-depth=2-normalize=none|bn|in`: Linear(z, nf), [norm], LeakyReLU(0.2);
 * depth−2 × (Linear(nf, nf), [norm], LeakyReLU(0.2)); Linear(nf, c·s·s), Tanh, view (c, s, s).
 * Discriminator `FC-nf=128-depth=4-normalize=…`: flatten; Linear(c·s·s, nf), LeakyReLU(0.2);
 * depth−2 × (Linear(nf, nf), [norm], LeakyReLU(0.2)); Linear(nf, 1); one score per image.
 * Parameters are named `main.<i>.weight` / `main.<i>.bias`.
 */
import type { Tensor } from '../engine/index.js';
import * as E from '../engine/index.js';
import { resolveSpec, SpecError, type ParsedSpec } from '../util/named-spec.js';
import { registerDiscriminator, registerGenerator, type ArchContext } from './architectures.js';
import { LeakyReLU, Linear, Tanh, View } from './layers.js';
import { Module, Sequential } from './module.js';
import { BatchNorm, InstanceNorm } from './norm.js';

export type Normalize = 'none' | 'bn' | 'in';

export interface FcOptions { nf: number; depth: number; normalize: Normalize }

const kinds = { nf: 'int', depth: 'int', normalize: 'string' } as const;
const choices = { normalize: ['none', 'bn', 'in'] };

function normLayer(kind: Normalize, nf: number, ctx: ArchContext): Module[] {
  if (kind === 'bn') return [new BatchNorm(nf, { dtype: ctx.dtype })];
  if (kind === 'in') return [new InstanceNorm()];
  return [];
}

function checkDepth(spec: ParsedSpec, o: FcOptions, min: number): void {
  if (o.depth < min) throw new SpecError(`"${spec.text}": depth must be at least ${min}, got ${o.depth}`);
  if (o.nf < 1) throw new SpecError(`"${spec.text}": nf must be positive, got ${o.nf}`);
}

export class FcGenerator extends Module {
  readonly main: Sequential;
  constructor(readonly options: FcOptions, ctx: ArchContext) {
    super();
    const { nf, depth, normalize } = options;
    const o = { rng: ctx.rng, dtype: ctx.dtype };
    const out = ctx.channels * ctx.imSize * ctx.imSize;
    const layers: Module[] = [new Linear(ctx.zDim, nf, o), ...normLayer(normalize, nf, ctx), new LeakyReLU(0.2)];
    for (let i = 0; i < depth - 2; i++) layers.push(new Linear(nf, nf, o), ...normLayer(normalize, nf, ctx), new LeakyReLU(0.2));
    layers.push(new Linear(nf, out, o), new Tanh(), new View([ctx.channels, ctx.imSize, ctx.imSize]));
    this.main = this.registerModule('main', new Sequential(layers));
  }
  forward(z: Tensor): Tensor { return this.main.forward(z.ndim === 2 ? z : E.flatten(z, 1)); }
}

export class FcDiscriminator extends Module {
  readonly main: Sequential;
  constructor(readonly options: FcOptions, ctx: ArchContext) {
    super();
    const { nf, depth, normalize } = options;
    const o = { rng: ctx.rng, dtype: ctx.dtype };
    const inF = ctx.channels * ctx.imSize * ctx.imSize;
    const layers: Module[] = [new Linear(inF, nf, o), new LeakyReLU(0.2)];
    for (let i = 0; i < depth - 2; i++) layers.push(new Linear(nf, nf, o), ...normLayer(normalize, nf, ctx), new LeakyReLU(0.2));
    layers.push(new Linear(nf, 1, o));
    this.main = this.registerModule('main', new Sequential(layers));
  }
  /** N×C×H×W (or N×F) → N scores. */
  forward(x: Tensor): Tensor { return E.reshape(this.main.forward(E.flatten(x, 1)), [x.shape[0]]); }
}

function generatorOptions(spec: ParsedSpec): FcOptions {
  const o = resolveSpec(spec, { nf: 128, depth: 2, normalize: 'none' }, kinds, choices) as FcOptions;
  checkDepth(spec, o, 2);
  return o;
}

function discriminatorOptions(spec: ParsedSpec): FcOptions {
  const o = resolveSpec(spec, { nf: 128, depth: 4, normalize: 'none' }, kinds, choices) as FcOptions;
  checkDepth(spec, o, 2);
  return o;
}

registerGenerator('FC', (spec, ctx) => new FcGenerator(generatorOptions(spec), ctx), (spec) => { generatorOptions(spec); });
registerDiscriminator('FC', (spec, ctx) => new FcDiscriminator(discriminatorOptions(spec), ctx), (spec) => { discriminatorOptions(spec); });
