/**
 * The two matrix products the distances need, behind one seam so a faster kernel can take
 * over without touching any caller: rowDots (out = A·Bᵀ, rows against rows) and matMul
 * (out = A·B). Both read row-major float32/float64 and accumulate in float64.
 *
 * Owns: plain register-blocked loops, and the hand-over to the engine's WebAssembly SIMD
 * product (float32, multi-threaded) when that backend is available: `fastGemm`. Nothing in
 * src/ot needs the engine to be correct; it only makes the float32 products faster.
 * Knows nothing of transport or images.
 */
import type { Points } from './cost.js';

/** The engine's float32 matrix product, when its wasm backend loaded; else null. */
export interface FastGemm {
  /** C (m×n) = op(A)·op(B) on float32 arrays (see the engine's Kernels.gemm). */
  gemm(transA: boolean, transB: boolean, m: number, n: number, k: number, a: Float32Array, b: Float32Array, c: Float32Array, accumulate: boolean): void;
  alloc(length: number): Float32Array;
  /** As alloc, contents undefined. */
  allocScratch(length: number): Float32Array;
  release(arr: Float32Array): void;
  /** c (rows×d, from alloc) = float32(p − mu) for the first rows of p, and norms[i] = Σ c²
   *  summed in float64; mu comes from alloc; c may be p itself. */
  centreRows(p: Float32Array, rows: number, d: number, mu: Float32Array, c: Float32Array, norms: Float64Array): void;
  /** Starts the product's worker threads now, so that their boot overlaps other work. */
  prestart(): void;
  /** The shared WebAssembly.Memory that alloc's arrays live in (null when it is not shared),
   *  for src/ot's own worker threads to read and write those arrays in place. */
  sharedMemory(): WebAssembly.Memory | null;
  /** Whether `arr` is a view into that memory. */
  owns(arr: ArrayBufferView): boolean;
}

async function loadFastGemm(): Promise<FastGemm | null> {
  if (process.env.DISCRETE_GANS_BACKEND === 'ts') return null;
  try {
    const { wasmKernels } = await import('../engine/kernels/wasm/index.js');
    const { loadRuntime } = await import('../engine/kernels/wasm/runtime.js');
    const { getKernels } = await import('../engine/kernels/kernels.js');
    const k = getKernels() as unknown as { name: string; gemm: FastGemm['gemm']; alloc(dt: 'float32', n: number): Float32Array; release?(a: Float32Array): void };
    const rt = loadRuntime();
    if (k.name !== 'wasm' || rt === null) return null;
    const { exports: ex, heap } = rt;
    return {
      gemm: (ta, tb, m, n, kk, a, b, c, acc) => k.gemm(ta, tb, m, n, kk, a, b, c, acc),
      alloc: (n) => k.alloc('float32', n),
      allocScratch: (n) => heap.allocF32(n, false),
      release: (a) => { if (k.release) k.release(a); },
      centreRows: (p, rows, d, mu, c, norms) => {
        if (rows === 0) return;
        // A full memory hands out plain arrays: the kernel cannot reach those.
        if (!heap.owns(c) || !heap.owns(mu)) { centreRowsJs(p, rows, d, mu, c, norms); return; }
        let src = p;
        if (!heap.owns(p)) { c.set(p.subarray(0, rows * d)); src = c; }
        const nb = heap.allocF32(2 * rows, false); // float64 norms, 64-byte aligned
        if (!heap.owns(nb)) { centreRowsJs(p, rows, d, mu, c, norms); return; }
        try {
          ex.centreRowsF32(rows, d, src.byteOffset, mu.byteOffset, c.byteOffset, nb.byteOffset);
          norms.set(new Float64Array(nb.buffer, nb.byteOffset, rows));
        } finally {
          heap.release(nb);
        }
      },
      prestart: () => { wasmKernels()?.prestartThreads(); },
      sharedMemory: () => (rt.memory.buffer instanceof SharedArrayBuffer ? rt.memory : null),
      owns: (a) => heap.owns(a),
    };
  } catch {
    return null;
  }
}

/** c = float32(p − mu) row by row, norms[i] = Σ c² in float64 (the kernel's fallback). */
function centreRowsJs(p: Float32Array, rows: number, d: number, mu: Float32Array, c: Float32Array, norms: Float64Array): void {
  for (let i = 0; i < rows; i++) {
    const o = i * d;
    let s = 0;
    for (let k = 0; k < d; k++) { const r = Math.fround(p[o + k] - mu[k]); c[o + k] = r; s += r * r; }
    norms[i] = s;
  }
}

export const fastGemm: FastGemm | null = await loadFastGemm();

/** Starts the fast product's worker threads now (nothing when it is unavailable): a command
 *  about to read large inputs calls this first, so the workers boot meanwhile. */
export function prestartFastGemm(): void {
  fastGemm?.prestart();
}

/** out (n×m, float32) = a (n×d) · b (m×d)ᵀ, on the fast product when available. */
export function rowDotsF32(a: Float32Array, n: number, b: Float32Array, m: number, d: number, out: Float32Array): void {
  if (fastGemm && n * m * d >= 1 << 16) fastGemm.gemm(false, true, n, m, d, a, b, out, false);
  else rowDots(a, n, b, m, d, out);
}

