/**
 * Exact assignment (n = m, uniform weights): Jonker–Volgenant's shortest augmenting path
 * method (column reduction, reduction transfer, two passes of augmenting row reduction, then a
 * Dijkstra-style augmentation per remaining free row). The optimal plan of a uniform n×n
 * transport problem is a permutation, so this is `emd` for that case.
 *
 * Owns: the JV phases and the duals they produce (v per column, u_i = M_i,x(i) − v_x(i)).
 * Knows nothing of points or training. Masses are returned as 1 per pair; `emd` scales them.
 */
import { sortPlan, type TransportResult } from './network-simplex.js';

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
  // Reduction transfer.
  for (let i = 0; i < n; i++) {
    if (matches[i] === 0) free[numFree++] = i;
    else if (matches[i] === 1) {
      const j1 = x[i], o = i * n;
      let min = Infinity;
      for (let j = 0; j < n; j++) if (j !== j1) { const h = C[o + j] - v[j]; if (h < min) min = h; }
      if (min !== Infinity) v[j1] -= min;
    }
  }
  if (DEBUG) console.error(`assignment: column reduction and transfer ${(performance.now() - t0).toFixed(0)} ms, ${numFree} free rows`);
  // Augmenting row reduction, two passes (a heuristic start: capped so it always ends).
  let steps = 0;
  const stepCap = 20 * n + 100;
  for (let pass = 0; pass < 2 && numFree > 0; pass++) {
    let k = 0;
    const prvNumFree = numFree;
    numFree = 0;
    while (k < prvNumFree) {
      if (++steps > stepCap) { while (k < prvNumFree) free[numFree++] = free[k++]; break; }
      const i = free[k++];
      const o = i * n;
      let umin = C[o] - v[0], j1 = 0, usubmin = Infinity, j2 = -1;
      for (let j = 1; j < n; j++) {
        const h = C[o + j] - v[j];
        if (h < usubmin) {
          if (h >= umin) { usubmin = h; j2 = j; } else { usubmin = umin; umin = h; j2 = j1; j1 = j; }
        }
      }
      let i0 = y[j1];
      if (umin < usubmin) v[j1] -= usubmin - umin;
      else if (i0 >= 0 && j2 >= 0) { j1 = j2; i0 = y[j2]; }
      x[i] = j1; y[j1] = i;
      if (i0 >= 0) {
        x[i0] = -1;
        if (umin < usubmin) free[--k] = i0; else free[numFree++] = i0;
      }
    }
  }
  if (DEBUG) console.error(`assignment: reductions done ${(performance.now() - t0).toFixed(0)} ms, ${steps} row-reduction steps, ${numFree} rows left free`);
  // Augmentation: shortest alternating path from each remaining free row to a free column.
  const pred = new Int32Array(n);
  const order = new Int32Array(n);
  const dist = new Float64Array(n);
  const vPos = new Float64Array(n);
  for (let f = 0; f < numFree; f++) augment(C, n, free[f], x, y, v, pred, order, dist, vPos);
  const augmentations = numFree;
  if (DEBUG) console.error(`assignment: augmentations done ${(performance.now() - t0).toFixed(0)} ms`);
  const rows = new Int32Array(n), cols = new Int32Array(n), mass = new Float64Array(n).fill(1);
  const u = new Float64Array(n);
  let cost = 0;
  for (let i = 0; i < n; i++) {
    rows[i] = i; cols[i] = x[i];
    u[i] = C[i * n + x[i]] - v[x[i]];
    cost += C[i * n + x[i]];
  }
  sortPlan(rows, cols, mass);
  return {
    cost: cost / n, plan: { rows, cols, mass }, u, v, status: 'optimal',
    log: { solver: 'assignment', iterations: augmentations, seconds: (performance.now() - t0) / 1000 },
  };
}

/**
 * One Dijkstra search over reduced costs C_ij − v_j from `freeRow`, then the augmentation along
 * the path found and the dual update of the columns settled before its end. Columns sit at
 * positions of `order`: [0, ready) settled, [ready, n) still open; their distances and duals
 * move with them (`dist`, `vPos`) so the dense loop reads those in order and only gathers the
 * cost row. Relaxing a row and finding the next closest open column share one pass.
 */
function augment(
  C: Float64Array, n: number, freeRow: number, x: Int32Array, y: Int32Array, v: Float64Array,
  pred: Int32Array, order: Int32Array, dist: Float64Array, vPos: Float64Array,
): void {
  const of = freeRow * n;
  let best = Infinity, kBest = 0;
  for (let j = 0; j < n; j++) {
    const vj = v[j], dj = C[of + j] - vj;
    order[j] = j; vPos[j] = vj; dist[j] = dj; pred[j] = freeRow;
    if (dj < best) { best = dj; kBest = j; }
  }
  let ready = 0, endOfPath = -1, mu = 0;
  for (;;) {
    // Settle the closest open column: move it to position `ready`.
    const j = order[kBest], vj = vPos[kBest];
    mu = dist[kBest];
    order[kBest] = order[ready]; dist[kBest] = dist[ready]; vPos[kBest] = vPos[ready];
    order[ready] = j; dist[ready] = mu; vPos[ready] = vj;
    ready++;
    const i = y[j];
    if (i < 0) { endOfPath = j; break; }
    const oi = i * n;
    const h = C[oi + j] - vj - mu;
    best = Infinity; kBest = ready;
    for (let k = ready; k < n; k++) {
      let dk = dist[k];
      const v2 = C[oi + order[k]] - vPos[k] - h;
      if (v2 < dk) { dk = v2; dist[k] = v2; pred[order[k]] = i; }
      if (dk < best) { best = dk; kBest = k; }
    }
  }
  for (let k = 0; k < ready - 1; k++) v[order[k]] += dist[k] - mu;
  let i: number;
  do {
    i = pred[endOfPath];
    y[endOfPath] = i;
    const j1 = endOfPath;
    endOfPath = x[i];
    x[i] = j1;
  } while (i !== freeRow);
}
