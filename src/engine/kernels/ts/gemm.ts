/**
 * Plain TypeScript matrix product for the `ts` backend.
 *
 * Owns: gemm. Every case is reduced to one register-blocked "NT" kernel, C += A·Bᵀ with A (m×k)
 * and B (n×k) both row-major, so every inner loop is a dot product over contiguous memory.
 * Operands in another layout are packed (transposed) into scratch buffers first; k is cut
 * into blocks so the B panel stays in cache while all rows of A pass over it.
 */
import type { FloatArray } from '../kernels.js';

const KC = 256;
let scratchA: Float64Array | Float32Array = new Float64Array(0);
let scratchB: Float64Array | Float32Array = new Float64Array(0);

function scratch(which: 'a' | 'b', like: FloatArray, n: number): FloatArray {
  let s = which === 'a' ? scratchA : scratchB;
  if (s.length < n || s.constructor !== like.constructor) {
    s = like instanceof Float32Array ? new Float32Array(n) : new Float64Array(n);
    if (which === 'a') scratchA = s; else scratchB = s;
  }
  return s;
}

/** out (cols×rows) = transpose of x (rows×cols). */
function transposeInto(x: FloatArray, rows: number, cols: number, out: FloatArray): void {
  const B = 32;
  for (let i0 = 0; i0 < rows; i0 += B) {
    const i1 = Math.min(rows, i0 + B);
    for (let j0 = 0; j0 < cols; j0 += B) {
      const j1 = Math.min(cols, j0 + B);
      for (let i = i0; i < i1; i++) {
        const xo = i * cols;
        for (let j = j0; j < j1; j++) out[j * rows + i] = x[xo + j];
      }
    }
  }
}

/** C (m×n) += A (m×k) · B (n×k)ᵀ over k in [p0, p1). */
function ntBlock(m: number, n: number, k: number, a: FloatArray, b: FloatArray, c: FloatArray, p0: number, p1: number): void {
  const m4 = m - (m % 4);
  const n4 = n - (n % 4);
  for (let i = 0; i < m4; i += 4) {
    const a0 = i * k, a1 = a0 + k, a2 = a1 + k, a3 = a2 + k;
    for (let j = 0; j < n4; j += 4) {
      const b0 = j * k, b1 = b0 + k, b2 = b1 + k, b3 = b2 + k;
      let c00 = 0, c01 = 0, c02 = 0, c03 = 0, c10 = 0, c11 = 0, c12 = 0, c13 = 0;
      let c20 = 0, c21 = 0, c22 = 0, c23 = 0, c30 = 0, c31 = 0, c32 = 0, c33 = 0;
      for (let p = p0; p < p1; p++) {
        const x0 = a[a0 + p], x1 = a[a1 + p], x2 = a[a2 + p], x3 = a[a3 + p];
        const y0 = b[b0 + p], y1 = b[b1 + p], y2 = b[b2 + p], y3 = b[b3 + p];
        c00 += x0 * y0; c01 += x0 * y1; c02 += x0 * y2; c03 += x0 * y3;
        c10 += x1 * y0; c11 += x1 * y1; c12 += x1 * y2; c13 += x1 * y3;
        c20 += x2 * y0; c21 += x2 * y1; c22 += x2 * y2; c23 += x2 * y3;
        c30 += x3 * y0; c31 += x3 * y1; c32 += x3 * y2; c33 += x3 * y3;
      }
      let o = i * n + j;
      c[o] += c00; c[o + 1] += c01; c[o + 2] += c02; c[o + 3] += c03; o += n;
      c[o] += c10; c[o + 1] += c11; c[o + 2] += c12; c[o + 3] += c13; o += n;
      c[o] += c20; c[o + 1] += c21; c[o + 2] += c22; c[o + 3] += c23; o += n;
      c[o] += c30; c[o + 1] += c31; c[o + 2] += c32; c[o + 3] += c33;
    }
    for (let j = n4; j < n; j++) {
      const b0 = j * k;
      let s0 = 0, s1 = 0, s2 = 0, s3 = 0;
      for (let p = p0; p < p1; p++) {
        const y = b[b0 + p];
        s0 += a[a0 + p] * y; s1 += a[a1 + p] * y; s2 += a[a2 + p] * y; s3 += a[a3 + p] * y;
      }
      c[i * n + j] += s0; c[(i + 1) * n + j] += s1; c[(i + 2) * n + j] += s2; c[(i + 3) * n + j] += s3;
    }
  }
  for (let i = m4; i < m; i++) {
    const a0 = i * k;
    for (let j = 0; j < n; j++) {
      const b0 = j * k;
      let s = 0;
      for (let p = p0; p < p1; p++) s += a[a0 + p] * b[b0 + p];
      c[i * n + j] += s;
    }
  }
}

export function gemm(transA: boolean, transB: boolean, m: number, n: number, k: number,
  a: FloatArray, b: FloatArray, c: FloatArray, accumulate: boolean): void {
  if (!accumulate) c.fill(0, 0, m * n);
  if (m === 0 || n === 0 || k === 0) return;
  let A = a;
  if (transA) { A = scratch('a', a, m * k); transposeInto(a, k, m, A); }
  let B = b;
  if (!transB) { B = scratch('b', b, n * k); transposeInto(b, k, n, B); }
  for (let p0 = 0; p0 < k; p0 += KC) ntBlock(m, n, k, A, B, c, p0, Math.min(k, p0 + KC));
}
