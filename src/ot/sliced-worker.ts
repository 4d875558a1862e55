/**
 * Entry of one sliced worker thread (started by sliced-threads.ts): waits in Atomics.wait for
 * a job, then claims directions of it and computes them on views of the shared
 * WebAssembly.Memory holding the projections, writing gradient rows in place. Views are made
 * per job from memory.buffer, so growth of the memory between jobs is seen. Knows nothing of
 * the engine; the thread is unref'd so it never keeps a process alive.
 */
import { workerData } from 'node:worker_threads';
import { ACTIVE, GEN, G, M, N, NP, PX, PY, READY, WANT_GRAD, claimDirections, controlViews } from './sliced-jobs.js';
import { fitsWork, makeDirectionWork, swdDirection, type DirectionWork } from './sliced-rows.js';

interface Data { memory: WebAssembly.Memory; ctl: SharedArrayBuffer; id: number }
const data = workerData as Data;
const c = controlViews(data.ctl);
const { ctl, u32 } = c;
let work: DirectionWork | null = null;

/** A view of `len` float32 at byte `off` of the memory, or null when it does not fit (a
 *  descriptor read while the main thread was already rewriting it: that job is over). */
function view(buf: ArrayBufferLike, off: number, len: number): Float32Array | null {
  if (off % 4 !== 0 || off + len * 4 > buf.byteLength) return null;
  return new Float32Array(buf, off, len);
}

function runJob(gen: number): void {
  if (data.id >= Atomics.load(ctl, ACTIVE)) return;
  const n = Atomics.load(ctl, N), m = Atomics.load(ctl, M), np = Atomics.load(ctl, NP);
  const grad = Atomics.load(ctl, WANT_GRAD) === 1;
  const buf = data.memory.buffer;
  const px = view(buf, Atomics.load(u32, PX), n * np), py = view(buf, Atomics.load(u32, PY), m * np);
  const gProj = grad ? view(buf, Atomics.load(u32, G), n * np) : null;
  if (px === null || py === null || (grad && gProj === null) || n < 1 || m < 1) return;
  claimDirections(c, gen, (p) => {
    if (!fitsWork(work, n, m, grad)) work = makeDirectionWork(n, m, grad);
    return swdDirection(px, py, gProj, n, m, np, p, work);
  }, true);
}

Atomics.add(ctl, READY, 1);
let seen = Atomics.load(ctl, GEN);
for (;;) {
  Atomics.wait(ctl, GEN, seen);
  const g = Atomics.load(ctl, GEN);
  if (g === seen) continue;
  seen = g;
  runJob(g);
}
