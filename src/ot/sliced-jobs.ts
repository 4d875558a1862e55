/**
 * The job protocol between the main thread and the sliced worker threads (sliced-threads.ts,
 * sliced-worker.ts): one shared control block holding the job's generation, a ticket counter
 * from which every thread claims directions one at a time, a done counter, the job's
 * parameters, and one float64 slot per direction for its W1 (so the caller sums them in a
 * fixed order, whatever thread computed each).
 *
 * Owns: the control block layout and the claim loop. Every thread runs the same loop, so
 * workers are pure helpers: a job completes even if no worker ever wakes. Knows nothing of
 * how a direction is computed (the caller passes it) nor of the engine.
 */

export const GEN = 0;         // job generation (15 bits, never 0), bumped per job
export const TICKET = 1;      // (generation << 16) | next unclaimed direction
export const DONE = 2;        // directions completed
export const N = 3;           // points in x
export const M = 4;           // points in y
export const NP = 5;          // directions
export const PX = 6;          // byte offsets in the shared memory (read as Uint32)
export const PY = 7;
export const G = 8;
export const WANT_GRAD = 9;   // 1 when gProj is written
export const READY = 10;      // workers booted so far
export const WORKER_DIRS = 11; // directions computed by workers, all jobs together
export const ACTIVE = 12;     // workers with id < ACTIVE take part in the current job
export const FAILED = 13;     // set by a worker whose direction threw (the caller redoes the job)

export const HEADER_BYTES = 64;
/** Most directions one job can hold (the ticket keeps 16 bits for the direction). */
export const MAX_DIRS = 0xfff0;
export const CTL_BYTES = HEADER_BYTES + MAX_DIRS * 8;

/** Views of one control block. */
export interface Control { ctl: Int32Array; u32: Uint32Array; values: Float64Array }

export function controlViews(sab: SharedArrayBuffer): Control {
  return { ctl: new Int32Array(sab, 0, HEADER_BYTES / 4), u32: new Uint32Array(sab, 0, HEADER_BYTES / 4), values: new Float64Array(sab, HEADER_BYTES, MAX_DIRS) };
}

/**
 * Claims and runs directions of job `gen` until none is left, storing run(p) in values[p];
 * returns how many it ran. A worker passes `counted` so each of its directions is counted in
 * WORKER_DIRS before it is marked done. A thread that failed (run threw) marks FAILED and still counts
 * the direction done, so the waiting caller never hangs.
 */
export function claimDirections(c: Control, gen: number, run: (p: number) => number, counted = false): number {
  const { ctl, values } = c;
  const np = Atomics.load(ctl, NP);
  let ran = 0;
  for (;;) {
    const t = Atomics.load(ctl, TICKET);
    if (t >>> 16 !== gen) return ran;
    const p = t & 0xffff;
    if (p >= np) return ran;
    if (Atomics.compareExchange(ctl, TICKET, t, t + 1) !== t) continue;
    try {
      values[p] = run(p);
    } catch {
      Atomics.store(ctl, FAILED, 1);
    }
    ran++;
    if (counted) Atomics.add(ctl, WORKER_DIRS, 1);
    if (Atomics.add(ctl, DONE, 1) + 1 === np) Atomics.notify(ctl, DONE);
  }
}
