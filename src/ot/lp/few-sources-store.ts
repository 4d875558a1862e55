/**
 * Data structures of the few-sources solver: the per-ordered-pair heaps of candidate moves
 * (allocated only for pairs that ever receive a column), the sparse column flows of a k × N
 * plan, and turning those flows into a basic sorted plan.
 *
 * Owns: those structures and that extraction. Knows nothing of the algorithm that drives them.
 */
import { makeBasic } from './basic.js';


/** Binary min-heaps keyed by float64, one per ordered pair of small-side points, created lazily. */
export class PairHeaps {
  readonly keys: Float64Array[];
  readonly ids: Int32Array[];
  readonly size: Int32Array;
  private static readonly EMPTY_KEYS = new Float64Array(0);
  private static readonly EMPTY_IDS = new Int32Array(0);
  /** firstCapacity: entries allocated the first time a pair receives one (doubling after). */
  constructor(count: number, private readonly firstCapacity = 8) {
    this.keys = new Array<Float64Array>(count).fill(PairHeaps.EMPTY_KEYS);
    this.ids = new Array<Int32Array>(count).fill(PairHeaps.EMPTY_IDS);
    this.size = new Int32Array(count);
  }
  private grow(h: number): void {
    const c = Math.max(this.firstCapacity, this.keys[h].length * 2);
    const k = new Float64Array(c); k.set(this.keys[h]); this.keys[h] = k;
    const i = new Int32Array(c); i.set(this.ids[h]); this.ids[h] = i;
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
    if (s === 0) return;
    const K = this.keys[h], I = this.ids[h];
    const key = K[s], id = I[s];
    let p = 0;
    for (;;) {
      let c = 2 * p + 1;
      if (c >= s) break;
      if (c + 1 < s && K[c + 1] < K[c]) c++;
      if (K[c] >= key) break;
      K[p] = K[c]; I[p] = I[c]; p = c;
    }
    K[p] = key; I[p] = id;
  }
  /** Entries held and allocated (for memory reports). */
  count(): string {
    let s = 0, c = 0;
    for (let h = 0; h < this.size.length; h++) { s += this.size[h]; c += this.keys[h].length; }
    return `${s} (${c} allocated)`;
  }
}

/**
 * Flows of a k × N plan, stored sparsely: every large-side column has a primary row (almost
 * all of them carry their whole mass there) and, rarely, further rows in a map. Memory O(N)
 * plus the split entries, instead of a second k × N matrix.
 */
export class ColumnFlows {
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
 * The plan in the caller's orientation, sorted by (row, column), with at most K + N − 1
 * entries: columns held by one row are leaves of the support, so only the split columns can
 * close cycles, and only they go through `makeBasic`.
 */
export function extractPlan(x: ColumnFlows, K: number, N: number, flip: boolean): { rows: Int32Array; cols: Int32Array; mass: Float64Array } {
  // Split columns, renumbered 0..S−1 in increasing order.
  const splitIndex = new Int32Array(N).fill(-1);
  const splitCols: number[] = [];
  for (let j = 0; j < N; j++) if (x.extraCount[j] > 0) { splitIndex[j] = splitCols.length; splitCols.push(j); }
  const S = splitCols.length;
  const sr: number[] = [], sc: number[] = [], sm: number[] = [];
  for (const j of splitCols) { sr.push(x.prim[j]); sc.push(splitIndex[j]); sm.push(x.amt[j]); }
  for (const [key, f] of x.extra) { const j = Math.floor(key / K); sr.push(key - j * K); sc.push(splitIndex[j]); sm.push(f); }
  const basic = makeBasic(K, S, Int32Array.from(sr), Int32Array.from(sc), Float64Array.from(sm));
  // Kept split entries grouped by column, rows increasing.
  const order = Array.from(basic.mass, (_, t) => t).sort((p, q) => (basic.cols[p] - basic.cols[q]) || (basic.rows[p] - basic.rows[q]));
  const splitStart = new Int32Array(S + 1);
  for (const t of order) splitStart[basic.cols[t] + 1]++;
  for (let s = 0; s < S; s++) splitStart[s + 1] += splitStart[s];
  let nnz = basic.mass.length;
  for (let j = 0; j < N; j++) if (splitIndex[j] < 0 && x.prim[j] >= 0) nnz++;
  // Entries in (column, row) order of the small-side view.
  const ei = new Int32Array(nnz), ej = new Int32Array(nnz), em = new Float64Array(nnz);
  let k = 0;
  for (let j = 0; j < N; j++) {
    const s = splitIndex[j];
    if (s < 0) { if (x.prim[j] >= 0) { ei[k] = x.prim[j]; ej[k] = j; em[k] = x.amt[j]; k++; } continue; }
    for (let p = splitStart[s]; p < splitStart[s + 1]; p++) { const t = order[p]; ei[k] = basic.rows[t]; ej[k] = j; em[k] = basic.mass[t]; k++; }
  }
  if (flip) return { rows: ej, cols: ei, mass: em };
  // Stable counting sort by small-side row.
  const at = new Int32Array(K + 1);
  for (let t = 0; t < nnz; t++) at[ei[t] + 1]++;
  for (let i = 0; i < K; i++) at[i + 1] += at[i];
  const rows = new Int32Array(nnz), cols = new Int32Array(nnz), mass = new Float64Array(nnz);
  for (let t = 0; t < nnz; t++) { const p = at[ei[t]]++; rows[p] = ei[t]; cols[p] = ej[t]; mass[p] = em[t]; }
  return { rows, cols, mass };
}
