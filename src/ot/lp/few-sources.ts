/**
 * Exact transport between few points and many (k × N with small k, such as 64 centroids
 * against 60,000 images), by successive shortest paths over the k potentials.
 *
 * Start: potentials u0 on the small side (balanced by `balancingPotentials` when the large
 * side has at least 4k points, else zero) and every large-side point wholly at its home row (smallest
 * M_ij − u0_i); that is optimal except that the small side's masses are not met. Each
 * augmentation moves mass from an over-full row to an under-full one along the cheapest chain
 * of moves "column j leaves row i for row i'", whose reduced cost is
 * (M_i'j − u_i') − (M_ij − u_i) ≥ 0. Dijkstra runs on the k rows only: the cheapest move
 * between two rows is the top of a heap keyed by the static difference M_i'j − M_ij, so
 * potentials never touch the heaps. One Dijkstra (a phase) serves every under-full row whose
 * tree path is still intact.
 *
 * Most columns never move, so a column still at its home b is in the heap of pair (b, i2)
 * only if its start margin towards i2, (M_i2j − u0_i2) − (M_bj − u0_b), is at most a per-pair
 * bound T_bi2. Potentials only grow, so every left-out move costs at least
 * T_bi2 + (u_b − u0_b) − (u_i2 − u0_i2): Dijkstra takes that lower bound as a virtual edge.
 * A row about to be settled through a virtual edge is not settled: that pair's bound is
 * raised (bringing more columns in, each costing at least the old bound) and the row goes
 * back among the open ones, so every settled row is reached by real moves only. Distances
 * settled are then exact, and those of rows left open lower bounds (so moving the potentials
 * by them keeps every reduced cost ≥ 0). Every augmentation moves a positive amount along a
 * tight path, so the algorithm ends exactly optimal (no cap).
 * Duals: u on the small side, v_j = min_i M_ij − u_i.
 *
 * Owns: that algorithm and the plan extraction. Knows nothing of points or training.
 */
import { balancingPotentials, select, type BalancedStart } from './dual-start.js';
import { PairHeaps, ColumnFlows, extractPlan } from './few-sources-store.js';
import { centreDuals, type TransportResult } from './network-simplex.js';

const DEBUG = !!process.env.DISCRETE_GANS_OT_DEBUG;
/** Balancing sweeps before the exact phase (each reads the cost matrix about three times). */
const SWEEPS = 8;
/** Fraction of columns whose smallest start margin is within the first bound of every pair. */
const START_FRACTION = 0.5;
/** A pair's bound grows at least this many times when raised. */
const RAISE_FACTOR = 4;
/** Margin levels for raising pair thresholds (level ℓ: up to T0·2^ℓ; the last one: the rest). */
const LEVELS = 48;

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
  // Start from balancing potentials (weighted or not), so few columns are left to move.
  const start = balancingPotentials(M, K, N, rs, cs, sup, dem, N >= 4 * K ? SWEEPS : 0);
  if (DEBUG) console.error('few-sources: start potentials', (performance.now() - t0).toFixed(0), 'ms');
  const s = new FewSourcesSolver(M, K, N, rs, cs, sup, dem, start);
  if (DEBUG) console.error('few-sources: heaps with', s.heaps.count(), 'entries', (performance.now() - t0).toFixed(0), 'ms');
  const phases = s.solve();
  if (DEBUG) console.error('few-sources: augmentations done', (performance.now() - t0).toFixed(0), 'ms,', s.iterations, 'augmentations,', phases, 'phases,', s.expansions, 'expansions, heap entries', s.heaps.count(), 'entries');
  const status = s.imbalance() <= 1e-9 * s.total ? 'optimal' : 'infeasible';
  const plan = extractPlan(s.x, K, N, flip);
  let cost = 0;
  for (let t = 0; t < plan.mass.length; t++) cost += plan.mass[t] * M[plan.rows[t] * m + plan.cols[t]];
  const vBig = s.largeSideDuals();
  const uOut = flip ? vBig : s.u.slice();
  const vOut = flip ? s.u.slice() : vBig;
  centreDuals(uOut, vOut);
  if (DEBUG) console.error('few-sources: plan and duals', (performance.now() - t0).toFixed(0), 'ms');
  return {
    cost, plan, u: uOut, v: vOut, status,
    log: { solver: 'few-sources', iterations: s.iterations, seconds: (performance.now() - t0) / 1000 },
  };
}

