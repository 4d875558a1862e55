/**
 * The registry of network architectures named by `Name-key=value` strings (SPEC §1.1, §4):
 * `buildGenerator(text, ctx)` and `buildDiscriminator(text, ctx)` look the name up and let the
 * builder resolve its keys (errors name the whole string). Other files add architectures with
 * `registerGenerator` / `registerDiscriminator` (DCGAN, FastGAN register themselves from their
 * own modules; src/nn/index.ts imports them so they are present).
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

const generators = new Map<string, ArchBuilder>();
const discriminators = new Map<string, ArchBuilder>();

export function registerGenerator(name: string, build: ArchBuilder): void { generators.set(name, build); }
export function registerDiscriminator(name: string, build: ArchBuilder): void { discriminators.set(name, build); }
export function generatorNames(): string[] { return [...generators.keys()]; }
export function discriminatorNames(): string[] { return [...discriminators.keys()]; }

function build(kind: string, table: Map<string, ArchBuilder>, text: string, ctx: ArchContext): Module {
  const spec = parseSpec(text);
  const b = table.get(spec.name);
  if (!b) throw new UserError(`unknown ${kind} architecture "${spec.name}" in "${text}" (known: ${[...table.keys()].join(', ')})`);
  return b(spec, ctx);
}

/** A generator from its string, e.g. `FC-nf=128-depth=2`. */
export function buildGenerator(text: string, ctx: ArchContext): Module { return build('generator', generators, text, ctx); }

/** A discriminator from its string, e.g. `FC-nf=1024`, `CNN-GAP=False-depth=4-k=5`. */
export function buildDiscriminator(text: string, ctx: ArchContext): Module { return build('discriminator', discriminators, text, ctx); }
