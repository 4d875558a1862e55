/**
 * The centroid-to-data products OT-means needs at every step: C(i, j) = ‖c_i − x_j‖ / scale
 * for k centroids against N fixed data points (a k×N float64 matrix for the exact solver), the
 * plan-weighted sums Σ_j w_ij x_j of the updates, pair gradients, and projections on fixed
 * directions for the sliced distance.
 *
 * The data are stored once as an offset o (d values) plus residuals r_j = x_j − o, which leaves
 * every distance unchanged and shrinks the |c|² + |x|² − 2c·x expansion's round-off:
 * - sparse: when at most 10% of the values differ from the most common value b (squares,
 *   MNIST-like digits on a plain background), o = b·1 and the residuals are kept as sparse rows
 *   (CSR); products then cost N × (non-zeros per row) × k, in float64;
 * - dense: otherwise o = the data mean and the residuals are float32 in kernel storage; the
 *   products are float32 matrix products through the engine's kernel seam (the wasm SIMD gemm
 *   when available), finished in float64; entries small next to their norms (near points)
 *   are recomputed directly in float64, so the costs agree with float64 to about 1e-6.
 * Squared distances are clamped at 1e-10 before the square root (SPEC §9: the reference has no
 * clamp and can produce NaN).
 *
 * Owns: that representation and those products. Knows nothing of plans, images or files.
 */
import { getKernels } from '../engine/kernels/kernels.js';
import { SQ_DIST_FLOOR } from './cost.js';

/** Dense path: entries whose float32-product squared distance is below this fraction of
 *  ‖c − o‖² + ‖x − o‖² (where the expansion's round-off could matter: near and identical
 *  points) are recomputed directly in float64, as src/ot/cost.ts does for w1. */
const REFINE_FRACTION = 0.02;

/** Sparse rows when at most this fraction of values differs from the most common one. */
const SPARSE_MAX_DENSITY = 0.1;

interface SparseRows { rowPtr: Int32Array; col: Int32Array; val: Float64Array }

export class CentroidCosts {
  /** The offset o (d values): data mean (dense) or b·1 (sparse). */
  readonly offset: Float64Array;
  /** ‖x_j − o‖², float64. */
  readonly sqNorms: Float64Array;
  /** Dense residuals (N×d float32, kernel storage), or null when sparse. */
  private readonly dense: Float32Array | null;
  private readonly sparse: SparseRows | null;
  private readonly cBuf: Float32Array;
  /** Centroids minus the offset, k×d float64 (sparse path). */
  private readonly cOff: Float64Array;
  private readonly dots: Float32Array | null;
  private readonly cNorms: Float64Array;
  /** Scratch of weightedMeans (k×d and k), kept to spare the collector. */
  private readonly acc: Float64Array;
  private readonly tot: Float64Array;

  /** `fill(out)` writes the N×d data (row-major float32) into `out`. */
  constructor(readonly n: number, readonly d: number, readonly k: number, fill: (out: Float32Array) => void) {
    const kern = getKernels();
    const x = kern.alloc('float32', n * d) as Float32Array;
    fill(x);
    const base = commonValue(x);
    let off = 0;
    for (let e = 0; e < x.length; e++) if (x[e] !== base) off++;
    this.sqNorms = new Float64Array(n);
    if (off <= SPARSE_MAX_DENSITY * x.length) {
      this.offset = new Float64Array(d).fill(base);
      const rowPtr = new Int32Array(n + 1), col = new Int32Array(off), val = new Float64Array(off);
      let t = 0;
      for (let j = 0; j < n; j++) {
        const o = j * d;
        let s = 0;
        for (let q = 0; q < d; q++) {
          const v = x[o + q];
          if (v !== base) { const r = v - base; col[t] = q; val[t] = r; s += r * r; t++; }
        }
        rowPtr[j + 1] = t;
        this.sqNorms[j] = s;
      }
      this.sparse = { rowPtr, col, val };
      this.dense = null;
      release(x);
      this.dots = null;
    } else {
      const mean = new Float64Array(d);
      for (let j = 0; j < n; j++) { const o = j * d; for (let q = 0; q < d; q++) mean[q] += x[o + q]; }
      for (let q = 0; q < d; q++) mean[q] /= n;
      for (let j = 0; j < n; j++) {
        const o = j * d;
        let s = 0;
        for (let q = 0; q < d; q++) { const v = Math.fround(x[o + q] - mean[q]); x[o + q] = v; s += v * v; }
        this.sqNorms[j] = s;
      }
      this.offset = mean;
      this.dense = x;
      this.sparse = null;
      this.dots = kern.alloc('float32', k * n) as Float32Array;
    }
    this.cBuf = kern.alloc('float32', k * d) as Float32Array;
    this.cOff = new Float64Array(this.sparse ? k * d : 0);
    this.cNorms = new Float64Array(k);
    this.acc = new Float64Array(k * d);
    this.tot = new Float64Array(k);
  }

