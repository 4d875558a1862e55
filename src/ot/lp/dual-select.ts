/**
 * Selections over float64 arrays for the few-sources solver's start: the k-th smallest
 * (Hoare's quickselect) and its weighted version (the first element whose cumulative weight
 * passes a target). Both reorder in place and allocate nothing.
 *
 * Owns: those two selections. Knows nothing of transport.
 */

/**
 * Reorder g[0..len) (weights w alongside) and return k with g[0..k) ≤ g[k] ≤ g(k..len) and
 * Σ w[0..k) ≤ target < Σ w[0..k]: the first element whose cumulative weight passes target;
 * len when the whole weight is at most target. Weights are ≥ 0 and a negative target counts
 * as 0. Three-way partitions, so ties cannot stall it.
 */
export function weightedSelect(g: Float64Array, w: Float64Array, len: number, target: number): number {
  if (!(target > 0)) target = 0;
  let lo = 0, hi = len - 1, below = 0; // below: weight of g[0..lo), all ≤ g[lo..hi]
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const x = g[lo], y = g[mid], z = g[hi];
    const p = (x <= y) === (y <= z) ? y : (y <= x) === (x <= z) ? x : z; // median of three
    // Dutch flag: [lo, lt) < p, [lt, gt] = p, (gt, hi] > p.
    let lt = lo, t = lo, gt = hi;
    while (t <= gt) {
      const v = g[t];
      if (v < p) { swap(g, w, t, lt); lt++; t++; } else if (v > p) { swap(g, w, t, gt); gt--; } else t++;
    }
    let less = 0, eq = 0;
    for (let q = lo; q < lt; q++) less += w[q];
    for (let q = lt; q <= gt; q++) eq += w[q];
    if (below + less > target) { hi = lt - 1; continue; }
    if (below + less + eq > target) {
      let acc = below + less;
      for (let q = lt; q <= gt; q++) { if (acc + w[q] > target) return q; acc += w[q]; }
      return gt;
    }
    below += less + eq;
    lo = gt + 1;
  }
  return len;
}

function swap(g: Float64Array, w: Float64Array, a: number, b: number): void {
  const t = g[a]; g[a] = g[b]; g[b] = t;
  const s = w[a]; w[a] = w[b]; w[b] = s;
}

/** Partially order a[0..len) so that a[k] is the k-th smallest, smaller ones before it (Hoare). */
export function select(a: Float64Array, k: number, len = a.length): void {
  let lo = 0, hi = len - 1;
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
