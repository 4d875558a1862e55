/**
 * A starting point for the few-sources solver: potentials u on the k small-side points such
 * that assigning every large-side point to its best row (smallest M_ij − u_i) nearly meets the
 * row masses. Gauss–Seidel ascent on the (concave) dual: each row in turn takes the u_i that
 * gives it its own mass with the others held fixed, read off the sorted "gaps" of the columns.
 * It only needs to be good, not exact: the exact solver corrects what is left.
 *
 * Owns: that heuristic. Knows nothing else.
 */

/** C(i, j) = M[i·rs + j·cs] for i < K, j < N; sup (K), dem (N) masses. Returns u (K). */
export function balancingPotentials(M: Float64Array, K: number, N: number, rs: number, cs: number,
  sup: Float64Array, dem: Float64Array, sweeps = 12): Float64Array {
  const u = new Float64Array(K);
  if (K < 2) return u;
  const bestVal = new Float64Array(N), secVal = new Float64Array(N);
  const bestRow = new Int32Array(N), secRow = new Int32Array(N);
  const rescan = (j: number): void => {
    const o = j * cs;
    let b = Infinity, s = Infinity, br = -1, sr = -1;
    for (let i = 0; i < K; i++) {
      const v = M[o + i * rs] - u[i];
      if (v < b) { s = b; sr = br; b = v; br = i; } else if (v < s) { s = v; sr = i; }
    }
    bestVal[j] = b; bestRow[j] = br; secVal[j] = s; secRow[j] = sr;
  };
  for (let j = 0; j < N; j++) rescan(j);
  const gap = new Float64Array(N);
  const order = new Float64Array(N);
  for (let sweep = 0; sweep < sweeps; sweep++) {
    let worst = 0;
    for (let i = 0; i < K; i++) {
      let load = 0;
      for (let j = 0; j < N; j++) {
        const other = bestRow[j] === i ? secVal[j] : bestVal[j];
        gap[j] = M[j * cs + i * rs] - other; // row i wins column j iff gap < u_i
        if (bestRow[j] === i) load += dem[j];
      }
      worst = Math.max(worst, Math.abs(load - sup[i]) / sup[i]);
      // Threshold: the smallest gaps whose masses add up to sup[i].
      order.set(gap);
      const unit = dem[0];
      let c = Math.floor(sup[i] / unit + 1e-9);
      if (c >= N) c = N - 1;
      select(order, c);
      const hi = order[c];
      let lo = -Infinity;
      for (let k = 0; k < c; k++) if (order[k] > lo) lo = order[k];
      const newU = c > 0 ? (lo + hi) / 2 : hi - Math.abs(hi) * 1e-9 - 1e-12;
      if (!Number.isFinite(newU)) continue;
      const delta = newU - u[i];
      if (delta === 0) continue;
      u[i] = newU;
      for (let j = 0; j < N; j++) {
        if (bestRow[j] === i || secRow[j] === i) { rescan(j); continue; }
        const v = M[j * cs + i * rs] - newU;
        if (v < bestVal[j]) { secVal[j] = bestVal[j]; secRow[j] = bestRow[j]; bestVal[j] = v; bestRow[j] = i; }
        else if (v < secVal[j]) { secVal[j] = v; secRow[j] = i; }
      }
    }
    if (worst < 0.01) break;
  }
  return u;
}

/** Partially order a so that a[k] is the k-th smallest, smaller ones before it (Hoare). */
function select(a: Float64Array, k: number): void {
  let lo = 0, hi = a.length - 1;
  while (hi > lo) {
    const mid = (lo + hi) >> 1;
    // median of three as pivot
    let p = a[mid];
    const x = a[lo], z = a[hi];
    if ((x <= p && p <= z) || (z <= p && p <= x)) { /* p */ } else if ((p <= x && x <= z) || (z <= x && x <= p)) p = x; else p = z;
    let i = lo, j = hi;
    while (i <= j) {
      while (a[i] < p) i++;
      while (a[j] > p) j--;
      if (i <= j) { const t = a[i]; a[i] = a[j]; a[j] = t; i++; j--; }
    }
    if (k <= j) hi = j; else if (k >= i) lo = i; else return;
  }
}
