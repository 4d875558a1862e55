/**
 * The distances between two point sets x (n×d) and y (m×d) other than the sliced ones:
 * `w1` (exact transport on the Euclidean cost, or Sinkhorn when epsilon > 0), `projected_w1`,
 * `nn`, `fd` (Fréchet distance of fitted Gaussians) and `mmd`.
 *
 * Notes: `w1`'s gradient holds the plan constant: d/dx_i = Σ_j P_ij (x_i − y_j)/C_ij (zero where
 * the squared distance is under the 1e-10 floor). `fd` uses ddof = 1 covariances and computes
 * tr((Σx Σy)^½) as the nuclear norm of Xcᵀ-products in whichever of d, n, m is smallest, with
 * Jacobi eigenvalues of a symmetric PSD matrix: never complex, finite with few samples.
 * `mmd` is the biased (V-statistic) squared MMD with the Gaussian kernel exp(−D²/(2σ²)) on
 * squared distances D²; the reference evaluates exp(−D·σ²/2) on distances, an operator
 * precedence slip (SPEC §9), which we do not reproduce.
 *
 * Owns: those formulas. Knows nothing of images or training.
 */
import type { Rng } from '../engine/random.js';
import { euclideanCost, sqEuclideanCost, forEachCostBlock, checkPointSets, checkCount, SQ_DIST_FLOOR, type Points } from './cost.js';
import { emd } from './lp/emd.js';
import { sinkhorn } from './sinkhorn.js';
import { symmetricEigenvalues } from './linalg.js';
import { randomDirections, type DistanceResult } from './sliced.js';
import { rowDots } from './gemm.js';
import { rowClasses } from './row-classes.js';

export interface W1Options {
  /** Entropic regularisation; 0 (default) means exact transport. */
  epsilon?: number;
  /** Sinkhorn's iteration cap and tolerance (see SinkhornOptions) when epsilon > 0. */
  maxIter?: number;
  tol?: number;
}

/** Exact W1 looks for identical points when the cost matrix would hold at least this many
 *  entries, and merges them when that at least halves it. */
const MERGE_MIN_ENTRIES = 1 << 16;

/** W1 between uniform empirical measures on x and y with the Euclidean cost. Exact W1 merges
 *  identical points into weighted ones first when that shrinks the problem (patch sets with
 *  uniform backgrounds: 43,264 patches of the squares at p=16, s=16 are 626 distinct ones),
 *  which leaves the value unchanged. */
export function w1(x: Points, n: number, y: Points, m: number, d: number, options: W1Options = {}, wantGrad = false): DistanceResult {
  checkPointSets('w1', x, n, y, m, d);
  const eps = options.epsilon ?? 0;
  if (!(eps >= 0 && Number.isFinite(eps))) throw new RangeError(`w1: epsilon must be 0 (exact) or a positive number, got ${eps}`);
  if (eps === 0 && n * m >= MERGE_MIN_ENTRIES) {
    const merged = mergedExactW1(x, n, y, m, d, wantGrad);
    if (merged !== null) return merged;
  }
  const C = euclideanCost(x, n, y, m, d);
  let value: number;
  let gradX: Float64Array | null = null;
  if (eps > 0) {
    const tol = options.tol ?? 1e-9;
    const r = sinkhorn(n, m, C, eps, { maxIter: options.maxIter, tol });
    value = r.cost;
    const info = { converged: r.converged, iterations: r.iterations, marginalError: r.marginalError, tol };
    if (wantGrad) {
      gradX = new Float64Array(n * d);
      for (let i = 0; i < n; i++) for (let j = 0; j < m; j++) addPairGrad(gradX, x, y, d, i, j, r.plan[i * m + j], C[i * m + j]);
    }
    return { value, gradX, sinkhorn: info };
  } else {
    const r = emd(n, m, C);
    if (r.status !== 'optimal') throw new Error(`w1: the exact solver ended with status ${r.status}`);
    value = r.cost;
    if (wantGrad) {
      gradX = new Float64Array(n * d);
      const { rows, cols, mass } = r.plan;
      for (let k = 0; k < mass.length; k++) addPairGrad(gradX, x, y, d, rows[k], cols[k], mass[k], C[rows[k] * m + cols[k]]);
    }
  }
  return { value, gradX };
}