/**
 * The solver's state and its steps, each a small method (small functions are optimised by
 * V8 soon and apart, where one long function ran cold, in the interpreter, for most of a
 * single solve). C(i, j) = M[i·rs + j·cs] for rows i < K and columns j < N.
 */
class FewSourcesSolver {
  readonly u: Float64Array;
  private readonly u0: Float64Array;
  private readonly home: Int32Array;
  private readonly homeVal: Float64Array;
  private readonly homeCost: Float64Array;
  readonly x: ColumnFlows;
  private readonly excess: Float64Array;
  readonly heaps: PairHeaps;
  /** topKey[i·K + i2]: the smallest static key M_i2j − M_ij over columns j in row i, kept
   *  current (stale heap tops are popped when a column leaves a row), so Dijkstra reads one
   *  small K×K array instead of chasing flows across memory; topCol: that column. */
  private readonly topKey: Float64Array;
  private readonly topCol: Int32Array;
  /** A column that never left its home row b is in the heap of pair (b, i2) only if its start
   *  margin towards i2, (M_i2j − u0_i2) − (M_bj − u0_b), is at most pairT[b·K + i2]. Once it
   *  moves (touched), all its moves are in the heaps. */
  private readonly touched: Uint8Array;
  private readonly pairT: Float64Array;
  private readonly T0: number;
  /** Each home row's columns in increasing level of their smallest start margin (level ℓ
   *  holds margins in (T0·2^(ℓ−1), T0·2^ℓ]), so raising a pair's bound stops at the first
   *  level entirely above it: row b's level ℓ is homeCols[levelStart[b·LEVELS + ℓ] ..). */
  private readonly homeCols: Int32Array;
  private readonly levelStart: Int32Array;
  // Dijkstra's arrays, one entry per row.
  private readonly dist: Float64Array;
  private readonly open: Float64Array;
  private readonly grown: Float64Array;
  private readonly prevRow: Int32Array;
  private readonly prevCol: Int32Array;
  private readonly unsettled: Int32Array;
  private readonly leftRows: number[] = [];
  readonly total: number;
  private readonly tol: number;
  iterations = 0;
  expansions = 0;

  constructor(private readonly M: Float64Array, private readonly K: number, private readonly N: number,
    private readonly rs: number, private readonly cs: number, sup: Float64Array, private readonly dem: Float64Array,
    start: BalancedStart) {
    this.u = start.u; this.u0 = start.u.slice(); this.home = start.bestRow; this.homeVal = start.bestVal;
    let total = 0;
    for (let j = 0; j < N; j++) total += dem[j];
    this.total = total;
    this.tol = 1e-13 * total;
    this.x = new ColumnFlows(K, N);
    this.excess = new Float64Array(K);
    for (let i = 0; i < K; i++) this.excess[i] = -sup[i];
    this.homeCost = new Float64Array(N);
    this.placeAtHome();
    // First room per pair: about the columns per pair, between 4 and 32 entries.
    this.heaps = new PairHeaps(K * K, Math.max(4, Math.min(32, Math.floor((4 * N) / (K * K)))));
    this.topKey = new Float64Array(K * K).fill(Infinity);
    this.topCol = new Int32Array(K * K).fill(-1);
    this.touched = new Uint8Array(N);
    this.T0 = this.firstBound(start.margin);
    this.pairT = new Float64Array(K * K).fill(this.T0);
    this.homeCols = new Int32Array(N);
    this.levelStart = new Int32Array(K * (LEVELS + 1) + 1);
    this.sortByLevel(start.margin);
    this.fillFirstHeaps();
    this.dist = new Float64Array(K); this.open = new Float64Array(K); this.grown = new Float64Array(K);
    this.prevRow = new Int32Array(K); this.prevCol = new Int32Array(K); this.unsettled = new Int32Array(K);
  }

