/**
 * The WebAssembly SIMD kernel backend (`wasm`): float32 tensors live in one shared
 * WebAssembly.Memory; the matrix product runs in AssemblyScript SIMD kernels split over a pool
 * of worker threads; the cheap elementwise ops, block sum reductions, im2col/col2im, strided
 * copies and Adam run in SIMD on the calling thread. Every other kernel (transcendental
 * functions, max reductions, gathers) and all float64 work is delegated to the TypeScript
 * backend, which stays the reference.
 *
 * Owns: the Kernels object, the splitting of products into chunks, the copy-in/copy-out path
 * for arrays that live outside the wasm memory. Knows nothing of tensors or autograd.
 */
import type { DType, FloatArray, Kernels } from '../kernels.js';
import { tsKernels } from '../ts/index.js';
import { Pool } from './pool.js';
import { OP_GEMM } from './jobs.js';
import { loadRuntime, type WasmRuntime } from './runtime.js';
import { binaryWasm, sumReduceWasm, unaryWasm } from './elementwise.js';
import { col2imWasm, copyStridedWasm, im2colWasm } from './conv.js';
import { stagedGemm } from './staged-gemm.js';

/** Widest chunk (columns of C) a thread handles at once; sizes the per-thread scratch. */
const MAX_CHUNK_COLS = 512;
/** Below this many multiply-adds a product runs on the calling thread alone. */
const PARALLEL_MIN_MACS = 1 << 21;
/** The workers start once the products that would have used them add up to this many
 *  multiply-adds (about 20 ms on one thread), or with the first product that large alone:
 *  a process with a few small products (a `metrics` call on small sets) then never pays their
 *  boot and their shutdown at exit (~40 ms), while a training run starts them within its
 *  first steps. `prestartThreads` starts them at once. */
const COLD_START_MACS = 1 << 29;
/** Floats of the staging region for products whose operands the full heap cannot take (16 MB). */
const STAGING_FLOATS = 1 << 22;

export interface WasmKernels extends Kernels {
  readonly variant: WasmRuntime['variant'];
  /** Worker threads plus the main thread. */
  readonly threads: number;
  /** Returns a float32 array from alloc to the heap at once (it must not be used afterwards). */
  release(arr: FloatArray): void;
  /** Bytes held by live tensors / reserved from the memory. */
  memoryStats(): { liveBytes: number; reservedBytes: number; memoryBytes: number; collections: number; collectMs: number };
  /** Runs later products on `threads` threads (1 = main thread only). With `adaptive` false
   *  the pool is used even when it does not pay (tests, kernel benchmarks). */
  setThreads(threads: number, adaptive?: boolean): void;
  /** Products run on the pool / run serially because the pool did not pay. */
  poolStats(): { parallel: number; serial: number };
  /** Products computed through the staging region because the heap was full. */
  readonly stagedRuns: number;
  /** Tests: use at most this many floats of the staging region (smaller tiles); returns the
   *  previous limit. */
  setStagingLimit(floats: number): number;
  /** Starts the worker threads of later large products now (they start lazily otherwise), so
   *  their boot overlaps the caller's own work, such as reading input files. */
  prestartThreads(): void;
}

/** Chunk grid for a product: rows and columns per chunk, so every thread gets several chunks. */
export function planChunks(m: number, n: number, threads: number): [number, number] {
  let nb = Math.min(n, MAX_CHUNK_COLS);
  let mb = Math.min(m, 256);
  // The control block numbers chunks in 16 bits: very tall products get taller chunks.
  while (Math.ceil(m / mb) * Math.ceil(n / nb) > 60000) mb *= 2;
  if (threads > 1) {
    const want = 4 * threads;
    while (Math.ceil(m / mb) * Math.ceil(n / nb) < want) {
      if (nb >= 128 && nb / 64 >= mb / 16) nb = Math.ceil(nb / 2 / 8) * 8;
      else if (mb >= 32) mb = Math.ceil(mb / 2 / 4) * 4;
      else break;
    }
  }
  return [mb, nb];
}

