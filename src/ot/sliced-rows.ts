/**
 * One direction of the sliced W1, on projections already computed: sort (or rank) the two
 * projected rows, walk the 1-D coupling, return that direction's W1 and, when asked, write its
 * row of the gradient with respect to the projections. Shared by the main thread and the
 * sliced worker threads (sliced-threads.ts), so both run the very same arithmetic.
 *
 * Owns: the per-direction loop and its reusable workspace. Imports only the sort, so a worker
 * thread can load it without the engine. Knows nothing of threads, directions or images.
 */
import { makeSortScratch, radixSortFloat32, radixRankFloat32, type SortScratch } from './sort.js';

/** Exact 1-D W1 between sorted xs (n) and ys (m) with uniform weights; when gx is given,
 *  adds d/dxs[k] (in sorted positions) times `scale`. */
export function sorted1dW1(xs: Float32Array, n: number, ys: Float32Array, m: number,
  gx: Float64Array | null = null, scale = 1): number {
  let total = 0;
  if (n === m) {
    for (let k = 0; k < n; k++) {
      const diff = xs[k] - ys[k];
      total += diff < 0 ? -diff : diff;
      if (gx) gx[k] += diff > 0 ? scale / n : diff < 0 ? -scale / n : 0;
    }
    return total / n;
  }
  const inv = 1 / (n * m);
  let i = 0, j = 0, rx = m, ry = n;
  while (i < n && j < m) {
    const t = rx < ry ? rx : ry;
    const diff = xs[i] - ys[j];
    total += t * (diff < 0 ? -diff : diff);
    if (gx) gx[i] += diff > 0 ? scale * t * inv : diff < 0 ? -scale * t * inv : 0;
    rx -= t; ry -= t;
    if (rx === 0) { i++; rx = m; }
    if (ry === 0) { j++; ry = n; }
  }
  return total * inv;
}

/** Per-thread buffers for directions of an n-point set against an m-point set. */
export interface DirectionWork {
  readonly n: number; readonly m: number;
  readonly scratch: SortScratch;
  readonly xs: Float32Array; readonly ys: Float32Array; readonly xi: Int32Array;
  /** Sorted-order gradient of one direction (n ≠ m with gradients only). */
  readonly gSorted: Float64Array;
}

export function makeDirectionWork(n: number, m: number, wantGrad: boolean): DirectionWork {
  return {
    n, m, scratch: makeSortScratch(Math.max(n, m)),
    xs: new Float32Array(n), ys: new Float32Array(m), xi: new Int32Array(n),
    gSorted: new Float64Array(wantGrad && n !== m ? n : 0),
  };
}

/** Whether `w` has room for n against m (with gradients when asked). */
export function fitsWork(w: DirectionWork | null, n: number, m: number, wantGrad: boolean): w is DirectionWork {
  return w !== null && w.n === n && w.m === m && (!wantGrad || n === m || w.gSorted.length === n);
}

/**
 * W1 between row p of px (P×n) and row p of py (P×m); when gProj (P×n) is given, writes its
 * row p: d (value / P) / d px (P = numProj, the mean over directions taken by the caller).
 */
export function swdDirection(px: Float32Array, py: Float32Array, gProj: Float32Array | null,
  n: number, m: number, numProj: number, p: number, w: DirectionWork): number {
  const { scratch, xs, ys, xi } = w;
  const o = p * n;
  if (gProj && n === m) {
    // Equal sizes: the x of rank r meets the r-th smallest y; its derivative is ±1/n. Visiting
    // x in its own order reads ys at random but writes the gradient in order (no scatter).
    radixRankFloat32(px, o, 1, n, xi, scratch);
    radixSortFloat32(py, p * m, 1, m, ys, null, scratch);
    const c = 1 / (n * numProj);
    let sum = 0;
    for (let k = 0; k < n; k++) {
      const diff = px[o + k] - ys[xi[k]];
      sum += diff < 0 ? -diff : diff;
      gProj[o + k] = diff > 0 ? c : diff < 0 ? -c : 0;
    }
    return sum / n;
  }
  radixSortFloat32(px, o, 1, n, xs, gProj ? xi : null, scratch);
  radixSortFloat32(py, p * m, 1, m, ys, null, scratch);
  if (!gProj) return sorted1dW1(xs, n, ys, m);
  const gSorted = w.gSorted;
  gSorted.fill(0);
  const v = sorted1dW1(xs, n, ys, m, gSorted, 1 / numProj);
  for (let k = 0; k < n; k++) gProj[o + xi[k]] = gSorted[k];
  return v;
}
