/**
 * The registry of network architectures named by `Name-key=value` strings (SPEC §1.1, §4):
 * `buildGenerator(text, ctx)` and `buildDiscriminator(text, ctx)` look the name up and let the
 * builder resolve its keys (errors name the whole string). Other files add architectures with
 * `registerGenerator` / `registerDiscriminator` (DCGAN, FastGAN register themselves from their
 * own modules; src/nn/index.ts imports them so they are present). Each registers a `check`
 * beside its builder: every error its builder can raise from the string or the image size,
 * without allocating a weight, so `checkGenerator` / `checkDiscriminator` can refuse a bad
 * string before a run decodes its data.
 * Generators map N×zDim codes to N×C×S×S images; discriminators map images to N scores.
 */
import type { DType, Rng } from '../engine/index.js';
import { UserError } from '../util/errors.js';
import { parseSpec, type ParsedSpec } from '../util/named-spec.js';
import type { Module } from './module.js';

export interface ArchContext {
  zDim: number;
  channels: number;
  imSize: number;
  rng: Rng;
  dtype?: DType;
}

export type ArchBuilder = (spec: ParsedSpec, ctx: ArchContext) => Module;
/** Throws what the builder would throw for this string and context; allocates nothing. */
export type ArchCheck = (spec: ParsedSpec, ctx: Omit<ArchContext, 'rng'>) => void;

interface Entry { build: ArchBuilder; check: ArchCheck }
const generators = new Map<string, Entry>();
const discriminators = new Map<string, Entry>();

export function registerGenerator(name: string, build: ArchBuilder, check: ArchCheck): void { generators.set(name, { build, check }); }
export function registerDiscriminator(name: string, build: ArchBuilder, check: ArchCheck): void { discriminators.set(name, { build, check }); }
export function generatorNames(): string[] { return [...generators.keys()]; }
export function discriminatorNames(): string[] { return [...discriminators.keys()]; }

function lookup(kind: string, table: Map<string, Entry>, text: string): { spec: ParsedSpec; entry: Entry } {
  const spec = parseSpec(text);
  const entry = table.get(spec.name);
  if (!entry) throw new UserError(`unknown ${kind} architecture "${spec.name}" in "${text}" (known: ${[...table.keys()].join(', ')})`);
  return { spec, entry };
}

/** A generator from its string, e.g. `FC-nf=128-depth=2`. */
export function buildGenerator(text: string, ctx: ArchContext): Module {
  const { spec, entry } = lookup('generator', generators, text);
  checkContext(ctx);
  return entry.build(spec, ctx);
}

/** A discriminator from its string, e.g. `FC-nf=1024`, `CNN-GAP=False-depth=4-k=5`. */
export function buildDiscriminator(text: string, ctx: ArchContext): Module {
  const { spec, entry } = lookup('discriminator', discriminators, text);
  checkContext(ctx);
  return entry.build(spec, ctx);
}

/** Throws the error buildGenerator(text, ctx) would throw, without building anything. */
export function checkGenerator(text: string, ctx: Omit<ArchContext, 'rng'>): void {
  const { spec, entry } = lookup('generator', generators, text);
  checkContext(ctx);
  entry.check(spec, ctx);
}

/** Throws the error buildDiscriminator(text, ctx) would throw, without building anything. */
export function checkDiscriminator(text: string, ctx: Omit<ArchContext, 'rng'>): void {
  const { spec, entry } = lookup('discriminator', discriminators, text);
  checkContext(ctx);
  entry.check(spec, ctx);
}

/** zDim, channels and imSize positive integers (a zero zDim built a generator of NaN, a
 *  negative imSize failed only at the first forward pass). */
function checkContext(ctx: Partial<Omit<ArchContext, 'rng'>>): void {
  for (const key of ['zDim', 'channels', 'imSize'] as const) {
    const v = ctx?.[key];
    if (!(Number.isInteger(v) && (v as number) >= 1)) throw new RangeError(`architecture: ${key} must be a positive integer, got ${v}`);
  }
}
