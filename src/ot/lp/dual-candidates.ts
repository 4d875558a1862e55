/**
 * Candidate entries for the balancing start's later sweeps (src/ot/lp/dual-start.ts): once the
 * potentials are close (after the thinned warm start), a column's best and second-best rows,
 * and the gaps near each row's target, come from entries whose M_ij − u_i is close to the
 * column's best. One pass over the k × N matrix keeps the entries within a window Δ of their
 * column's best (Δ set so that about CANDIDATES entries per column stay), stored row after
 * row; the sweeps then read those instead of the whole matrix, twice per sweep (the best and
 * second-best scan, and the rows' gap selections).
 *
 * A heuristic inside a heuristic: it only steers the potentials. The caller rescans the whole
 * matrix for the final best rows and margins, which the exact solver relies on, and a row
 * whose candidates cannot reach its mass is selected over its whole row instead.
 *
 * Owns: choosing the window, building the lists, the scan and the gap selections over them.
 * Knows nothing else.
 */
import { select, weightedSelect } from './dual-select.js';

/** Entries kept per column, on average. */
export const CANDIDATES = 8;
/** Columns sampled (every SAMPLE_STRIDE-th) to set the window. */
const SAMPLE_STRIDE = 16;

export class CandidateEntries {
  /** Row i's entries: columns col[p] with costs cost[p], p in [rowStart[i], rowStart[i + 1]). */
  private readonly rowStart: Int32Array;
  private col: Int32Array;
  private cost: Float64Array;
  /** Δ: entries with M_ij − u_i − best_j ≤ Δ are kept. */
  readonly window: number;

  /** The entries with M_ij − u_i ≤ best_j + Δ (C(i, j) = M[i·rs + j·cs]; best_j = bestVal[j],
   *  the smallest M_ij − u_i of column j for these u). */
  constructor(M: Float64Array, private readonly K: number, N: number, rs: number, cs: number,
    u: Float64Array, bestVal: Float64Array) {
    const window = this.window = chooseWindow(M, K, N, rs, cs, u, bestVal);
    this.rowStart = new Int32Array(K + 1);
    let room = Math.max(1024, Math.ceil(1.25 * CANDIDATES * N));
    this.col = new Int32Array(room);
    this.cost = new Float64Array(room);
    let len = 0;
    for (let i = 0; i < K; i++) {
      const o = i * rs, ui = u[i];
      if (len + N > room) { // at most N more entries from this row
        room = Math.max(2 * room, len + N);
        const c2 = new Int32Array(room); c2.set(this.col.subarray(0, len)); this.col = c2;
        const v2 = new Float64Array(room); v2.set(this.cost.subarray(0, len)); this.cost = v2;
      }
      const col = this.col, cost = this.cost;
      for (let j = 0; j < N; j++) {
        const c = M[o + j * cs];
        if (c - ui - bestVal[j] <= window) { col[len] = j; cost[len] = c; len++; }
      }
      this.rowStart[i + 1] = len;
    }
  }

  /** As the full best/second-best scan, over the candidates only: bestVal/secVal Infinity and
   *  bestRow 0 for what no candidate reaches (lowest row on ties, rows being scanned in order). */
  scan(u: Float64Array, bestVal: Float64Array, secVal: Float64Array, bestRow: Int32Array): void {
    const { K, rowStart, col, cost } = this;
    bestVal.fill(Infinity); secVal.fill(Infinity); bestRow.fill(0);
    for (let i = 0; i < K; i++) {
      const ui = u[i];
      for (let p = rowStart[i], e = rowStart[i + 1]; p < e; p++) {
        const j = col[p], v = cost[p] - ui;
        if (v < secVal[j]) {
          if (v < bestVal[j]) { secVal[j] = bestVal[j]; bestVal[j] = v; bestRow[j] = i; } else secVal[j] = v;
        }
      }
    }
  }

  /**
   * pair ← the (c−1)-th and c-th smallest gaps of row i (gap_j = M_ij − best value of column j
   * among the other rows) over row i's candidates; false when it has no more than c of them
   * (the caller selects over the whole row).
   */
  rowGaps(i: number, c: number, bestRow: Int32Array, bestVal: Float64Array, secVal: Float64Array, buf: Float64Array, pair: Float64Array): boolean {
    const from = this.rowStart[i], len = this.rowStart[i + 1] - from;
    if (len <= c) return false;
    const { col, cost } = this;
    for (let t = 0; t < len; t++) {
      const j = col[from + t];
      buf[t] = cost[from + t] - (bestRow[j] === i ? secVal[j] : bestVal[j]);
    }
    select(buf, c, len);
    pair[1] = buf[c];
    let lo = -Infinity;
    for (let t = 0; t < c; t++) if (buf[t] > lo) lo = buf[t];
    pair[0] = lo;
    return true;
  }

  /** The weighted rowGaps over row i's candidates (see dual-start's weightedRowGaps); −1 when
   *  their mass does not pass `mass` (the caller selects over the whole row). */
  weightedRowGaps(i: number, mass: number, dem: Float64Array, bestRow: Int32Array, bestVal: Float64Array, secVal: Float64Array,
    buf: Float64Array, wbuf: Float64Array, pair: Float64Array): number {
    const { col, cost } = this;
    let len = 0, sum = 0;
    for (let p = this.rowStart[i], e = this.rowStart[i + 1]; p < e; p++) {
      const j = col[p];
      if (!(dem[j] > 0)) continue;
      buf[len] = cost[p] - (bestRow[j] === i ? secVal[j] : bestVal[j]);
      wbuf[len++] = dem[j];
      sum += dem[j];
    }
    if (!(sum > mass)) return -1;
    const k = weightedSelect(buf, wbuf, len, mass);
    if (k >= len) return -1;
    pair[1] = buf[k];
    let lo = -Infinity;
    for (let t = 0; t < k; t++) if (buf[t] > lo) lo = buf[t];
    pair[0] = lo;
    return k;
  }

  /** Entries kept (for reports). */
  get size(): number { return this.rowStart[this.K]; }
}

/** Δ: the (CANDIDATES / K)-quantile of M_ij − u_i − best_j over every SAMPLE_STRIDE-th column. */
function chooseWindow(M: Float64Array, K: number, N: number, rs: number, cs: number, u: Float64Array, bestVal: Float64Array): number {
  const cols = Math.ceil(N / SAMPLE_STRIDE);
  const d = new Float64Array(cols * K);
  let n = 0;
  for (let i = 0; i < K; i++) {
    const o = i * rs, ui = u[i];
    for (let j = 0; j < N; j += SAMPLE_STRIDE) d[n++] = M[o + j * cs] - ui - bestVal[j];
  }
  const q = Math.min(n - 1, Math.floor((CANDIDATES / K) * n));
  select(d, q, n);
  return d[q];
}