/** out (n×d, float32) = g (n×p) · t (p×d), on the fast product when available. */
export function matMulF32(g: Float32Array, n: number, p: number, t: Float32Array, d: number, out: Float32Array): void {
  if (fastGemm && n * p * d >= 1 << 16) fastGemm.gemm(false, false, n, d, p, g, t, out, false);
  else matMul(g, n, p, t, d, out);
}

/** out[i·m + j] = a_i · b_j for a (n×d), b (m×d). */
export function rowDots(a: Points, n: number, b: Points, m: number, d: number, out: Float32Array | Float64Array): void {
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const a0 = i * d, a1 = a0 + d, a2 = a1 + d, a3 = a2 + d;
    let j = 0;
    for (; j + 2 <= m; j += 2) {
      const b0 = j * d, b1 = b0 + d;
      let s00 = 0, s01 = 0, s10 = 0, s11 = 0, s20 = 0, s21 = 0, s30 = 0, s31 = 0;
      for (let k = 0; k < d; k++) {
        const y0 = b[b0 + k], y1 = b[b1 + k];
        const x0 = a[a0 + k], x1 = a[a1 + k], x2 = a[a2 + k], x3 = a[a3 + k];
        s00 += x0 * y0; s01 += x0 * y1; s10 += x1 * y0; s11 += x1 * y1;
        s20 += x2 * y0; s21 += x2 * y1; s30 += x3 * y0; s31 += x3 * y1;
      }
      const o = i * m + j;
      out[o] = s00; out[o + 1] = s01; out[o + m] = s10; out[o + m + 1] = s11;
      out[o + 2 * m] = s20; out[o + 2 * m + 1] = s21; out[o + 3 * m] = s30; out[o + 3 * m + 1] = s31;
    }
    for (; j < m; j++) {
      const b0 = j * d;
      let s0 = 0, s1 = 0, s2 = 0, s3 = 0;
      for (let k = 0; k < d; k++) { const y = b[b0 + k]; s0 += a[a0 + k] * y; s1 += a[a1 + k] * y; s2 += a[a2 + k] * y; s3 += a[a3 + k] * y; }
      out[i * m + j] = s0; out[(i + 1) * m + j] = s1; out[(i + 2) * m + j] = s2; out[(i + 3) * m + j] = s3;
    }
  }
  for (; i < n; i++) {
    const a0 = i * d;
    for (let j = 0; j < m; j++) {
      const b0 = j * d;
      let s = 0;
      for (let k = 0; k < d; k++) s += a[a0 + k] * b[b0 + k];
      out[i * m + j] = s;
    }
  }
}

/** out (n×d) = g (n×p) · t (p×d), overwriting out. */
export function matMul(g: Points, n: number, p: number, t: Points, d: number, out: Float32Array | Float64Array): void {
  const row = new Float64Array(d);
  for (let i = 0; i < n; i++) {
    row.fill(0);
    const go = i * p;
    for (let q = 0; q < p; q++) {
      const c = g[go + q];
      if (c === 0) continue;
      const to = q * d;
      for (let k = 0; k < d; k++) row[k] += c * t[to + k];
    }
    const oo = i * d;
    for (let k = 0; k < d; k++) out[oo + k] = row[k];
  }
}

/** out (p×n, float32) = t (p×d) · a (n×d)ᵀ: projections of the rows of a on the rows of t,
 *  one contiguous row per direction. */
export function projectT(t: Float32Array, p: number, a: Float32Array, n: number, d: number, out: Float32Array): void {
  if (fastGemm && n * p * d >= 1 << 16) fastGemm.gemm(false, true, p, n, d, t, a, out, false);
  else rowDots(t, p, a, n, d, out);
}

/** out (n×d, float32) = gᵀ · t for g (p×n) and t (p×d). */
export function matMulTN(g: Float32Array, p: number, n: number, t: Float32Array, d: number, out: Float32Array): void {
  if (fastGemm && n * p * d >= 1 << 16) { fastGemm.gemm(true, false, n, d, p, g, t, out, false); return; }
  out.fill(0);
  for (let q = 0; q < p; q++) {
    const go = q * n, to = q * d;
    for (let i = 0; i < n; i++) {
      const c = g[go + i];
      if (c === 0) continue;
      const oo = i * d;
      for (let k = 0; k < d; k++) out[oo + k] += c * t[to + k];
    }
  }
}

/** Scratch float32 storage where the fast product reads it without a copy (the wasm heap when
 *  available); give it back with releaseF32 once done. Contents are zero. */
export function allocF32(length: number): Float32Array {
  return fastGemm && length >= 1 << 16 ? fastGemm.alloc(length) : new Float32Array(length);
}

/** Storage for a point set read from disk: where the fast kernels read it in place (the wasm
 *  heap, contents undefined) when they are available, else a plain array. Kept for as long as
 *  the returned array (not a subarray of it) is referenced. */
export function allocPoints(length: number): Float32Array {
  return fastGemm && length >= 1 << 16 ? fastGemm.allocScratch(length) : new Float32Array(length);
}

export function releaseF32(arr: Float32Array): void {
  if (fastGemm && arr.length >= 1 << 16) fastGemm.release(arr);
}