  /** Every column starts with all its mass in its home row (the start's best row). */
  private placeAtHome(): void {
    const { M, N, rs, cs, dem, home, x, excess, homeCost } = this;
    for (let j = 0; j < N; j++) {
      homeCost[j] = M[home[j] * rs + j * cs]; // zero-mass columns too: their dual needs it
      if (!(dem[j] > 0)) continue;
      x.set(home[j], j, dem[j]);
      excess[home[j]] += dem[j];
    }
  }

  /** The START_FRACTION quantile of the start margins that are not ties (ties all come in at once). */
  private firstBound(margin: Float64Array): number {
    const { K, N, dem, homeCost } = this;
    if (K <= 1) return Infinity;
    let scale = 0, live = 0;
    for (let j = 0; j < N; j++) if (dem[j] > 0) { scale = Math.max(scale, Math.abs(homeCost[j])); live++; }
    const tie = 1e-12 * scale + 1e-300;
    const scratch = new Float64Array(live);
    let k = 0;
    for (let j = 0; j < N; j++) if (dem[j] > 0 && margin[j] > tie) scratch[k++] = margin[j];
    if (k === 0) return tie;
    const q = Math.min(k - 1, Math.floor(START_FRACTION * k));
    select(scratch, q, k);
    return scratch[q];
  }

  private sortByLevel(margin: Float64Array): void {
    const { K, N, dem, home, T0, homeCols, levelStart } = this;
    const level = new Uint8Array(N);
    for (let j = 0; j < N; j++) {
      if (!(dem[j] > 0)) continue;
      const r = margin[j] / T0;
      const l = r <= 1 ? 0 : r === Infinity ? LEVELS - 1 : Math.min(LEVELS - 1, Math.ceil(Math.log2(r)));
      level[j] = l;
      levelStart[home[j] * LEVELS + l + 1]++;
    }
    for (let t = 0; t < K * LEVELS; t++) levelStart[t + 1] += levelStart[t];
    const at = levelStart.slice(0, K * LEVELS);
    for (let j = 0; j < N; j++) if (dem[j] > 0) homeCols[at[home[j] * LEVELS + level[j]]++] = j;
  }

  /** Every pair's heap with the columns within the first bound of it. */
  private fillFirstHeaps(): void {
    const { M, K, N, rs, cs, dem, home, homeVal, homeCost, u0, T0 } = this;
    for (let i2 = 0; i2 < K; i2++) {
      const o = i2 * rs, ui2 = u0[i2];
      for (let j = 0; j < N; j++) {
        const c = M[o + j * cs];
        if (c - ui2 - homeVal[j] <= T0 && home[j] !== i2 && dem[j] > 0) this.put(home[j] * K + i2, c - homeCost[j], j);
      }
    }
  }

  private put(h: number, key: number, j: number): void {
    this.heaps.push(h, key, j);
    if (key < this.topKey[h]) { this.topKey[h] = key; this.topCol[h] = j; }
  }

  /** Pop pair h's stale tops (columns no longer in row i) and record the new top. */
  private refresh(h: number, i: number): void {
    const { heaps, x } = this;
    while (heaps.size[h] > 0 && x.get(i, heaps.topId(h)) <= 0) heaps.pop(h);
    if (heaps.size[h] > 0) { this.topKey[h] = heaps.topKey(h); this.topCol[h] = heaps.topId(h); } else { this.topKey[h] = Infinity; this.topCol[h] = -1; }
  }

  /** Offer column j, now with flow in row t, as a move out of t towards every other row. */
  private offer(t: number, j: number): void {
    const { M, K, rs, topKey, topCol, heaps } = this;
    const o = j * this.cs, ct = M[o + t * rs], row = t * K;
    for (let i2 = 0; i2 < K; i2++) {
      if (i2 === t) continue;
      const key = M[o + i2 * rs] - ct, h = row + i2;
      heaps.push(h, key, j);
      if (key < topKey[h]) { topKey[h] = key; topCol[h] = j; }
    }
  }