export function createWasmKernels(rt: WasmRuntime): WasmKernels {
  const { heap, exports: ex } = rt;
  const scratchBytes = ex.scratchBytes(MAX_CHUNK_COLS);
  const mainScratch = heap.reserve(scratchBytes);
  // Reserved now, while the memory has room: the product's fallback once the heap is full.
  const stagingOffset = heap.reserve(STAGING_FLOATS * 4);
  let threads = Pool.defaultThreads();
  const pools = new Map<number, Pool>();
  /** Multiply-adds of the products run serially because the workers were not started yet. */
  let coldMacs = 0;
  let adaptive = true;
  let stagingLimit = STAGING_FLOATS, stagedRuns = 0;

  function poolFor(t: number): Pool {
    let pool = pools.get(t);
    if (pool === undefined) {
      pool = new Pool(rt, t, scratchBytes, mainScratch);
      pool.adaptive = adaptive;
      pools.set(t, pool);
    }
    return pool;
  }

  function gemmInMemory(transA: boolean, transB: boolean, m: number, n: number, k: number,
    a: number, b: number, c: number, accumulate: boolean): void {
    const macs = m * n * k;
    let t = macs >= PARALLEL_MIN_MACS ? threads : 1;
    let pool: Pool | undefined;
    if (t > 1) {
      pool = poolFor(t);
      if (adaptive && !pool.isStarted && (coldMacs += macs) < COLD_START_MACS) t = 1;
      else if (!pool.worthIt()) t = 1;
    }
    const [mb, nb] = planChunks(m, n, t);
    const rows = Math.ceil(m / mb), cols = Math.ceil(n / nb);
    if (pool === undefined || t === 1 || rows * cols === 1) {
      for (let i0 = 0; i0 < m; i0 += mb) {
        for (let j0 = 0; j0 < n; j0 += nb) {
          ex.gemmChunk(+transA, +transB, m, n, k, a, b, c, +accumulate,
            i0, Math.min(m, i0 + mb), j0, Math.min(n, j0 + nb), mainScratch);
        }
      }
      return;
    }
    pool.run(OP_GEMM, [+transA, +transB, m, n, k, a, b, c, +accumulate, mb, nb, cols], rows * cols);
  }

  /** Byte address of `arr` in the wasm memory, copying it in (to a temporary) when foreign;
   *  null when no temporary fits in the memory either (a full heap hands out plain arrays,
   *  whose byteOffset means nothing to the kernels: the caller then computes in TypeScript). */
  function place(arr: Float32Array, length: number, temps: Float32Array[], copyIn: boolean): [number, Float32Array] | null {
    if (heap.owns(arr)) return [arr.byteOffset, arr];
    const tmp = heap.allocF32(length);
    if (!heap.owns(tmp)) return null;
    if (copyIn) tmp.set(arr.subarray(0, length));
    temps.push(tmp);
    return [tmp.byteOffset, tmp];
  }

  const kernels: WasmKernels = {
    ...tsKernels,
    name: 'wasm',
    variant: rt.variant,
    get threads() { return threads; },

    alloc(dtype: DType, length: number): FloatArray {
      return dtype === 'float32' ? heap.allocF32(length) : new Float64Array(length);
    },

    allocScratch(dtype: DType, length: number): FloatArray {
      return dtype === 'float32' ? heap.allocF32(length, false) : new Float64Array(length);
    },

    gemm(transA, transB, m, n, k, a, b, c, accumulate) {
      if (!(a instanceof Float32Array) || !(b instanceof Float32Array) || !(c instanceof Float32Array)) {
        tsKernels.gemm(transA, transB, m, n, k, a, b, c, accumulate);
        return;
      }
      if (m === 0 || n === 0) return;
      const temps: Float32Array[] = [];
      try {
        const pa = place(a, m * k, temps, true);
        const pb = pa && place(b, k * n, temps, true);
        const pc = pb && place(c, m * n, temps, accumulate);
        if (pa === null || pb === null || pc === null) {
          const stage = new Float32Array(heap.buffer, stagingOffset, Math.min(STAGING_FLOATS, stagingLimit));
          stagedGemm(gemmInMemory, stage, stagingOffset, transA, transB, m, n, k, a, b, c, accumulate);
          stagedRuns++;
          return;
        }
        gemmInMemory(transA, transB, m, n, k, pa[0], pb[0], pc[0], accumulate);
        if (pc[1] !== c) c.set(pc[1].subarray(0, m * n));
      } finally {
        for (const t of temps) heap.release(t);
      }
    },

    unary(op, x, out, param) {
      if (!unaryWasm(ex, heap, op, x, out, param)) tsKernels.unary(op, x, out, param);
    },

    binary(op, shape, a, aStrides, b, bStrides, out) {
      if (!binaryWasm(ex, heap, op, shape, a, aStrides, b, bStrides, out)) tsKernels.binary(op, shape, a, aStrides, b, bStrides, out);
    },

    sumReduce(shape, x, outStrides, out) {
      if (!sumReduceWasm(ex, heap, shape, x, outStrides, out)) tsKernels.sumReduce(shape, x, outStrides, out);
    },

    copyStrided(shape, x, xStrides, out) {
      if (!copyStridedWasm(ex, heap, shape, x, xStrides, out)) tsKernels.copyStrided(shape, x, xStrides, out);
    },

    im2col(x, c, h, w, kh, kw, sh, sw, ph, pw, oh, ow, col, ld = oh * ow) {
      if (!im2colWasm(ex, heap, x, c, h, w, kh, kw, sh, sw, ph, pw, oh, ow, col, ld)) tsKernels.im2col(x, c, h, w, kh, kw, sh, sw, ph, pw, oh, ow, col, ld);
    },

    col2im(col, c, h, w, kh, kw, sh, sw, ph, pw, oh, ow, x, ld = oh * ow) {
      if (!col2imWasm(ex, heap, col, c, h, w, kh, kw, sh, sw, ph, pw, oh, ow, x, ld)) tsKernels.col2im(col, c, h, w, kh, kw, sh, sw, ph, pw, oh, ow, x, ld);
    },

    adam(p, g, m, v, lr, b1, b2, eps, bc1, bc2) {
      if (p instanceof Float32Array && g instanceof Float32Array && m instanceof Float32Array && v instanceof Float32Array
        && heap.owns(p) && heap.owns(g) && heap.owns(m) && heap.owns(v)) {
        ex.adamF32(p.length, p.byteOffset, g.byteOffset, m.byteOffset, v.byteOffset,
          b1, 1 - b1, b2, 1 - b2, eps, lr / bc1, Math.sqrt(bc2));
      } else {
        tsKernels.adam(p, g, m, v, lr, b1, b2, eps, bc1, bc2);
      }
    },

    release(arr: FloatArray) { heap.release(arr); },

    memoryStats() {
      return {
        liveBytes: heap.liveBytes, reservedBytes: heap.reservedBytes, memoryBytes: rt.memory.buffer.byteLength,
        collections: heap.collections, collectMs: heap.collectMs,
      };
    },

    setThreads(t: number, adaptiveThreads = true) {
      threads = Math.max(1, Math.floor(t));
      adaptive = adaptiveThreads;
      for (const p of pools.values()) p.adaptive = adaptive;
    },

    prestartThreads() {
      if (threads > 1) poolFor(threads).start();
    },

    get stagedRuns() { return stagedRuns; },

    setStagingLimit(floats: number): number {
      const prev = stagingLimit;
      stagingLimit = floats;
      return prev;
    },

    poolStats() {
      let parallel = 0, serial = 0;
      for (const p of pools.values()) { parallel += p.parallelRuns; serial += p.serialRuns; }
      return { parallel, serial };
    },
  };
  return kernels;
}

let singleton: WasmKernels | null | undefined;

/** The wasm backend, created on first call; null when WebAssembly SIMD is unavailable. */
export function wasmKernels(): WasmKernels | null {
  if (singleton !== undefined) return singleton;
  const rt = loadRuntime();
  singleton = rt === null ? null : createWasmKernels(rt);
  return singleton;
}
