/**
 * A starting point for the few-sources solver: potentials u on the k small-side points such
 * that assigning every large-side point to its best row (smallest M_ij − u_i) nearly meets the
 * row masses. Damped Jacobi ascent on the (concave) dual: in each sweep every row computes the
 * u_i that would give it exactly its own mass with the others held at their current values
 * (read off the "gaps" of the columns by selection), and moves half-way there. Each sweep reads
 * the cost matrix twice in memory order. It only needs to be good, not exact: the exact solver
 * corrects what is left.
 *
 * Owns: that heuristic. Knows nothing else.
 */

const DEBUG = !!process.env.DISCRETE_GANS_OT_DEBUG;

/** C(i, j) = M[i·rs + j·cs] for i < K, j < N; sup (K), dem (N, uniform) masses. Returns u (K). */
export function balancingPotentials(M: Float64Array, K: number, N: number, rs: number, cs: number,
  sup: Float64Array, dem: Float64Array, sweeps = 8): Float64Array {
  const u = new Float64Array(K);
  if (K < 2) return u;
  const bestVal = new Float64Array(N), secVal = new Float64Array(N);
  const bestRow = new Int32Array(N);
  const gap = new Float64Array(N);
  const target = new Float64Array(K);
  const unit = dem[0];
  for (let sweep = 0; sweep < sweeps; sweep++) {
    bestVal.fill(Infinity); secVal.fill(Infinity); bestRow.fill(-1);
    for (let i = 0; i < K; i++) {
      const o = i * rs, ui = u[i];
      for (let j = 0; j < N; j++) {
        const v = M[o + j * cs] - ui;
        if (v < secVal[j]) {
          if (v < bestVal[j]) { secVal[j] = bestVal[j]; bestVal[j] = v; bestRow[j] = i; } else secVal[j] = v;
        }
      }
    }
    let worst = 0;
    for (let i = 0; i < K; i++) {
      const o = i * rs;
      let load = 0;
      for (let j = 0; j < N; j++) {
        const mine = bestRow[j] === i;
        if (mine) load += unit;
        gap[j] = M[o + j * cs] - (mine ? secVal[j] : bestVal[j]); // row i wins j iff gap < u_i
      }
      worst = Math.max(worst, Math.abs(load - sup[i]) / sup[i]);
      let c = Math.floor(sup[i] / unit + 1e-9);
      if (c >= N) c = N - 1;
      select(gap, c);
      const hi = gap[c];
      let lo = -Infinity;
      for (let k = 0; k < c; k++) if (gap[k] > lo) lo = gap[k];
      target[i] = c > 0 ? (lo + hi) / 2 : hi - Math.abs(hi) * 1e-9 - 1e-12;
    }
    if (DEBUG) console.error('balance sweep', sweep, worst.toFixed(4), performance.now().toFixed(0));
    if (worst < 0.01) break;
    for (let i = 0; i < K; i++) if (Number.isFinite(target[i])) u[i] += 0.5 * (target[i] - u[i]);
  }
  return u;
}

/** Partially order a so that a[k] is the k-th smallest, smaller ones before it (Hoare). */
function select(a: Float64Array, k: number): void {
  let lo = 0, hi = a.length - 1;
  while (hi > lo) {
    const mid = (lo + hi) >> 1;
    let p = a[mid];
    const x = a[lo], z = a[hi];
    if ((x <= p && p <= z) || (z <= p && p <= x)) { /* median is p */ } else if ((p <= x && x <= z) || (z <= x && x <= p)) p = x; else p = z;
    let i = lo, j = hi;
    while (i <= j) {
      while (a[i] < p) i++;
      while (a[j] > p) j--;
      if (i <= j) { const t = a[i]; a[i] = a[j]; a[j] = t; i++; j--; }
    }
    if (k <= j) hi = j; else if (k >= i) lo = i; else return;
  }
}
