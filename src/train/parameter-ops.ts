/**
 * In-place operations on a network's parameters that the training loop needs between steps:
 * the exponential moving average of the generator (SPEC §5: ema ← (1−f)·ema + f·θ, parameters
 * only, buffers such as batch-norm statistics are not averaged), swapping the averaged weights in
 * for an evaluation and back, and weight clipping of the critic.
 *
 * Owns: those updates on (name, tensor) lists. Knows nothing of which network they belong to.
 */
import type { Tensor } from '../engine/index.js';

export type NamedTensors = ReadonlyArray<readonly [string, Tensor]>;

/** Clamp every value of every parameter to [−c, c]. */
export function clipParameters(params: NamedTensors, c: number): void {
  const lo = -c;
  for (const [, p] of params) {
    const d = p.data;
    for (let i = 0; i < d.length; i++) {
      const v = d[i];
      if (v > c) d[i] = c;
      else if (v < lo) d[i] = lo;
    }
  }
}

/** The averaged copy of a network's parameters. */
export class ParameterAverage {
  readonly copies = new Map<string, Float32Array>();

  constructor(private readonly params: NamedTensors, readonly factor: number) {
    if (!(factor > 0 && factor <= 1)) throw new Error(`the averaging factor must be in (0, 1], got ${factor}`);
    for (const [name, p] of params) this.copies.set(name, Float32Array.from(p.data));
  }

  /** ema ← (1 − f)·ema + f·θ (in float32, as torch's lerp on float32 tensors). */
  update(): void {
    const f = this.factor;
    if (f === 1) {
      for (const [name, p] of this.params) this.copies.get(name)!.set(p.data);
      return;
    }
    const g = 1 - f;
    for (const [name, p] of this.params) {
      const e = this.copies.get(name)!;
      const d = p.data;
      for (let i = 0; i < e.length; i++) e[i] = g * e[i] + f * d[i];
    }
  }

  /** Exchange live and averaged values (call twice to undo). */
  swap(): void {
    for (const [name, p] of this.params) {
      const e = this.copies.get(name)!;
      const d = p.data;
      for (let i = 0; i < e.length; i++) {
        const t = d[i];
        d[i] = e[i];
        e[i] = t;
      }
    }
  }

  /** Run `fn` with the averaged weights in place of the live ones. */
  withAveraged<T>(fn: () => T): T {
    this.swap();
    try {
      return fn();
    } finally {
      this.swap();
    }
  }

  async withAveragedAsync<T>(fn: () => Promise<T>): Promise<T> {
    this.swap();
    try {
      return await fn();
    } finally {
      this.swap();
    }
  }
}
