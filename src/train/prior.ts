/**
 * Latent priors (SPEC §3): `normal` (N(0, I)), `uniform` (U(0, 1)), `binary` (sign of a normal
 * sample) and `const=M` (M codes drawn once from N(0, I), kept for the whole run and saved in
 * checkpoints: the *discrete* generator).
 *
 * Owns: parsing the `--z_prior` text, drawing batches of codes from an Rng, the evaluation codes
 * (a const prior: exactly its M codes in order; a continuous one: min(dataset size,
 * max_eval_images) codes drawn once), and the codes' save/restore. Knows nothing of networks.
 */
import type { Rng } from '../engine/random.js';
import { UserError } from '../util/errors.js';

export type PriorKind = 'normal' | 'uniform' | 'binary' | 'const';

export interface PriorSpec {
  readonly kind: PriorKind;
  /** Number of codes of a const prior. */
  readonly m?: number;
}

export function parsePrior(text: string): PriorSpec {
  if (text === 'normal' || text === 'uniform' || text === 'binary') return { kind: text };
  const m = /^const=(\d+)$/.exec(text);
  if (m) {
    const count = Number(m[1]);
    if (count < 1) throw new UserError(`--z_prior ${text}: the number of codes must be at least 1`);
    return { kind: 'const', m: count };
  }
  throw new UserError(`--z_prior must be normal, uniform, binary or const=M (M a positive integer), got "${text}"`);
}

export class Prior {
  /** The M fixed codes of a const prior (M·zDim values), else null. */
  codes: Float32Array | null;

  /** A const prior draws its M codes from `rng` here: build the prior before any network. */
  constructor(readonly spec: PriorSpec, readonly zDim: number, rng: Rng) {
    if (!Number.isInteger(zDim) || zDim < 1) throw new UserError(`--z_dim must be a positive integer, got ${zDim}`);
    if (spec.kind === 'const') {
      this.codes = new Float32Array(spec.m! * zDim);
      rng.fillNormal(this.codes);
    } else {
      this.codes = null;
    }
  }

  get isDiscrete(): boolean {
    return this.spec.kind === 'const';
  }

  /** `b` fresh codes (b·zDim values). A const prior returns all M codes in order when b = M,
   *  otherwise b codes drawn uniformly with replacement. */
  sample(b: number, rng: Rng): Float32Array {
    const z = this.zDim;
    const out = new Float32Array(b * z);
    switch (this.spec.kind) {
      case 'normal':
        rng.fillNormal(out);
        break;
      case 'uniform':
        rng.fillUniform(out, 0, 1);
        break;
      case 'binary':
        for (let i = 0; i < out.length; i++) {
          const v = rng.normal();
          out[i] = v > 0 ? 1 : v < 0 ? -1 : 0;
        }
        break;
      case 'const': {
        const codes = this.codes!;
        const m = this.spec.m!;
        if (b === m) {
          out.set(codes);
        } else {
          const idx = rng.choiceWithReplacement(m, b);
          for (let i = 0; i < b; i++) out.set(codes.subarray(idx[i] * z, (idx[i] + 1) * z), i * z);
        }
        break;
      }
    }
    return out;
  }

  /** How many images an evaluation generates: M for a const prior, else
   *  min(datasetSize, maxEvalImages). */
  evaluationCount(datasetSize: number, maxEvalImages: number): number {
    return this.spec.kind === 'const' ? this.spec.m! : Math.min(datasetSize, maxEvalImages);
  }

  /** The codes an evaluation generates from: a const prior's M codes in order, else `count`
   *  codes drawn now (the caller keeps them fixed for the run). */
  evaluationCodes(count: number, rng: Rng): Float32Array {
    if (this.spec.kind === 'const') return this.codes!.slice();
    return this.sample(count, rng);
  }

  setCodes(codes: Float32Array): void {
    if (this.spec.kind !== 'const') throw new Error('only a const prior has codes');
    if (codes.length !== this.spec.m! * this.zDim) throw new UserError(`the saved prior holds ${codes.length / this.zDim} codes of size ${this.zDim}; this run asks for const=${this.spec.m}`);
    this.codes = codes.slice();
  }

  toString(): string {
    return this.spec.kind === 'const' ? `const=${this.spec.m}` : this.spec.kind;
  }
}
