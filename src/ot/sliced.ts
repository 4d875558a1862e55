/**
 * Sliced distances: `swd` (mean over random unit directions of the exact 1-D W1 between the
 * projected sets) and `full_dim_swd` (the same sorted matchings, each matched pair scored by
 * its full-dimensional Euclidean distance: an upper bound on W1).
 *
 * For n ≠ m the 1-D transport is the exact coupling of the two empirical quantile functions
 * (masses 1/n and 1/m), so the value never depends on input order; for n = m it is the mean
 * absolute difference of the sorted projections. Ties in a projection only swap points with
 * equal projections, which leaves `swd` unchanged. Gradients are with respect to x, through
 * the sorted matching (a subgradient: sign 0 at exact ties).
 *
 * Owns: directions, projections, the 1-D coupling. Knows nothing of images or training.
 */
import type { Rng } from '../engine/random.js';
import { SQ_DIST_FLOOR, euclideanCost, checkPointSets, checkCount, type Points } from './cost.js';
import { projectT, matMulTN, allocF32, releaseF32 } from './gemm.js';
import { makeSortScratch, radixSortFloat32 } from './sort.js';
import { makeDirectionWork } from './sliced-rows.js';
import { slicedDirections, prestartSlicedThreads, slicedThreading } from './sliced-threads.js';

export { sorted1dW1 } from './sliced-rows.js';

const DEBUG = !!process.env.DISCRETE_GANS_OT_DEBUG;

export interface DistanceResult {
  readonly value: number;
  /** d value / d x (n×d), or null when not asked for. */
  readonly gradX: Float64Array | null;
  /** Entropic W1 only: whether Sinkhorn met its tolerance, and how it ended. */
  readonly sinkhorn?: { readonly converged: boolean; readonly iterations: number; readonly marginalError: number; readonly tol: number };
}

/** `count` random unit directions in R^d (rows of a count×d array), drawn from `rng`. */
export function randomDirections(rng: Rng, count: number, d: number): Float32Array {
  const out = new Float32Array(count * d);
  const row = new Float64Array(d);
  for (let p = 0; p < count; p++) {
    let s = 0;
    for (let k = 0; k < d; k++) { const v = rng.normal(); row[k] = v; s += v * v; }
    const inv = 1 / Math.sqrt(s);
    for (let k = 0; k < d; k++) out[p * d + k] = row[k] * inv;
  }
  return out;
}

/**
 * Walk the quantile coupling of sorted xs (n) and ys (m): visit(i, j, w) for each piece,
 * with weight w in units of 1/(n·m) (x points carry m units, y points n units).
 */
export function quantileCoupling(n: number, m: number, visit: (i: number, j: number, w: number) => void): void {
  let i = 0, j = 0, rx = m, ry = n;
  while (i < n && j < m) {
    const t = rx < ry ? rx : ry;
    visit(i, j, t);
    rx -= t; ry -= t;
    if (rx === 0) { i++; rx = m; }
    if (ry === 0) { j++; ry = n; }
  }
}

/** Projections P×n: row p holds the n points projected on direction p (contiguous). */
function project(x: Points, n: number, dirs: Float32Array, P: number, d: number): Float32Array {
  const out = allocF32(n * P);
  projectT(dirs, P, x instanceof Float32Array ? x : new Float32Array(x), n, d, out);
  return out;
}

/** Sliced W1 with `numProj` random directions. */
export function swd(x: Points, n: number, y: Points, m: number, d: number, rng: Rng,
  numProj = 128, wantGrad = false): DistanceResult {
  checkPointSets('swd', x, n, y, m, d);
  const r = swdF32(x, n, y, m, d, rng, numProj, wantGrad);
  let gradX: Float64Array | null = null;
  if (r.gradX) { gradX = new Float64Array(r.gradX); releaseF32(r.gradX); }
  return { value: r.value, gradX };
}

/**
 * `swd` with its gradient left in float32 scratch storage (allocF32: the caller hands it back
 * with releaseF32), for the patch losses whose gradients hold tens of millions of values.
 * Leaves the finiteness of the values to its caller (the patch losses check the images).
 */
