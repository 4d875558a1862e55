/**
 * Exact transport between few points and many (k × N with small k, such as 64 centroids
 * against 60,000 images), by successive shortest paths over the k potentials.
 *
 * Start: every large-side point goes wholly to its nearest small-side point (potentials u = 0),
 * which is optimal except that the small side's masses are not met. Each augmentation moves
 * mass from an over-full small point to an under-full one along the cheapest chain of moves
 * "column j leaves row i for row i'", whose reduced cost is (M_i'j − u_i') − (M_ij − u_i) ≥ 0.
 * Dijkstra runs on the k small points only: the cheapest move between two rows is the top of
 * a heap keyed by the static difference M_i'j − M_ij, so potentials never touch the heaps.
 * Every augmentation moves a positive amount and keeps complementary slackness, so the
 * algorithm ends exactly optimal (no cap). Duals: u on the small side, v_j = min_i M_ij − u_i.
 *
 * Owns: that algorithm. Knows nothing of points or training.
 */
import { makeBasic } from './basic.js';
import { balancingPotentials } from './dual-start.js';
import { sortPlan, centreDuals, type TransportResult } from './network-simplex.js';

const DEBUG = !!process.env.DISCRETE_GANS_OT_DEBUG;

/** Binary min-heaps keyed by float64, one per ordered pair of small-side points. */
class PairHeaps {
  keys: Float64Array[];
  ids: Int32Array[];
  size: Int32Array;
  constructor(count: number, initialCapacity: Int32Array) {
    this.keys = new Array(count);
    this.ids = new Array(count);
    this.size = new Int32Array(count);
    for (let h = 0; h < count; h++) {
      const c = Math.max(4, initialCapacity[h]);
      this.keys[h] = new Float64Array(c);
      this.ids[h] = new Int32Array(c);
    }
  }
  /** Append without ordering (call heapify before use). */
  append(h: number, key: number, id: number): void {
    let s = this.size[h];
    if (s === this.keys[h].length) this.grow(h);
    this.keys[h][s] = key; this.ids[h][s] = id; this.size[h] = s + 1;
  }
  private grow(h: number): void {
    const k = new Float64Array(this.keys[h].length * 2); k.set(this.keys[h]); this.keys[h] = k;
    const i = new Int32Array(this.ids[h].length * 2); i.set(this.ids[h]); this.ids[h] = i;
  }
  heapify(h: number): void {
    for (let p = (this.size[h] >> 1) - 1; p >= 0; p--) this.down(h, p);
  }
  push(h: number, key: number, id: number): void {
    if (this.size[h] === this.keys[h].length) this.grow(h);
    const K = this.keys[h], I = this.ids[h];
    let c = this.size[h]++;
    while (c > 0) {
      const p = (c - 1) >> 1;
      if (K[p] <= key) break;
      K[c] = K[p]; I[c] = I[p]; c = p;
    }
    K[c] = key; I[c] = id;
  }
  pop(h: number): void {
    const s = --this.size[h];
    if (s > 0) {
      this.keys[h][0] = this.keys[h][s]; this.ids[h][0] = this.ids[h][s];
      this.down(h, 0);
    }
  }
  private down(h: number, p: number): void {
    const K = this.keys[h], I = this.ids[h], s = this.size[h];
    const key = K[p], id = I[p];
    for (;;) {
      let c = 2 * p + 1;
      if (c >= s) break;
      if (c + 1 < s && K[c + 1] < K[c]) c++;
      if (K[c] >= key) break;
      K[p] = K[c]; I[p] = I[c]; p = c;
    }
    K[p] = key; I[p] = id;
  }
}

/**
 * Flows of a k × N plan, stored sparsely: every large-side column has a primary row (almost
 * all of them carry their whole mass there) and, rarely, further rows in a map. Memory O(N)
 * plus the split entries, instead of a second k × N matrix.
 */
class ColumnFlows {
  readonly prim: Int32Array;
  readonly amt: Float64Array;
  readonly extra = new Map<number, number>();
  readonly extraCount: Int32Array;
  constructor(readonly K: number, N: number) {
    this.prim = new Int32Array(N).fill(-1);
    this.amt = new Float64Array(N);
    this.extraCount = new Int32Array(N);
  }
  get(i: number, j: number): number {
    if (this.prim[j] === i) return this.amt[j];
    return this.extraCount[j] > 0 ? (this.extra.get(j * this.K + i) ?? 0) : 0;
  }
  set(i: number, j: number, v: number): void {
    const K = this.K;
    if (this.prim[j] === i || this.prim[j] < 0) {
      if (v > 0 || this.extraCount[j] === 0) { this.prim[j] = v > 0 ? i : -1; this.amt[j] = v > 0 ? v : 0; return; }
      // The primary entry empties: promote one of the extra rows.
      for (let r = 0; r < K; r++) {
        const e = this.extra.get(j * K + r);
        if (e !== undefined) { this.extra.delete(j * K + r); this.extraCount[j]--; this.prim[j] = r; this.amt[j] = e; return; }
      }
      return;
    }
    const key = j * K + i;
    const had = this.extra.has(key);
    if (v > 0) { this.extra.set(key, v); if (!had) this.extraCount[j]++; }
    else if (had) { this.extra.delete(key); this.extraCount[j]--; }
  }
}

