/**
 * The centroid-to-data costs OT-means needs at every step: C(i, j) = ‖c_i − x_j‖ / scale for k
 * centroids against N fixed data points, as a k×N float64 matrix for the exact solver.
 *
 * The data are prepared once: centred on their mean μ (which leaves every distance unchanged
 * and shrinks the |x|² + |c|² − 2c·x expansion's round-off), stored as float32 where the
 * active kernel backend computes fastest, with float64 squared norms. Each call centres the
 * centroids the same way, runs one float32 matrix product through the engine's kernel seam
 * (the wasm SIMD gemm when available), and finishes in float64: squared distances clamped at
 * 1e-10 before the square root (SPEC §9: the reference has no clamp and can produce NaN).
 * The same prepared data serve the weighted sums Σ_j w_ij x_j of the updates, and the fixed
 * data projections of the sliced distance.
 *
 * Owns: that preparation and those products. Knows nothing of transport plans, images or files.
 */
import { getKernels } from '../engine/kernels/kernels.js';
import { SQ_DIST_FLOOR } from './cost.js';

export class CentroidCosts {
  /** Centred data, N×d float32 (kernel-owned storage). */
  readonly centred: Float32Array;
  /** Data mean μ (d values). */
  readonly mean: Float64Array;
  /** ‖x_j − μ‖², float64. */
  readonly sqNorms: Float64Array;
  private readonly k: number;
  private readonly cBuf: Float32Array;
  private readonly dots: Float32Array;
  private readonly cNorms: Float64Array;

  /**
   * `fill(out)` writes the N×d data (float32, row-major) into `out`; it lets a caller decode a
   * dataset straight into kernel storage without a second copy.
   */
  constructor(readonly n: number, readonly d: number, k: number, fill: (out: Float32Array) => void) {
    const kern = getKernels();
    this.k = k;
    this.centred = kern.alloc('float32', n * d) as Float32Array;
    fill(this.centred);
    const x = this.centred;
    const mean = new Float64Array(d);
    for (let j = 0; j < n; j++) {
      const o = j * d;
      for (let q = 0; q < d; q++) mean[q] += x[o + q];
    }
    for (let q = 0; q < d; q++) mean[q] /= n;
    this.mean = mean;
    this.sqNorms = new Float64Array(n);
    for (let j = 0; j < n; j++) {
      const o = j * d;
      let s = 0;
      for (let q = 0; q < d; q++) {
        const v = Math.fround(x[o + q] - mean[q]);
        x[o + q] = v;
        s += v * v;
      }
      this.sqNorms[j] = s;
    }
    this.cBuf = kern.alloc('float32', k * d) as Float32Array;
    this.dots = kern.alloc('float32', k * n) as Float32Array;
    this.cNorms = new Float64Array(k);
  }

  /** The data point j (centred back to its original values), as float64 into `out`. */
  point(j: number, out: Float64Array): void {
    const o = j * this.d;
    for (let q = 0; q < this.d; q++) out[q] = this.centred[o + q] + this.mean[q];
  }

  /**
   * out[i·N + j] = sqrt(max(‖c_i − x_j‖², 1e-10)) / scale for the k×d float64 centroids c.
   */
  costs(c: Float64Array, scale: number, out: Float64Array): void {
    const { k, n, d, mean, cBuf, dots, cNorms, sqNorms } = this;
    for (let i = 0; i < k; i++) {
      const o = i * d;
      let s = 0;
      for (let q = 0; q < d; q++) {
        const v = Math.fround(c[o + q] - mean[q]);
        cBuf[o + q] = v;
        s += v * v;
      }
      cNorms[i] = s;
    }
    getKernels().gemm(false, true, k, n, d, cBuf, this.centred, dots, false);
    const inv = 1 / scale;
    for (let i = 0; i < k; i++) {
      const ci = cNorms[i], o = i * n;
      for (let j = 0; j < n; j++) {
        const v = ci + sqNorms[j] - 2 * dots[o + j];
        out[o + j] = Math.sqrt(v > SQ_DIST_FLOOR ? v : SQ_DIST_FLOOR) * inv;
      }
    }
  }

  /**
   * c_i = Σ_t w_t x_{cols_t} / Σ_t w_t over the entries t with rows_t = i (a sparse weighted
   * mean of data points), with the denominator clipped below at `minDenominator`. Rows with
   * no entry keep their value in c.
   */
  weightedMeans(rows: Int32Array, cols: Int32Array, w: Float64Array, minDenominator: number, c: Float64Array): void {
    const { k, d, mean, centred } = this;
    const acc = new Float64Array(k * d);
    const tot = new Float64Array(k);
    for (let t = 0; t < w.length; t++) {
      const wt = w[t];
      if (wt === 0) continue;
      const a = rows[t] * d, b = cols[t] * d;
      tot[rows[t]] += wt;
      for (let q = 0; q < d; q++) acc[a + q] += wt * centred[b + q];
    }
    for (let i = 0; i < k; i++) {
      if (tot[i] === 0) continue;
      const den = tot[i] > minDenominator ? tot[i] : minDenominator;
      const f = tot[i] / den, o = i * d;
      // Σ w (x − μ) / den + μ · Σ w / den: equals Σ w x / den.
      for (let q = 0; q < d; q++) c[o + q] = acc[o + q] / den + mean[q] * f;
    }
  }

  /** ‖c_i − x_j‖ for one pair, in float64 from the stored float32 data. */
  distance(c: Float64Array, i: number, j: number): number {
    const { d, mean, centred } = this;
    const a = i * d, b = j * d;
    let s = 0;
    for (let q = 0; q < d; q++) { const v = c[a + q] - mean[q] - centred[b + q]; s += v * v; }
    return Math.sqrt(s > SQ_DIST_FLOOR ? s : SQ_DIST_FLOOR);
  }

  /** proj (N×p, float32) = centred data · dirsᵀ for p unit directions (p×d float32). */
  projectData(dirs: Float32Array, p: number): Float32Array {
    const kern = getKernels();
    const dirBuf = kern.alloc('float32', p * this.d) as Float32Array;
    dirBuf.set(dirs.subarray(0, p * this.d));
    const out = kern.alloc('float32', this.n * p) as Float32Array;
    kern.gemm(false, true, this.n, p, this.d, this.centred, dirBuf, out, false);
    const copy = out.slice();
    release(dirBuf); release(out);
    return copy;
  }

  /** Hand kernel storage back (wasm heap); the object must not be used afterwards. */
  dispose(): void {
    release(this.centred); release(this.cBuf); release(this.dots);
  }
}

function release(a: Float32Array): void {
  const kern = getKernels() as { release?: (a: Float32Array) => void };
  kern.release?.(a);
}