/** Exact W1 between the distinct points of x and y weighted by their multiplicities; null
 *  when merging would not at least halve the cost matrix. The gradient spreads each class's
 *  plan evenly over its copies (an optimal plan of the unmerged problem). */
export function mergedExactW1(x: Points, n: number, y: Points, m: number, d: number, wantGrad: boolean): DistanceResult | null {
  const cx = rowClasses(x, n, d), cy = rowClasses(y, m, d);
  if (cx.count * cy.count > (n * m) / 2) return null;
  const gather = (p: Points, rep: Int32Array): Points => {
    const out = p instanceof Float32Array ? new Float32Array(rep.length * d) : new Float64Array(rep.length * d);
    for (let c = 0; c < rep.length; c++) out.set(p.subarray(rep[c] * d, (rep[c] + 1) * d), c * d);
    return out;
  };
  const xr = gather(x, cx.rep), yr = gather(y, cy.rep);
  // Integer masses: a class of k copies carries k·m on x's side and k·n on y's (totals n·m).
  const a = new Float64Array(cx.count), b = new Float64Array(cy.count);
  for (let i = 0; i < n; i++) a[cx.cls[i]] += m;
  for (let j = 0; j < m; j++) b[cy.cls[j]] += n;
  const C = euclideanCost(xr, cx.count, yr, cy.count, d);
  const r = emd(a, b, C);
  if (r.status !== 'optimal') throw new Error(`w1: the exact solver ended with status ${r.status}`);
  const total = n * m;
  let gradX: Float64Array | null = null;
  if (wantGrad) {
    // Per class of x: Σ over its plan entries of mass·(x − y_b)/C, shared by its copies.
    const g = new Float64Array(cx.count * d);
    const { rows, cols, mass } = r.plan;
    for (let k = 0; k < mass.length; k++) addPairGrad(g, xr, yr, d, rows[k], cols[k], mass[k] / total, C[rows[k] * cy.count + cols[k]]);
    gradX = new Float64Array(n * d);
    const share = new Float64Array(cx.count);
    for (let c = 0; c < cx.count; c++) share[c] = m / a[c]; // 1 / copies
    for (let i = 0; i < n; i++) {
      const c = cx.cls[i], s = share[c], o = c * d, t = i * d;
      for (let k = 0; k < d; k++) gradX[t + k] = g[o + k] * s;
    }
  }
  return { value: r.cost / total, gradX };
}

function addPairGrad(g: Float64Array, x: Points, y: Points, d: number, i: number, j: number, p: number, c: number): void {
  if (p === 0 || c * c <= SQ_DIST_FLOOR) return;
  const s = p / c, a = i * d, b = j * d;
  for (let k = 0; k < d; k++) g[a + k] += s * (x[a + k] - y[b + k]);
}

/** Exact W1 after projecting both sets on `dim` random unit directions, averaged over `numProj` draws. */
export function projectedW1(x: Points, n: number, y: Points, m: number, d: number, rng: Rng, dim = 64, numProj = 16): DistanceResult {
  checkPointSets('projected_w1', x, n, y, m, d);
  checkCount('projected_w1', 'dim', dim);
  checkCount('projected_w1', 'num_proj', numProj);
  let total = 0;
  const px = new Float64Array(n * dim), py = new Float64Array(m * dim);
  for (let t = 0; t < numProj; t++) {
    const dirs = randomDirections(rng, dim, d);
    rowDots(x, n, dirs, dim, d, px);
    rowDots(y, m, dirs, dim, d, py);
    total += w1(px, n, py, m, dim).value;
  }
  return { value: total / numProj, gradX: null };
}

/** For each y_j the distance to its nearest x; the mean over j. */
export function nearestNeighbour(x: Points, n: number, y: Points, m: number, d: number): DistanceResult {
  checkPointSets('nn', x, n, y, m, d);
  const best = new Float64Array(m).fill(Infinity);
  if (n * m <= 1 << 24) {
    const D = sqEuclideanCost(x, n, y, m, d); // the fast product path when large
    for (let i = 0; i < n; i++) for (let j = 0; j < m; j++) if (D[i * m + j] < best[j]) best[j] = D[i * m + j];
  } else forEachCostBlock(x, n, y, m, d, Math.max(1, Math.floor(4_000_000 / m)), (i0, i1, block) => {
    for (let r = 0; r < i1 - i0; r++) for (let j = 0; j < m; j++) if (block[r * m + j] < best[j]) best[j] = block[r * m + j];
  }, 0, true);
  let s = 0;
  for (let j = 0; j < m; j++) s += Math.sqrt(best[j]);
  return { value: s / m, gradX: null };
}

