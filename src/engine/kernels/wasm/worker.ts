/**
 * Entry of one wasm-backend worker thread: instantiates the kernel module on the shared memory
 * and helps with every job the main thread posts in the control block, sleeping in Atomics.wait
 * in between. Knows nothing of tensors; the thread is unref'd so it never keeps a process alive.
 */
import { workerData } from 'node:worker_threads';
import { GEN, OP, OP_EXIT, work } from './jobs.js';
import type { KernelExports } from './runtime.js';

interface Data { module: WebAssembly.Module; memory: WebAssembly.Memory; ctl: SharedArrayBuffer; scratch: number }
const data = workerData as Data;
const instance = new WebAssembly.Instance(data.module, { env: { memory: data.memory } });
const ex = instance.exports as unknown as KernelExports;
const ctl = new Int32Array(data.ctl);
const u32 = new Uint32Array(data.ctl);
let seen = Atomics.load(ctl, GEN);
for (;;) {
  Atomics.wait(ctl, GEN, seen);
  const g = Atomics.load(ctl, GEN);
  if (g === seen) continue;
  seen = g;
  if (ctl[OP] === OP_EXIT) break;
  work(ctl, u32, ex, data.scratch, g);
}