/**
 * Solve the n×m problem with weights a, b and cost M (row-major); the smaller side plays the
 * role of the k potentials (the matrix is read through strides, never transposed).
 */
export function fewSources(a: Float64Array, b: Float64Array, M: Float64Array, n: number, m: number): TransportResult {
  const t0 = performance.now();
  const flip = n > m;
  const K = flip ? m : n, N = flip ? n : m;
  const sup = flip ? b : a; // small side masses
  const dem = flip ? a : b; // large side masses
  const rs = flip ? 1 : m, cs = flip ? m : 1; // C(i, j) = M[i*rs + j*cs]
  let total = 0;
  for (let j = 0; j < N; j++) total += dem[j];
  const tol = 1e-13 * total;

  const x = new ColumnFlows(K, N);
  const excess = new Float64Array(K);
  for (let i = 0; i < K; i++) excess[i] = -sup[i];
  // Uniform large-side masses (the k × N case of OT-means and W1 between a batch and a data
  // set): start from balancing potentials, so few columns are left to move.
  let uniformDem = true;
  for (let j = 1; j < N; j++) if (dem[j] !== dem[0]) { uniformDem = false; break; }
  const u = uniformDem && N >= 4 * K ? balancingPotentials(M, K, N, rs, cs, sup, dem) : new Float64Array(K);
  if (DEBUG) console.error('few-sources: start potentials', (performance.now() - t0).toFixed(0), 'ms');
  const rowOf = new Int32Array(N);
  const count = new Int32Array(K);
  for (let j = 0; j < N; j++) {
    if (!(dem[j] > 0)) { rowOf[j] = -1; continue; }
    const o = j * cs;
    let best = 0, bc = M[o] - u[0];
    for (let i = 1; i < K; i++) { const c = M[o + i * rs] - u[i]; if (c < bc) { bc = c; best = i; } }
    rowOf[j] = best; count[best]++;
    x.set(best, j, dem[j]);
    excess[best] += dem[j];
  }
  const capacity = new Int32Array(K * K);
  for (let i = 0; i < K; i++) for (let i2 = 0; i2 < K; i2++) capacity[i * K + i2] = i === i2 ? 0 : count[i] + 16;
  const heaps = new PairHeaps(K * K, capacity);
  for (let j = 0; j < N; j++) {
    const i = rowOf[j];
    if (i < 0) continue;
    const o = j * cs, ci = M[o + i * rs];
    for (let i2 = 0; i2 < K; i2++) if (i2 !== i) heaps.append(i * K + i2, M[o + i2 * rs] - ci, j);
  }
  for (let h = 0; h < K * K; h++) heaps.heapify(h);

  const dist = new Float64Array(K);
  const done = new Uint8Array(K);
  const prevRow = new Int32Array(K);
  const prevCol = new Int32Array(K);
  const keys = heaps.keys, ids = heaps.ids, hsize = heaps.size;
  let iterations = 0;

  // topKey[i·K + i2]: the smallest static key M_i2j − M_ij over columns j in row i, kept
  // current (stale heap tops are popped when a column leaves a row), so Dijkstra reads one
  // small K×K array instead of chasing flows across memory.
  const topKey = new Float64Array(K * K).fill(Infinity);
  const topCol = new Int32Array(K * K).fill(-1);
  const refresh = (h: number, i: number): void => {
    while (hsize[h] > 0 && x.get(i, ids[h][0]) <= 0) heaps.pop(h);
    if (hsize[h] > 0) { topKey[h] = keys[h][0]; topCol[h] = ids[h][0]; } else { topKey[h] = Infinity; topCol[h] = -1; }
  };
  for (let i = 0; i < K; i++) for (let i2 = 0; i2 < K; i2++) if (i2 !== i) refresh(i * K + i2, i);
  const leftRows: number[] = [];

  for (;;) {
    let anyExcess = false;
    for (let i = 0; i < K; i++) if (excess[i] > tol) { anyExcess = true; break; }
    if (!anyExcess) break;
    iterations++;
    // Dijkstra from all over-full rows at once, to the first under-full row settled.
    for (let i = 0; i < K; i++) {
      done[i] = 0; prevRow[i] = -1;
      dist[i] = excess[i] > tol ? 0 : Infinity;
    }
    let target = -1, dt = 0;
    for (;;) {
      let best = -1, bd = Infinity;
      for (let i = 0; i < K; i++) if (!done[i] && dist[i] < bd) { bd = dist[i]; best = i; }
      if (best < 0) break;
      done[best] = 1;
      if (excess[best] < -tol) { target = best; dt = bd; break; }
      for (let i2 = 0; i2 < K; i2++) {
        if (done[i2]) continue;
        const h = best * K + i2;
        if (topKey[h] === Infinity) continue;
        let w = topKey[h] - u[i2] + u[best];
        if (w < 0) w = 0; // round-off: reduced costs are non-negative
        const nd = bd + w;
        if (nd < dist[i2]) { dist[i2] = nd; prevRow[i2] = best; prevCol[i2] = topCol[h]; }
      }
    }
    if (target < 0) break; // only round-off excess left: checked below
    for (let i = 0; i < K; i++) u[i] += dist[i] < dt ? dist[i] : dt;
    // Bottleneck along the path.
    let amt = -excess[target];
    let s = target;
    while (prevRow[s] >= 0) {
      const f = x.get(prevRow[s], prevCol[s]);
      if (f < amt) amt = f;
      s = prevRow[s];
    }
    if (excess[s] < amt) amt = excess[s];
    for (let t = target; prevRow[t] >= 0; t = prevRow[t]) {
      const i = prevRow[t], j = prevCol[t];
      const fi = x.get(i, j) - amt;
      x.set(i, j, fi > 0 ? fi : 0);
      if (!(fi > 0)) leftRows.push(i);
      const before = x.get(t, j);
      x.set(t, j, before + amt);
      if (before <= 0) {
        const o = j * cs, ct = M[o + t * rs];
        for (let i2 = 0; i2 < K; i2++) {
          if (i2 === t) continue;
          const key = M[o + i2 * rs] - ct, h = t * K + i2;
          heaps.push(h, key, j);
          if (key < topKey[h]) { topKey[h] = key; topCol[h] = j; }
        }
      }
    }
    excess[s] -= amt;
    excess[target] += amt;
    for (const i of leftRows) for (let i2 = 0; i2 < K; i2++) if (i2 !== i) { const h = i * K + i2; if (topCol[h] >= 0 && x.get(i, topCol[h]) <= 0) refresh(h, i); }
    leftRows.length = 0;
  }
  if (DEBUG) console.error('few-sources: augmentations done', (performance.now() - t0).toFixed(0), 'ms,', iterations);
  let left = 0;
  for (let i = 0; i < K; i++) left += Math.abs(excess[i]);
  const status = left <= 1e-9 * total ? 'optimal' : 'infeasible';

  // Plan, cost and duals in the caller's orientation.
  let nnz = x.extra.size;
  for (let j = 0; j < N; j++) if (x.prim[j] >= 0) nnz++;
  const rows = new Int32Array(nnz), cols = new Int32Array(nnz), mass = new Float64Array(nnz);
  let k = 0, cost = 0;
  const put = (i: number, j: number, f: number): void => {
    if (flip) { rows[k] = j; cols[k] = i; } else { rows[k] = i; cols[k] = j; }
    mass[k] = f; cost += f * M[i * rs + j * cs]; k++;
  };
  for (let j = 0; j < N; j++) if (x.prim[j] >= 0) put(x.prim[j], j, x.amt[j]);
  for (const [key, f] of x.extra) put(key % K, Math.floor(key / K), f);
  const basic = makeBasic(n, m, rows, cols, mass);
  sortPlan(basic.rows, basic.cols, basic.mass);
  cost = 0;
  for (let t = 0; t < basic.mass.length; t++) cost += basic.mass[t] * M[basic.rows[t] * m + basic.cols[t]];
  const vBig = new Float64Array(N);
  for (let j = 0; j < N; j++) {
    const o = j * cs;
    let best = Infinity;
    for (let i = 0; i < K; i++) { const c = M[o + i * rs] - u[i]; if (c < best) best = c; }
    vBig[j] = best;
  }
  const uOut = flip ? vBig : u.slice();
  const vOut = flip ? u.slice() : vBig;
  centreDuals(uOut, vOut);
  return {
    cost, plan: basic, u: uOut, v: vOut, status,
    log: { solver: 'few-sources', iterations, seconds: (performance.now() - t0) / 1000 },
  };
}
