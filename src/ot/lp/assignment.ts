/**
 * Exact assignment (n = m, uniform weights): Jonker–Volgenant's shortest augmenting path
 * method (column reduction, reduction transfer, augmenting row reduction (row-reduction.ts), then a
 * Dijkstra-style augmentation per remaining free row). The optimal plan of a uniform n×n
 * transport problem is a permutation, so this is `emd` for that case.
 *
 * Owns: the JV phases and the duals they produce (v per column, u_i = M_i,x(i) − v_x(i)).
 * Knows nothing of points or training. Masses are returned as 1 per pair; `emd` scales them.
 */
import type { TransportResult } from './network-simplex.js';
import { augmentingRowReduction, RowCache } from './row-reduction.js';

const DEBUG = !!process.env.DISCRETE_GANS_OT_DEBUG;

export function assignment(C: Float64Array, n: number): TransportResult {
  const t0 = performance.now();
  const x = new Int32Array(n).fill(-1); // column of row i
  const y = new Int32Array(n).fill(-1); // row of column j
  const v = new Float64Array(n);
  const free = new Int32Array(n);
  const matches = new Int32Array(n);
  let numFree = 0;

  // Column reduction, scanning rows so memory is read in order: v_j = min_i C_ij.
  const argmin = new Int32Array(n);
  for (let j = 0; j < n; j++) { v[j] = C[j]; argmin[j] = 0; }
  for (let i = 1; i < n; i++) {
    const o = i * n;
    for (let j = 0; j < n; j++) if (C[o + j] < v[j]) { v[j] = C[o + j]; argmin[j] = i; }
  }
  for (let j = n - 1; j >= 0; j--) {
    const imin = argmin[j];
    if (++matches[imin] === 1) { x[imin] = j; y[j] = imin; }
    else if (v[j] < v[x[imin]]) { const j1 = x[imin]; x[imin] = j; y[j] = imin; y[j1] = -1; }
    else y[j] = -1;
  }
  // Reduction transfer: v_j1 -= min over j ≠ j1 of C_ij − v_j. The scan also fills row i's cache
  // for the row reduction (duals only fall from here on, so it stays valid).
  const cache = new RowCache(n);
  for (let i = 0; i < n; i++) {
    if (matches[i] === 0) free[numFree++] = i;
    else if (matches[i] === 1 && n > 1) {
      const j1 = x[i];
      cache.scan(C, n, v, i);
      v[j1] -= cache.bufCol[0] === j1 ? cache.bufVal[1] : cache.bufVal[0];
    }
  }
  if (DEBUG) console.error(`assignment: column reduction and transfer ${(performance.now() - t0).toFixed(0)} ms, ${numFree} free rows`);
  // Augmenting row reduction (a heuristic start; its budget of reads matches 20n + 100 full row
  // scans, so it always ends), then the exact augmentation for the rows it leaves free.
  const arr = augmentingRowReduction(C, n, free, numFree, x, y, v, (20 * n + 100) * n, cache);
  numFree = arr.numFree;
  if (DEBUG) console.error(`assignment: reductions done ${(performance.now() - t0).toFixed(0)} ms, ${arr.steps} row-reduction steps, ${numFree} rows left free`);
  // Augmentation: a shortest alternating path from each remaining free row to a free column.
  const augmentations = numFree;
  const pred = new Int32Array(n), settled = new Int32Array(n), dist = new Float64Array(n);
  const w = new Float64Array(n), dSet = new Float64Array(n);
  for (let f = 0; f < numFree; f++) augment(C, n, free[f], x, y, v, pred, settled, dist, w, dSet);
  if (DEBUG) console.error(`assignment: augmentations done ${(performance.now() - t0).toFixed(0)} ms`);
  const rows = new Int32Array(n), cols = new Int32Array(n), mass = new Float64Array(n).fill(1);
  const u = new Float64Array(n);
  let cost = 0;
  for (let i = 0; i < n; i++) {
    rows[i] = i; cols[i] = x[i]; // already in (row, col) order
    u[i] = C[i * n + x[i]] - v[x[i]];
    cost += C[i * n + x[i]];
  }
  return {
    cost: cost / n, plan: { rows, cols, mass }, u, v, status: 'optimal',
    log: { solver: 'assignment', iterations: augmentations, seconds: (performance.now() - t0) / 1000 },
  };
}

/**
 * One Dijkstra search over reduced costs C_ij − v_j from `freeRow`, then the augmentation along
 * the path found and the dual update of the columns settled before its end. Columns stay in
 * place, so each relaxation reads the cost row in order: a settled column gets w_j = −∞ (every
 * candidate through it is +∞) and dist_j = +∞ (never the minimum again), its distance kept in
 * `dSet`. Relaxing a row and finding the next closest open column share one pass; among equal
 * distances a free column wins, which ends searches at once on ties (equal costs, duplicates).
 */
function augment(
  C: Float64Array, n: number, freeRow: number, x: Int32Array, y: Int32Array, v: Float64Array,
  pred: Int32Array, settled: Int32Array, dist: Float64Array, w: Float64Array, dSet: Float64Array,
): void {
  const of = freeRow * n;
  let best = Infinity, jBest = 0;
  for (let j = 0; j < n; j++) {
    const vj = v[j], dj = C[of + j] - vj;
    w[j] = vj; dist[j] = dj; pred[j] = freeRow;
    if (dj < best || (dj === best && y[j] < 0)) { best = dj; jBest = j; }
  }
  let ready = 0, endOfPath = -1, mu = 0;
  for (;;) {
    const j = jBest;
    mu = best;
    settled[ready] = j; dSet[ready] = mu; ready++;
    const vj = w[j];
    dist[j] = Infinity; w[j] = -Infinity;
    const i = y[j];
    if (i < 0) { endOfPath = j; break; }
    const oi = i * n;
    const h = C[oi + j] - vj - mu;
    best = Infinity; jBest = -1;
    for (let k = 0; k < n; k++) {
      let dk = dist[k];
      const v2 = C[oi + k] - w[k] - h;
      if (v2 < dk) { dk = v2; dist[k] = v2; pred[k] = i; }
      if (dk < best || (dk === best && y[k] < 0)) { best = dk; jBest = k; }
    }
  }
  for (let k = 0; k < ready - 1; k++) v[settled[k]] += dSet[k] - mu;
  let i: number;
  do {
    i = pred[endOfPath];
    y[endOfPath] = i;
    const j1 = endOfPath;
    endOfPath = x[i];
    x[i] = j1;
  } while (i !== freeRow);
}
