/**
 * Data structures of the few-sources solver: the per-ordered-pair heaps of candidate moves
 * (allocated only for pairs that ever receive a column), the sparse column flows of a k × N
 * plan, and turning those flows into a basic sorted plan.
 *
 * Owns: those structures and that extraction. Knows nothing of the algorithm that drives them.
 */
import { makeBasic } from './basic.js';


/**
 * Binary min-heaps keyed by float64, one per ordered pair of small-side points, all held in
 * one arena (a heap that fills moves to the arena's end with twice the room; a full arena is
 * compacted into one 1.5 times the heaps' room), so the solver allocates a few large arrays
 * instead of thousands of small ones. A pair takes room only once it receives an entry.
 */
export class PairHeaps {
  /** Arena of keys and ids; pair h's heap is [start[h], start[h] + size[h]). */
  keys: Float64Array;
  ids: Int32Array;
  readonly start: Int32Array;
  readonly size: Int32Array;
  private readonly cap: Int32Array;
  private used = 0;
  /** firstCapacity: entries given to a pair the first time it receives one (doubling after). */
  constructor(count: number, private readonly firstCapacity = 8) {
    this.start = new Int32Array(count);
    this.size = new Int32Array(count);
    this.cap = new Int32Array(count);
    const room = Math.max(1024, 4 * firstCapacity * Math.min(count, 4096));
    this.keys = new Float64Array(room);
    this.ids = new Int32Array(room);
  }
  private grow(h: number): void {
    const c = Math.max(this.firstCapacity, Math.ceil(this.cap[h] * 1.5));
    if (this.used + c > this.keys.length) { this.compact(h, c); return; }
    const from = this.start[h], n = this.size[h];
    this.keys.copyWithin(this.used, from, from + n);
    this.ids.copyWithin(this.used, from, from + n);
    this.start[h] = this.used; this.cap[h] = c; this.used += c;
  }
  /** A new arena half as large again as the room the heaps hold (pair h's grown to c), every
   *  heap copied in: the segments left behind by moved heaps are dropped. */
  private compact(h: number, c: number): void {
    const count = this.size.length;
    let live = c - this.cap[h];
    for (let g = 0; g < count; g++) live += this.cap[g];
    const room = Math.max(1024, Math.ceil(1.25 * live));
    const keys = new Float64Array(room), ids = new Int32Array(room);
    let at = 0;
    for (let g = 0; g < count; g++) {
      const cg = g === h ? c : this.cap[g];
      if (cg === 0) continue;
      const from = this.start[g], n = this.size[g];
      keys.set(this.keys.subarray(from, from + n), at);
      ids.set(this.ids.subarray(from, from + n), at);
      this.start[g] = at; this.cap[g] = cg; at += cg;
    }
    this.keys = keys; this.ids = ids; this.used = at;
  }
  push(h: number, key: number, id: number): void {
    if (this.size[h] === this.cap[h]) this.grow(h);
    const K = this.keys, I = this.ids, o = this.start[h];
    let c = this.size[h]++;
    while (c > 0) {
      const p = (c - 1) >> 1;
      if (K[o + p] <= key) break;
      K[o + c] = K[o + p]; I[o + c] = I[o + p]; c = p;
    }
    K[o + c] = key; I[o + c] = id;
  }
  pop(h: number): void {
    const s = --this.size[h];
    if (s === 0) return;
    const K = this.keys, I = this.ids, o = this.start[h];
    const key = K[o + s], id = I[o + s];
    let p = 0;
    for (;;) {
      let c = 2 * p + 1;
      if (c >= s) break;
      if (c + 1 < s && K[o + c + 1] < K[o + c]) c++;
      if (K[o + c] >= key) break;
      K[o + p] = K[o + c]; I[o + p] = I[o + c]; p = c;
    }
    K[o + p] = key; I[o + p] = id;
  }
  /** Smallest key of pair h's heap, and its id (the heap must not be empty). */
  topKey(h: number): number { return this.keys[this.start[h]]; }
  topId(h: number): number { return this.ids[this.start[h]]; }
  /** Entries held and the arena's room (for memory reports). */
  count(): string {
    let s = 0;
    for (let h = 0; h < this.size.length; h++) s += this.size[h];
    return `${s} (${this.keys.length} allocated)`;
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
