/**
 * The job protocol shared by the main thread and the worker threads of the wasm backend.
 *
 * Owns: the layout of the shared control block (generation, chunk tickets, done counter, the
 * parameters of the current job) and the loop that claims and runs chunks of a job. Every
 * thread runs the same loop, so workers are pure helpers: a job completes even if no worker
 * ever wakes. Knows nothing of tensors or of how jobs are split (see backend.ts).
 */
import type { KernelExports } from './runtime.js';

export const CTL_INTS = 32;
export const GEN = 0;      // job generation (15 bits), bumped by the main thread per job
export const TICKET = 1;   // (generation << 16) | next unclaimed chunk
export const DONE = 2;     // chunks completed
export const NCHUNKS = 3;
export const OP = 4;
export const P = 5;        // first parameter slot (read as Uint32 for addresses)

export const OP_EXIT = 0;
export const OP_GEMM = 1;

/** Gemm parameters: P+0 transA, +1 transB, +2 m, +3 n, +4 k, +5 a, +6 b, +7 c, +8 accumulate,
 *  +9 rows per chunk, +10 columns per chunk, +11 chunks per row of the grid. */
function runChunk(u32: Uint32Array, ex: KernelExports, scratch: number, idx: number): void {
  const m = u32[P + 2], n = u32[P + 3];
  const mb = u32[P + 9], nb = u32[P + 10], cols = u32[P + 11];
  const ci = Math.floor(idx / cols), cj = idx - ci * cols;
  const i0 = ci * mb, j0 = cj * nb;
  ex.gemmChunk(u32[P], u32[P + 1], m, n, u32[P + 4], u32[P + 5], u32[P + 6], u32[P + 7], u32[P + 8],
    i0, Math.min(m, i0 + mb), j0, Math.min(n, j0 + nb), scratch);
}

/** Claims and runs chunks of job `gen` until none is left; returns how many it ran. */
export function work(ctl: Int32Array, u32: Uint32Array, ex: KernelExports, scratch: number, gen: number): number {
  const n = ctl[NCHUNKS];
  let ran = 0;
  for (;;) {
    const t = Atomics.load(ctl, TICKET);
    if (t >>> 16 !== gen) return ran;
    const idx = t & 0xffff;
    if (idx >= n) return ran;
    if (Atomics.compareExchange(ctl, TICKET, t, t + 1) !== t) continue;
    if (ctl[OP] === OP_GEMM) runChunk(u32, ex, scratch, idx);
    ran++;
    if (Atomics.add(ctl, DONE, 1) + 1 === n) Atomics.notify(ctl, DONE);
  }
}