  /** Whether the residuals are kept sparse. */
  get isSparse(): boolean {
    return this.sparse !== null;
  }

  /** Centroids minus the offset into cOff (sparse, float64) or cBuf (dense, float32); norms. */
  private loadCentroids(c: Float64Array): void {
    const { k, d, offset, cBuf, cOff, cNorms } = this;
    const sparse = this.sparse !== null;
    for (let i = 0; i < k; i++) {
      const o = i * d;
      let s = 0;
      for (let q = 0; q < d; q++) {
        const v = c[o + q] - offset[q];
        if (sparse) { cOff[o + q] = v; s += v * v; } else { const f = Math.fround(v); cBuf[o + q] = f; s += f * f; }
      }
      cNorms[i] = s;
    }
  }

  /** out[i·N + j] = sqrt(max(‖c_i − x_j‖², 1e-10)) / scale for the k×d float64 centroids c. */
  costs(c: Float64Array, scale: number, out: Float64Array): void {
    const { k, n, d, cNorms, sqNorms } = this;
    const inv = 1 / scale;
    this.loadCentroids(c);
    if (this.sparse) {
      this.sparseCosts(inv, out);
      return;
    }
    const dots = this.dots!;
    getKernels().gemm(false, true, k, n, d, this.cBuf, this.dense!, dots, false);
    for (let i = 0; i < k; i++) {
      const ci = cNorms[i], o = i * n;
      for (let j = 0; j < n; j++) {
        const norms = ci + sqNorms[j];
        let s = norms - 2 * dots[o + j];
        if (s < REFINE_FRACTION * norms) s = this.directSq(c, i, j);
        out[o + j] = Math.sqrt(s > SQ_DIST_FLOOR ? s : SQ_DIST_FLOOR) * inv;
      }
    }
  }

  /** ‖c_i − x_j‖² summed directly in float64 (dense residuals). */
  private directSq(c: Float64Array, i: number, j: number): number {
    const { d, offset } = this;
    const x = this.dense!;
    const a = i * d, b = j * d;
    let s = 0;
    for (let q = 0; q < d; q++) { const v = c[a + q] - offset[q] - x[b + q]; s += v * v; }
    return s;
  }

  /** The sparse path of `costs`: dot products into out, then distances in place. */
  private sparseCosts(inv: number, out: Float64Array): void {
    const { k, n, cNorms, sqNorms } = this;
    this.sparseDots(this.cOff, k, out);
    for (let i = 0; i < k; i++) {
      const ci = cNorms[i], o = i * n;
      for (let j = 0; j < n; j++) {
        const s = ci + sqNorms[j] - 2 * out[o + j];
        out[o + j] = Math.sqrt(s > SQ_DIST_FLOOR ? s : SQ_DIST_FLOOR) * inv;
      }
    }
  }

  /**
   * out[i·N + j] = a_i · r_j for the m rows of a (m×d float64) and every sparse residual r_j:
   * each data row's non-zeros are gathered against eight rows of a at a time (those rows stay
   * in cache; about 11 ms for 64 × 2704 squares of 4096 pixels).
   */
  private sparseDots(a: Float64Array, m: number, out: Float64Array): void {
    const { n, d } = this;
    const { rowPtr, col, val } = this.sparse!;
    let i = 0;
    for (; i + 8 <= m; i += 8) {
      const o0 = i * d, o1 = o0 + d, o2 = o1 + d, o3 = o2 + d, o4 = o3 + d, o5 = o4 + d, o6 = o5 + d, o7 = o6 + d;
      const r0 = i * n, r1 = r0 + n, r2 = r1 + n, r3 = r2 + n, r4 = r3 + n, r5 = r4 + n, r6 = r5 + n, r7 = r6 + n;
      for (let j = 0; j < n; j++) {
        let s0 = 0, s1 = 0, s2 = 0, s3 = 0, s4 = 0, s5 = 0, s6 = 0, s7 = 0;
        const end = rowPtr[j + 1];
        for (let t = rowPtr[j]; t < end; t++) {
          const v = val[t], q = col[t];
          s0 += v * a[o0 + q]; s1 += v * a[o1 + q]; s2 += v * a[o2 + q]; s3 += v * a[o3 + q];
          s4 += v * a[o4 + q]; s5 += v * a[o5 + q]; s6 += v * a[o6 + q]; s7 += v * a[o7 + q];
        }
        out[r0 + j] = s0; out[r1 + j] = s1; out[r2 + j] = s2; out[r3 + j] = s3;
        out[r4 + j] = s4; out[r5 + j] = s5; out[r6 + j] = s6; out[r7 + j] = s7;
      }
    }
    for (; i < m; i++) {
      const o = i * d, r = i * n;
      for (let j = 0; j < n; j++) {
        let s = 0;
        const end = rowPtr[j + 1];
        for (let t = rowPtr[j]; t < end; t++) s += val[t] * a[o + col[t]];
        out[r + j] = s;
      }
    }
  }