export function swdF32(x: Points, n: number, y: Points, m: number, d: number, rng: Rng,
  numProj = 128, wantGrad = false): { value: number; gradX: Float32Array | null } {
  checkProjections('swd', numProj, n, m, d);
  const t0 = DEBUG ? performance.now() : 0;
  const dirs = randomDirections(rng, numProj, d);
  // Start the sort threads (when they will be used) so their boot overlaps the projections.
  if ((n + m) * numProj >= slicedThreading.minWork) prestartSlicedThreads();
  const px = project(x, n, dirs, numProj, d);
  const py = project(y, m, dirs, numProj, d);
  const gProj = wantGrad ? allocF32(n * numProj) : null;
  // One W1 per direction (on worker threads too when large), summed here in direction order.
  const values = new Float64Array(numProj);
  const t1 = DEBUG ? performance.now() : 0;
  const threaded = slicedDirections(px, py, gProj, n, m, numProj, values, makeDirectionWork(n, m, wantGrad));
  const t2 = DEBUG ? performance.now() : 0;
  let total = 0;
  for (let p = 0; p < numProj; p++) total += values[p];
  let gradX: Float32Array | null = null;
  if (gProj) {
    gradX = allocF32(n * d);
    matMulTN(gProj, numProj, n, dirs, d, gradX);
    releaseF32(gProj);
  }
  releaseF32(py); releaseF32(px);
  if (DEBUG) {
    const ms = (a: number, b: number): string => (b - a).toFixed(0);
    process.stderr.write(`swd ${n}x${m} d=${d} P=${numProj}: project ${ms(t0, t1)} ms, directions ${ms(t1, t2)} ms (${threaded ? 'threaded' : 'main thread'}), back-project ${ms(t2, performance.now())} ms\n`);
  }
  return { value: total / numProj, gradX };
}

/** The most float32 values one projection array may take (4 GiB, the wasm memory's size). */
const MAX_PROJECTED = 2 ** 30;

/** num_proj a positive integer whose directions (num_proj×d) and projections (max(n, m)×num_proj)
 *  fit in memory, else a RangeError saying how many values it would need. */
function checkProjections(what: string, numProj: number, n: number, m: number, d: number): void {
  checkCount(what, 'num_proj', numProj);
  const values = Math.max(numProj * d, Math.max(n, m) * numProj);
  if (values > MAX_PROJECTED) throw new RangeError(`${what}: num_proj=${numProj} would need ${values.toExponential(2)} float32 values in one array for ${n} and ${m} points of dimension ${d}, more than the ${MAX_PROJECTED.toExponential(2)} memory can hold; use fewer directions`);
}

/** Full-dimensional score of the sliced matchings (an upper bound on W1). */
export function fullDimSwd(x: Points, n: number, y: Points, m: number, d: number, rng: Rng,
  numProj = 128, wantGrad = false): DistanceResult {
  checkPointSets('full_dim_swd', x, n, y, m, d);
  checkProjections('full_dim_swd', numProj, n, m, d);
  const dirs = randomDirections(rng, numProj, d);
  const px = project(x, n, dirs, numProj, d);
  const py = project(y, m, dirs, numProj, d);
  const scratch = makeSortScratch(Math.max(n, m));
  const xs = new Float32Array(n), ys = new Float32Array(m);
  const xi = new Int32Array(n), yi = new Int32Array(m);
  const gradX = wantGrad ? new Float64Array(n * d) : null;
  const inv = 1 / (n * m);
  // When the n×m distances fit (a few generated images against a data set), compute them once
  // (one matrix product) instead of once per matched pair and direction.
  const D = n * m <= 1 << 23 ? euclideanCost(x, n, y, m, d) : null;
  let total = 0;
  for (let p = 0; p < numProj; p++) {
    radixSortFloat32(px, p * n, 1, n, xs, xi, scratch);
    radixSortFloat32(py, p * m, 1, m, ys, yi, scratch);
    // The quantile coupling of quantileCoupling, inlined (it runs numProj·(n + m) times).
    let i = 0, j = 0, rx = m, ry = n;
    while (i < n && j < m) {
      const t = rx < ry ? rx : ry;
      const xo = xi[i], yo = yi[j];
      let s: number, dist: number;
      if (D) { dist = D[xo * m + yo]; s = dist * dist; } else { // D holds the floored distances
        s = 0;
        const a = xo * d, b = yo * d;
        for (let k = 0; k < d; k++) { const diff = x[a + k] - y[b + k]; s += diff * diff; }
        dist = Math.sqrt(s > SQ_DIST_FLOOR ? s : SQ_DIST_FLOOR);
      }
      total += t * inv * dist;
      if (gradX && s > SQ_DIST_FLOOR) {
        const a = xo * d, b = yo * d;
        const c = (t * inv) / (numProj * dist);
        for (let k = 0; k < d; k++) gradX[a + k] += c * (x[a + k] - y[b + k]);
      }
      rx -= t; ry -= t;
      if (rx === 0) { i++; rx = m; }
      if (ry === 0) { j++; ry = n; }
    }
  }
  releaseF32(py); releaseF32(px);
  return { value: total / numProj, gradX };
}