function centred(x: Points, n: number, d: number): { mean: Float64Array; xc: Float64Array; trace: number } {
  const mean = new Float64Array(d);
  for (let i = 0; i < n; i++) for (let k = 0; k < d; k++) mean[k] += x[i * d + k];
  for (let k = 0; k < d; k++) mean[k] /= n;
  const xc = new Float64Array(n * d);
  let trace = 0;
  for (let i = 0; i < n; i++) for (let k = 0; k < d; k++) { const v = x[i * d + k] - mean[k]; xc[i * d + k] = v; trace += v * v; }
  return { mean, xc, trace };
}

/** Fréchet distance ‖μx − μy‖² + tr Σx + tr Σy − 2 tr (Σx Σy)^½ (ddof = 1 covariances). */
export function frechetDistance(x: Points, n: number, y: Points, m: number, d: number): DistanceResult {
  checkPointSets('fd', x, n, y, m, d);
  if (n < 2 || m < 2) throw new RangeError('fd needs at least two points in each set');
  const X = centred(x, n, d), Y = centred(y, m, d);
  let meanTerm = 0;
  for (let k = 0; k < d; k++) { const t = X.mean[k] - Y.mean[k]; meanTerm += t * t; }
  const cx = 1 / (n - 1), cy = 1 / (m - 1);
  let crossTrace = 0;
  const k = Math.min(d, n, m);
  if (k === d) {
    // d×d: tr sqrt(Σx Σy) = Σ sqrt eig(Σx^½ Σy Σx^½).
    const Sx = new Float64Array(d * d), Sy = new Float64Array(d * d);
    gram(X.xc, n, d, Sx, cx); gram(Y.xc, m, d, Sy, cy);
    crossTrace = traceSqrtProduct(Sx, Sy, d);
  } else if (k === n) {
    // K = Xc Ycᵀ (n×m); tr sqrt(Σx Σy) = Σ singular values of K · sqrt(cx·cy).
    const K = new Float64Array(n * m);
    rowDots(X.xc, n, Y.xc, m, d, K);
    const G = new Float64Array(n * n);
    gram(K, m, n, G, 1, true);
    crossTrace = sumSqrtEig(G, n) * Math.sqrt(cx * cy);
  } else {
    const K = new Float64Array(m * n);
    rowDots(Y.xc, m, X.xc, n, d, K);
    const G = new Float64Array(m * m);
    gram(K, n, m, G, 1, true);
    crossTrace = sumSqrtEig(G, m) * Math.sqrt(cx * cy);
  }
  const value = meanTerm + X.trace * cx + Y.trace * cy - 2 * crossTrace;
  return { value: value > 0 ? value : 0, gradX: null };
}

/** out (d×d) = c · Aᵀ A for A (rows×d); with `rowsAreOutput`, out (d×d) = c · A Aᵀ for A (d×rows). */
function gram(A: Float64Array, rows: number, d: number, out: Float64Array, c: number, rowsAreOutput = false): void {
  if (rowsAreOutput) {
    for (let p = 0; p < d; p++) for (let q = p; q < d; q++) {
      let s = 0;
      for (let r = 0; r < rows; r++) s += A[p * rows + r] * A[q * rows + r];
      out[p * d + q] = out[q * d + p] = c * s;
    }
    return;
  }
  for (let r = 0; r < rows; r++) {
    const o = r * d;
    for (let p = 0; p < d; p++) { const v = A[o + p]; if (v === 0) continue; for (let q = p; q < d; q++) out[p * d + q] += v * A[o + q]; }
  }
  for (let p = 0; p < d; p++) for (let q = p; q < d; q++) { out[p * d + q] *= c; out[q * d + p] = out[p * d + q]; }
}

function sumSqrtEig(G: Float64Array, k: number): number {
  const ev = symmetricEigenvalues(G, k);
  // Eigenvalues at round-off level (rank-deficient covariances) are zeros: their square roots
  // would otherwise add ~sqrt(1e-16·max) of noise each.
  let max = 0;
  for (let i = 0; i < k; i++) if (ev[i] > max) max = ev[i];
  const floor = 1e-13 * max;
  let s = 0;
  for (let i = 0; i < k; i++) s += ev[i] > floor ? Math.sqrt(ev[i]) : 0;
  return s;
}