  /** acc[a .. a+d) += w · (x_j − o). */
  private addResidual(acc: Float64Array, a: number, j: number, w: number): void {
    const d = this.d;
    if (this.sparse) {
      const { rowPtr, col, val } = this.sparse;
      for (let t = rowPtr[j]; t < rowPtr[j + 1]; t++) acc[a + col[t]] += w * val[t];
    } else {
      const x = this.dense!, b = j * d;
      for (let q = 0; q < d; q++) acc[a + q] += w * x[b + q];
    }
  }

  /**
   * c_i = Σ_t w_t x_{cols_t} / max(Σ_t w_t, minDenominator) over the entries t with rows_t = i
   * (a sparse weighted mean of data points). Rows with no weight keep their value in c.
   */
  weightedMeans(rows: Int32Array, cols: Int32Array, w: Float64Array, minDenominator: number, c: Float64Array): void {
    const { k, d, offset } = this;
    const acc = this.acc.fill(0);
    const tot = this.tot.fill(0);
    for (let t = 0; t < w.length; t++) {
      if (w[t] === 0) continue;
      tot[rows[t]] += w[t];
      this.addResidual(acc, rows[t] * d, cols[t], w[t]);
    }
    for (let i = 0; i < k; i++) {
      if (tot[i] === 0) continue;
      const den = tot[i] > minDenominator ? tot[i] : minDenominator;
      const f = tot[i] / den, o = i * d;
      // Σ w (x − o) / den + o · Σ w / den = Σ w x / den.
      for (let q = 0; q < d; q++) c[o + q] = acc[o + q] / den + offset[q] * f;
    }
  }

  /** ‖c_i − x_j‖ (clamped as the costs), in float64. */
  distance(c: Float64Array, i: number, j: number): number {
    const diff = new Float64Array(this.d);
    this.difference(c, i, j, diff);
    let s = 0;
    for (let q = 0; q < this.d; q++) s += diff[q] * diff[q];
    return Math.sqrt(s > SQ_DIST_FLOOR ? s : SQ_DIST_FLOOR);
  }

  /** out = c_i − x_j. */
  difference(c: Float64Array, i: number, j: number, out: Float64Array): void {
    const { d, offset } = this;
    const a = i * d;
    for (let q = 0; q < d; q++) out[q] = c[a + q] - offset[q];
    this.addResidual(out, 0, j, -1);
  }

  /** Projections (N×p float32) of the residuals on p unit directions (p×d float32). */
  projectData(dirs: Float32Array, p: number): Float32Array {
    const { n, d } = this;
    if (this.sparse) {
      const dots = new Float64Array(p * n);
      this.sparseDots(Float64Array.from(dirs.subarray(0, p * d)), p, dots);
      const out = new Float32Array(n * p);
      for (let q = 0; q < p; q++) for (let j = 0; j < n; j++) out[j * p + q] = dots[q * n + j];
      return out;
    }
    return this.product(this.dense!, n, dirs, p);
  }

  /** Projections (k×p float32) of the centroids minus the offset on the same directions. */
  projectCentroids(c: Float64Array, dirs: Float32Array, p: number): Float32Array {
    const { k, d, offset, cBuf } = this;
    for (let e = 0; e < k * d; e++) cBuf[e] = c[e] - offset[e % d];
    return this.product(cBuf, k, dirs, p);
  }

  /** a (rows×d) · dirsᵀ (d×p) through the kernel seam, as a plain float32 array. */
  private product(a: Float32Array, rows: number, dirs: Float32Array, p: number): Float32Array {
    const kern = getKernels();
    const dirBuf = kern.alloc('float32', p * this.d) as Float32Array;
    dirBuf.set(dirs.subarray(0, p * this.d));
    const out = kern.alloc('float32', rows * p) as Float32Array;
    kern.gemm(false, true, rows, p, this.d, a, dirBuf, out, false);
    const copy = out.slice();
    release(dirBuf); release(out);
    return copy;
  }

  /** Hand kernel storage back (wasm heap); the object must not be used afterwards. */
  dispose(): void {
    if (this.dense) release(this.dense);
    if (this.dots) release(this.dots);
    release(this.cBuf);
  }
}

/** The most frequent value among up to ~65,536 evenly spaced samples of x. */
function commonValue(x: Float32Array): number {
  let step = Math.max(1, Math.floor(x.length / 65536));
  if (step > 1 && step % 2 === 0) step++; // odd, so the samples do not keep hitting the same pixels
  const counts = new Map<number, number>();
  let best = 0, bestCount = 0;
  for (let e = 0; e < x.length; e += step) {
    const v = x[e];
    const cnt = (counts.get(v) ?? 0) + 1;
    counts.set(v, cnt);
    if (cnt > bestCount) { bestCount = cnt; best = v; }
  }
  return best;
}

function release(a: Float32Array): void {
  const kern = getKernels() as { release?: (a: Float32Array) => void };
  kern.release?.(a);
}