  /** Let pair (b, i2) hold every untouched column of b with start margin up to T. */
  private raisePair(b: number, i2: number, T: number): void {
    const { M, K, rs, cs, T0, levelStart, homeCols, touched, homeVal, homeCost } = this;
    const h = b * K + i2, old = this.pairT[h], ui2 = this.u0[i2];
    let more = false;
    for (let l = 0; l < LEVELS; l++) {
      const from = levelStart[b * LEVELS + l], to = levelStart[b * LEVELS + l + 1];
      if (from === to) continue;
      if (l > 0 && T0 * 2 ** (l - 1) >= T) { more = true; break; }
      for (let p = from; p < to; p++) {
        const j = homeCols[p];
        if (touched[j]) continue;
        const c = M[i2 * rs + j * cs], pm = c - ui2 - homeVal[j];
        if (pm > old && pm <= T) this.put(h, c - homeCost[j], j);
        else if (pm > T) more = true;
      }
    }
    this.pairT[h] = more ? T : Infinity;
  }

  /** Phases until no row is over-full; returns their count. */
  solve(): number {
    const { K, excess, tol } = this;
    for (let phase = 0; ; phase++) {
      let anyExcess = false;
      for (let i = 0; i < K; i++) if (excess[i] > tol) { anyExcess = true; break; }
      if (!anyExcess || !this.dijkstra()) return phase; // (only round-off excess left: checked by the caller)
      this.augmentAll();
    }
  }

  /**
   * Dijkstra from all over-full rows at once, until every under-full row is settled; then
   * the potentials move by the distances. False when no under-full row can be reached.
   */
  private dijkstra(): boolean {
    const { K, u, u0, excess, tol, dist, open, grown, prevRow, prevCol, topKey, topCol, pairT } = this;
    let deficits = 0;
    for (let i = 0; i < K; i++) {
      prevRow[i] = -1; grown[i] = u[i] - u0[i];
      dist[i] = open[i] = excess[i] > tol ? 0 : Infinity;
      if (excess[i] < -tol) deficits++;
    }
    // The rows not yet settled, in list[0..n): settling swaps a row out, so the scans shrink.
    const list = this.unsettled;
    let n = K;
    for (let i = 0; i < K; i++) list[i] = i;
    let reachedDeficit = false, far = 0;
    while (deficits > 0) {
      let bp = -1, bd = Infinity;
      for (let p = 0; p < n; p++) { const i = list[p]; if (open[i] < bd) { bd = open[i]; bp = p; } }
      if (bp < 0) break;
      const best = list[bp];
      open[best] = Infinity;
      if (prevRow[best] >= 0 && prevCol[best] < 0) { this.reopen(best); continue; }
      list[bp] = list[--n];
      far = bd;
      if (excess[best] < -tol) { reachedDeficit = true; deficits--; }
      const ub = u[best], gb = grown[best], row = best * K;
      for (let p = 0; p < n; p++) {
        const i2 = list[p];
        // Real move: the heap top. Left-out moves: at least the pair's bound (a virtual edge).
        const tk = topKey[row + i2], tp = pairT[row + i2];
        let w = tk === Infinity ? Infinity : tk - u[i2] + ub, col = topCol[row + i2];
        if (tp !== Infinity) {
          let lb = tp + gb - grown[i2];
          if (lb < 0) lb = 0;
          if (lb < w) { w = lb; col = -1; }
        }
        if (w === Infinity) continue;
        const nd = bd + (w < 0 ? 0 : w); // round-off: reduced costs are non-negative
        if (nd < dist[i2]) { dist[i2] = open[i2] = nd; prevRow[i2] = best; prevCol[i2] = col; }
      }
    }
    // Rows not settled keep tentative distances above `far`: treat them as unreached. (Over
    // every row and without branches: a loop body that has never run deoptimises V8's code
    // for the whole search when it first does.)
    for (let i = 0; i < K; i++) {
      const tentative = open[i] !== Infinity;
      dist[i] = tentative ? Infinity : dist[i];
      prevRow[i] = tentative ? -1 : prevRow[i];
    }
    if (!reachedDeficit) return false;
    // Settled distances are exact and the others at least `far`, so moving the potentials by
    // them keeps every reduced cost ≥ 0 and makes the tree paths tight.
    for (let i = 0; i < K; i++) u[i] += dist[i] === Infinity ? far : dist[i];
    return true;
  }

