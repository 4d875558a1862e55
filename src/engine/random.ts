/**
 * The one seeded random generator every draw of the product comes from.
 *
 * Owns: a xoroshiro128+ stream (from the `pure-rand` package) and the draws built on it:
 * uniform floats, normals (Box–Muller, with the spare value kept in the state), integers,
 * permutations, choices with replacement. Its whole state is a small JSON object that
 * checkpoints save and restore, so a resumed run draws exactly what an uninterrupted one would.
 * Knows nothing of tensors or GANs.
 */
import { xoroshiro128plus, xoroshiro128plusFromState } from 'pure-rand/generator/xoroshiro128plus';
import type { RandomGenerator } from 'pure-rand/types/RandomGenerator';

export interface RngState {
  readonly algorithm: 'xoroshiro128plus';
  readonly words: number[];
  /** The second normal of the last Box–Muller pair, if not yet used. */
  readonly spareNormal: number | null;
}

export class Rng {
  private gen: RandomGenerator;
  private spare: number | null = null;

  constructor(seed: number) {
    if (!Number.isInteger(seed)) throw new Error(`seed must be an integer, got ${seed}`);
    this.gen = xoroshiro128plus(seed | 0);
    // The seeded state is sparse; a few steps mix it before the first draw.
    for (let i = 0; i < 16; i++) this.gen.next();
  }

  /** Uniform in [0, 1) with 53 random bits. */
  uniform(): number {
    const a = this.gen.next() & 0x3ffffff; // 26 bits
    const b = this.gen.next() & 0x7ffffff; // 27 bits
    return (a * 134217728 + b) / 9007199254740992;
  }

  /** Standard normal (Box–Muller). */
  normal(): number {
    if (this.spare !== null) {
      const s = this.spare;
      this.spare = null;
      return s;
    }
    let u = 0;
    while (u === 0) u = this.uniform();
    const v = this.uniform();
    const r = Math.sqrt(-2 * Math.log(u));
    this.spare = r * Math.sin(2 * Math.PI * v);
    return r * Math.cos(2 * Math.PI * v);
  }

  /** Integer uniform in [0, n). Unbiased (rejection sampling). */
  int(n: number): number {
    if (!Number.isInteger(n) || n <= 0) throw new Error(`int(n) needs a positive integer, got ${n}`);
    if (n <= 0x100000000) {
      const limit = Math.floor(0x100000000 / n) * n;
      for (;;) {
        const x = this.gen.next() >>> 0;
        if (x < limit) return x % n;
      }
    }
    return Math.floor(this.uniform() * n);
  }

  /** A uniformly random permutation of 0..n-1 (Fisher–Yates). */
  permutation(n: number): Int32Array {
    const p = new Int32Array(n);
    for (let i = 0; i < n; i++) p[i] = i;
    for (let i = n - 1; i > 0; i--) {
      const j = this.int(i + 1);
      const t = p[i];
      p[i] = p[j];
      p[j] = t;
    }
    return p;
  }

  /** `count` integers drawn uniformly from [0, n) with replacement. */
  choiceWithReplacement(n: number, count: number): Int32Array {
    const out = new Int32Array(count);
    for (let i = 0; i < count; i++) out[i] = this.int(n);
    return out;
  }

  /** Fill an array with standard normals (times `scale`). */
  fillNormal(out: Float32Array | Float64Array, scale = 1): void {
    for (let i = 0; i < out.length; i++) out[i] = this.normal() * scale;
  }

  /** Fill an array with uniforms in [lo, hi). */
  fillUniform(out: Float32Array | Float64Array, lo = 0, hi = 1): void {
    const w = hi - lo;
    for (let i = 0; i < out.length; i++) out[i] = lo + w * this.uniform();
  }

  getState(): RngState {
    return { algorithm: 'xoroshiro128plus', words: [...this.gen.getState()], spareNormal: this.spare };
  }

  setState(state: RngState): void {
    if (state.algorithm !== 'xoroshiro128plus' || state.words.length !== 4) {
      throw new Error('random state is not a xoroshiro128plus state of four words');
    }
    this.gen = xoroshiro128plusFromState(state.words);
    this.spare = state.spareNormal;
  }

  static fromState(state: RngState): Rng {
    const r = new Rng(0);
    r.setState(state);
    return r;
  }
}
