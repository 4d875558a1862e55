/**
 * The per-direction work of the sliced W1 (sorting both projected rows, the 1-D coupling, the
 * gradient row) shared between the main thread and a few worker threads, when the projections
 * live in the engine's shared WebAssembly.Memory (fastGemm.sharedMemory) and the work is large
 * enough for the hand-off to pay. Every direction's W1 lands in its own slot and gradient row,
 * so results are bit-identical to the single-threaded loop, whatever the thread count.
 *
 * Owns: starting the workers (lazily, once; unref'd so they never keep a process alive),
 * posting a job, doing the main thread's share, waiting for the rest, and the fallback to the
 * plain loop (no wasm backend, memory not shared, arrays outside it, DISCRETE_GANS_THREADS=1,
 * small work, a failed worker). Knows nothing of directions' origin, images or training.
 */
import { Worker } from 'node:worker_threads';
import { availableParallelism } from 'node:os';
import { fastGemm } from './gemm.js';
import {
  ACTIVE, CTL_BYTES, DONE, FAILED, G, GEN, M, MAX_DIRS, N, NP, PX, PY, READY, TICKET, WANT_GRAD,
  WORKER_DIRS, claimDirections, controlViews, type Control,
} from './sliced-jobs.js';
import { swdDirection, type DirectionWork } from './sliced-rows.js';

/** Tuning and counters (tests lower minWork and set workers; nothing else should need to). */
export const slicedThreading = {
  /** Below this many projected values per job, (n + m)·numProj, the plain loop runs. */
  minWork: 1 << 21,
  /** Worker threads to use; negative: DISCRETE_GANS_THREADS − 1, else the machine's
   *  parallelism (at most 8) − 1. */
  workers: -1,
  /** When false the main thread only waits (tests: every direction then runs on a worker). */
  mainHelps: true,
  /** Jobs run on several threads so far. */
  threadedJobs: 0,
};

let control: Control | null = null;
let memoryOfWorkers: WebAssembly.Memory | null = null;
const workers: Worker[] = [];
let gen = 0;
let broken = false;

function wantedWorkers(): number {
  if (slicedThreading.workers >= 0) return slicedThreading.workers;
  const env = Number(process.env.DISCRETE_GANS_THREADS);
  const threads = Number.isInteger(env) && env >= 1 ? env : Math.min(8, Math.max(1, availableParallelism()));
  return threads - 1;
}

/** The shared memory when threads can be used at all, else null. */
function usableMemory(): WebAssembly.Memory | null {
  if (broken || fastGemm === null || wantedWorkers() < 1) return null;
  return fastGemm.sharedMemory();
}

/** Starts the workers now (idempotent; nothing when threads cannot be used), so their boot
 *  overlaps the caller's projections. */
export function prestartSlicedThreads(): void {
  const memory = usableMemory();
  if (memory === null) return;
  if (control === null) control = controlViews(new SharedArrayBuffer(CTL_BYTES));
  if (memoryOfWorkers !== null && memoryOfWorkers !== memory) return; // one memory per process
  memoryOfWorkers = memory;
  const ctl = control.ctl.buffer as SharedArrayBuffer;
  for (let id = workers.length; id < wantedWorkers(); id++) {
    // --input-type (node --input-type=module -e ...) is refused by a worker started from a file.
    const execArgv = process.execArgv.filter((a) => !a.startsWith('--input-type'));
    const w = new Worker(new URL('./sliced-worker.js', import.meta.url), { workerData: { memory, ctl, id }, execArgv });
    w.unref();
    w.on('error', (err) => { broken = true; process.emitWarning(`sliced worker failed: ${err.message}`); });
    workers.push(w);
  }
}

/** Workers booted so far (tests wait for them before forcing work onto them). */
export function slicedWorkersReady(): number {
  return control === null ? 0 : Atomics.load(control.ctl, READY);
}

/** Directions computed by workers so far, all jobs together. */
export function slicedWorkerDirections(): number {
  return control === null ? 0 : Atomics.load(control.ctl, WORKER_DIRS);
}

/**
 * values[p] = W1 of direction p between the rows of px (numProj×n) and py (numProj×m), and,
 * when gProj is given, its rows (see swdDirection). `work` is the main thread's workspace.
 * Returns whether worker threads took part.
 */
export function slicedDirections(px: Float32Array, py: Float32Array, gProj: Float32Array | null,
  n: number, m: number, numProj: number, values: Float64Array, work: DirectionWork): boolean {
  if (runThreaded(px, py, gProj, n, m, numProj, values, work)) return true;
  for (let p = 0; p < numProj; p++) values[p] = swdDirection(px, py, gProj, n, m, numProj, p, work);
  return false;
}

function runThreaded(px: Float32Array, py: Float32Array, gProj: Float32Array | null,
  n: number, m: number, numProj: number, values: Float64Array, work: DirectionWork): boolean {
  if ((n + m) * numProj < slicedThreading.minWork || numProj > MAX_DIRS) return false;
  const memory = usableMemory();
  if (memory === null || fastGemm === null) return false;
  if (!fastGemm.owns(px) || !fastGemm.owns(py) || (gProj !== null && !fastGemm.owns(gProj))) return false;
  prestartSlicedThreads();
  if (control === null || memoryOfWorkers !== memory) return false;
  const c = control, { ctl, u32 } = c;
  const g = gen = (gen % 0x7fff) + 1;
  Atomics.store(ctl, TICKET, (g << 16) | 0xffff); // closed while the parameters change
  Atomics.store(ctl, N, n); Atomics.store(ctl, M, m); Atomics.store(ctl, NP, numProj);
  Atomics.store(u32, PX, px.byteOffset); Atomics.store(u32, PY, py.byteOffset);
  Atomics.store(u32, G, gProj ? gProj.byteOffset : 0);
  Atomics.store(ctl, WANT_GRAD, gProj ? 1 : 0);
  Atomics.store(ctl, ACTIVE, wantedWorkers());
  Atomics.store(ctl, FAILED, 0);
  Atomics.store(ctl, DONE, 0);
  Atomics.store(ctl, TICKET, g << 16);
  Atomics.store(ctl, GEN, g);
  Atomics.notify(ctl, GEN);
  const run = (p: number): number => swdDirection(px, py, gProj, n, m, numProj, p, work);
  if (slicedThreading.mainHelps) claimDirections(c, g, run);
  let last = -1, since = performance.now();
  for (;;) {
    const d = Atomics.load(ctl, DONE);
    if (d >= numProj) break;
    if (d !== last) { last = d; since = performance.now(); }
    // A main thread told not to help still does so when the workers make no progress.
    if (!slicedThreading.mainHelps && performance.now() - since > 2000) claimDirections(c, g, run);
    Atomics.wait(ctl, DONE, d, 50);
  }
  Atomics.store(ctl, TICKET, (g << 16) | 0xffff);
  if (Atomics.load(ctl, FAILED) !== 0) { broken = true; return false; } // redone by the plain loop
  values.set(c.values.subarray(0, numProj));
  slicedThreading.threadedJobs++;
  return true;
}