  /**
   * Row s was about to be settled through a virtual edge from row b: bring that pair's
   * columns in (past the bound, and at least RAISE_FACTOR times it) and look at s's ways in
   * from the settled rows again. Each costs at least what it was thought to, so s goes back
   * among the open rows no nearer than the distance just settled, and the order stays valid.
   */
  private reopen(s: number): void {
    const { K, u, dist, open, grown, prevRow, prevCol, topKey, topCol, pairT } = this;
    const h0 = prevRow[s] * K + s;
    this.raisePair(prevRow[s], s, Math.max(pairT[h0] + this.T0, RAISE_FACTOR * pairT[h0]));
    this.expansions++;
    let nd = Infinity, from = -1, via = -1;
    for (let r = 0; r < K; r++) {
      if (open[r] !== Infinity || dist[r] === Infinity || r === s) continue; // settled rows only
      const h = r * K + s, tk = topKey[h], tp = pairT[h];
      let w = tk === Infinity ? Infinity : tk - u[s] + u[r], col = topCol[h];
      if (tp !== Infinity) {
        let lb = tp + grown[r] - grown[s];
        if (lb < 0) lb = 0;
        if (lb < w) { w = lb; col = -1; }
      }
      if (w !== Infinity && dist[r] + (w < 0 ? 0 : w) < nd) { nd = dist[r] + (w < 0 ? 0 : w); from = r; via = col; }
    }
    dist[s] = open[s] = nd; prevRow[s] = nd === Infinity ? -1 : from; prevCol[s] = via;
  }

  /** Augment along every tree path (all real moves) that is still intact. */
  private augmentAll(): void {
    const { K, excess, tol, dist, prevRow, prevCol, topCol, x } = this;
    for (let t = 0; t < K; t++) {
      if (!(excess[t] < -tol) || dist[t] === Infinity) continue;
      let amt = -excess[t], s = t, intact = true;
      for (; prevRow[s] >= 0; s = prevRow[s]) {
        const i = prevRow[s], j = prevCol[s];
        if (j < 0 || topCol[i * K + s] !== j) { intact = false; break; }
        const f = x.get(i, j);
        if (f < amt) amt = f;
      }
      if (!intact || !(excess[s] > tol)) continue;
      if (excess[s] < amt) amt = excess[s];
      if (!(amt > 0)) continue;
      this.iterations++;
      this.augment(t, amt);
      excess[s] -= amt;
      excess[t] += amt;
    }
  }

  /** Move amt along the tree path ending at row t, then refresh the pairs whose top left. */
  private augment(t: number, amt: number): void {
    const { K, prevRow, prevCol, topCol, x, touched, leftRows } = this;
    for (let r = t; prevRow[r] >= 0; r = prevRow[r]) {
      const i = prevRow[r], j = prevCol[r];
      const fi = x.get(i, j) - amt;
      x.set(i, j, fi > 0 ? fi : 0);
      if (!(fi > 0)) leftRows.push(i);
      const before = x.get(r, j);
      x.set(r, j, before + amt);
      if (before <= 0) this.offer(r, j);
      if (!touched[j]) { touched[j] = 1; if (fi > 0) this.offer(i, j); } // i is j's home: all its moves now
    }
    for (const i of leftRows) for (let i2 = 0; i2 < K; i2++) if (i2 !== i) { const h = i * K + i2; if (topCol[h] >= 0 && x.get(i, topCol[h]) <= 0) this.refresh(h, i); }
    leftRows.length = 0;
  }

  /** Σ |excess| over the rows (0 when every mass is met). */
  imbalance(): number {
    let left = 0;
    for (let i = 0; i < this.K; i++) left += Math.abs(this.excess[i]);
    return left;
  }

  /** v_j = min_i M_ij − u_i. An untouched column's moves all have reduced cost ≥ 0 (checked
   *  for the left-out ones at every Dijkstra), so its home row is that minimum. */
  largeSideDuals(): Float64Array {
    const { M, K, N, rs, cs, u, touched, homeCost, home } = this;
    const v = new Float64Array(N);
    for (let j = 0; j < N; j++) {
      if (!touched[j]) { v[j] = homeCost[j] - u[home[j]]; continue; }
      const o = j * cs;
      let best = Infinity;
      for (let i = 0; i < K; i++) { const c = M[o + i * rs] - u[i]; if (c < best) best = c; }
      v[j] = best;
    }
    return v;
  }
}
