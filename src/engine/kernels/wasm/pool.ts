/**
 * The wasm backend's thread pool: worker_threads sharing the kernels' WebAssembly.Memory.
 *
 * Owns: starting the workers (once: lazily on the first job, or early through `start`), posting a job through the shared control block
 * (Atomics.notify), doing the main thread's share, and waiting for the last chunk (Atomics.wait).
 * Workers are unref'd: they never keep the process alive. Knows nothing of what a job computes
 * beyond the control block layout (jobs.ts).
 */
import { Worker } from 'node:worker_threads';
import { availableParallelism } from 'node:os';
import { CTL_INTS, DONE, GEN, NCHUNKS, OP, P, TICKET, work } from './jobs.js';
import type { WasmRuntime } from './runtime.js';

const MIN_SPEEDUP = 1.15;
const SERIAL_STRETCH = 400;
const MAX_STRETCH = 400 * 64;
const PROBE_OK = 50;

export class Pool {
  readonly threads: number;
  private readonly ctl: Int32Array;
  private readonly u32: Uint32Array;
  private readonly workers: Worker[] = [];
  private started = false;
  private gen = 0;
  private speedup = 2;
  private skip = 0;
  private stretch = SERIAL_STRETCH;
  private probeJobs = 0;
  /** Whether to fall back to one thread while parallel jobs do not pay (see worthIt). */
  adaptive = true;
  /** Jobs run on all threads / products run serially by the adaptive rule. */
  parallelRuns = 0;
  serialRuns = 0;

  constructor(private readonly rt: WasmRuntime, threads: number, private readonly scratchBytes: number,
    readonly mainScratch: number) {
    this.threads = Math.max(1, threads);
    const sab = new SharedArrayBuffer(CTL_INTS * 4);
    this.ctl = new Int32Array(sab);
    this.u32 = new Uint32Array(sab);
  }

  /** Worker count from DISCRETE_GANS_THREADS, else the machine's parallelism (at most 8). */
  static defaultThreads(): number {
    const env = Number(process.env.DISCRETE_GANS_THREADS);
    if (Number.isInteger(env) && env >= 1) return env;
    return Math.min(8, Math.max(1, availableParallelism()));
  }

  /** Whether the workers were started (by a job or by `start`). */
  get isStarted(): boolean { return this.started; }

  /** Starts the workers now (idempotent): their boot then overlaps whatever the caller does
   *  before its first job. */
  start(): void {
    if (this.started) return;
    this.started = true;
    for (let t = 1; t < this.threads; t++) {
      const scratch = this.rt.heap.reserve(this.scratchBytes);
      const w = new Worker(new URL('./worker.js', import.meta.url), {
        workerData: { module: this.rt.module, memory: this.rt.memory, ctl: this.ctl.buffer, scratch },
      });
      w.unref();
      w.on('error', (err) => { process.emitWarning(`wasm kernel worker failed: ${err.message}`); });
      this.workers.push(w);
    }
  }

  /** Runs a job of `nChunks` chunks on all threads; `params` fill the parameter slots. */
  run(op: number, params: readonly number[], nChunks: number): void {
    if (!this.started) this.start();
    const ctl = this.ctl;
    const gen = this.gen = (this.gen + 1) & 0x7fff;
    Atomics.store(ctl, TICKET, (gen << 16) | 0xffff); // closed while the parameters change
    ctl[OP] = op;
    for (let i = 0; i < params.length; i++) this.u32[P + i] = params[i];
    ctl[NCHUNKS] = nChunks;
    Atomics.store(ctl, DONE, 0);
    Atomics.store(ctl, TICKET, gen << 16);
    Atomics.store(ctl, GEN, gen);
    Atomics.notify(ctl, GEN);
    this.parallelRuns++;
    const t0 = performance.now();
    const mine = work(ctl, this.u32, this.rt.exports, this.mainScratch, gen);
    const t1 = performance.now();
    for (;;) {
      const d = Atomics.load(ctl, DONE);
      if (d >= nChunks) break;
      Atomics.wait(ctl, DONE, d, 50);
    }
    // Speed-up of this job over the main thread alone, from the main thread's time per chunk.
    const elapsed = performance.now() - t0;
    const s = mine === 0 || elapsed <= 0 ? this.threads : Math.min(this.threads, ((t1 - t0) / mine) * nChunks / elapsed);
    this.speedup = 0.8 * this.speedup + 0.2 * s;
    if (!this.adaptive) return;
    if (this.speedup < MIN_SPEEDUP) {
      // Serial for a while; each failed probe doubles the while (a persistently busy machine
      // then pays for almost no probes), a probe that lasts PROBE_OK jobs resets it.
      this.skip = this.stretch;
      this.stretch = Math.min(MAX_STRETCH, this.stretch * 2);
      this.speedup = 1.3;
      this.probeJobs = 0;
    } else if (++this.probeJobs >= PROBE_OK) {
      this.stretch = SERIAL_STRETCH;
    }
  }

  /** False while recent parallel jobs did not beat the main thread alone (a machine busy with
   *  other processes, whose threads then mostly wait for each other); the caller then runs
   *  serially, and the pool is tried again after a stretch of products (see run). */
  worthIt(): boolean {
    if (!this.adaptive) return true;
    if (this.skip > 0) { this.skip--; this.serialRuns++; return false; }
    return true;
  }
}