/** tr (A B)^½ for symmetric PSD A, B (d×d): Σ sqrt eig(A^½ B A^½), A^½ by Jacobi with vectors. */
function traceSqrtProduct(A: Float64Array, B: Float64Array, d: number): number {
  const { values, vectors } = eigWithVectors(A, d);
  // H = V diag(sqrt λ) Vᵀ
  const H = new Float64Array(d * d);
  for (let p = 0; p < d; p++) for (let q = 0; q < d; q++) {
    let s = 0;
    for (let r = 0; r < d; r++) s += vectors[p * d + r] * Math.sqrt(values[r] > 0 ? values[r] : 0) * vectors[q * d + r];
    H[p * d + q] = s;
  }
  const HB = new Float64Array(d * d), S = new Float64Array(d * d);
  for (let p = 0; p < d; p++) for (let q = 0; q < d; q++) { let s = 0; for (let r = 0; r < d; r++) s += H[p * d + r] * B[r * d + q]; HB[p * d + q] = s; }
  for (let p = 0; p < d; p++) for (let q = p; q < d; q++) { let s = 0; for (let r = 0; r < d; r++) s += HB[p * d + r] * H[r * d + q]; S[p * d + q] = S[q * d + p] = s; }
  return sumSqrtEig(S, d);
}

/** Jacobi eigen-decomposition with eigenvectors (columns of `vectors`). */
function eigWithVectors(A0: Float64Array, d: number): { values: Float64Array; vectors: Float64Array } {
  const A = A0.slice();
  const V = new Float64Array(d * d);
  for (let p = 0; p < d; p++) V[p * d + p] = 1;
  for (let sweep = 0; sweep < 100; sweep++) {
    let off = 0, diag = 0;
    for (let p = 0; p < d; p++) { diag += A[p * d + p] ** 2; for (let q = p + 1; q < d; q++) off += A[p * d + q] ** 2; }
    if (off <= 1e-30 * diag || off === 0) break;
    for (let p = 0; p < d - 1; p++) for (let q = p + 1; q < d; q++) {
      const apq = A[p * d + q];
      if (apq === 0) continue;
      const theta = (A[q * d + q] - A[p * d + p]) / (2 * apq);
      const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
      const c = 1 / Math.sqrt(t * t + 1), s = t * c;
      for (let r = 0; r < d; r++) { const a = A[r * d + p], b = A[r * d + q]; A[r * d + p] = c * a - s * b; A[r * d + q] = s * a + c * b; }
      for (let r = 0; r < d; r++) { const a = A[p * d + r], b = A[q * d + r]; A[p * d + r] = c * a - s * b; A[q * d + r] = s * a + c * b; }
      for (let r = 0; r < d; r++) { const a = V[r * d + p], b = V[r * d + q]; V[r * d + p] = c * a - s * b; V[r * d + q] = s * a + c * b; }
    }
  }
  const values = new Float64Array(d);
  for (let p = 0; p < d; p++) values[p] = A[p * d + p];
  return { values, vectors: V };
}

/** Biased squared MMD with the Gaussian kernel exp(−‖a − b‖² / (2σ²)). */
export function mmd(x: Points, n: number, y: Points, m: number, d: number, sigma = 0.1): DistanceResult {
  checkPointSets('mmd', x, n, y, m, d);
  if (!(sigma > 0 && Number.isFinite(sigma))) throw new RangeError(`mmd: sigma must be a positive number, got ${sigma}`);
  const inv = 1 / (2 * sigma * sigma);
  // Kernel sums in row blocks: never more than ~4M squared distances held at once.
  const meanK = (a: Points, na: number, b: Points, nb: number): number => {
    let s = 0;
    forEachCostBlock(a, na, b, nb, d, Math.max(1, Math.floor(4_000_000 / nb)), (_i0, _i1, block) => {
      for (let e = 0; e < block.length; e++) s += Math.exp(-block[e] * inv);
    }, 0, true);
    return s / (na * nb);
  };
  const value = meanK(x, n, x, n) + meanK(y, m, y, m) - 2 * meanK(x, n, y, m);
  return { value, gradX: null };
}
