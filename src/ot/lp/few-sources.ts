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
 * Distances found are then lower bounds of the true ones (so moving the potentials by them
 * keeps every reduced cost ≥ 0), and exact along tree paths of real moves; a virtual edge in
 * the tree raises its pair's bound, bringing more columns in. Every augmentation moves a
 * positive amount along a tight path, so the algorithm ends exactly optimal (no cap).
 * Duals: u on the small side, v_j = min_i M_ij − u_i.
 *
 * Owns: that algorithm and the plan extraction. Knows nothing of points or training.
 */
import { balancingPotentials, select } from './dual-start.js';
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
  let total = 0;
  for (let j = 0; j < N; j++) total += dem[j];
  const tol = 1e-13 * total;

  // Start from balancing potentials (weighted or not), so few columns are left to move.
  const start = balancingPotentials(M, K, N, rs, cs, sup, dem, N >= 4 * K ? SWEEPS : 0);
  const u = start.u, u0 = u.slice(), home = start.bestRow, homeVal = start.bestVal;
  if (DEBUG) console.error('few-sources: start potentials', (performance.now() - t0).toFixed(0), 'ms');

  const x = new ColumnFlows(K, N);
  const excess = new Float64Array(K);
  for (let i = 0; i < K; i++) excess[i] = -sup[i];
  // Every column starts with all its mass in its home row (the start's best row).
  const homeCols = new Int32Array(N);
  const homeCost = new Float64Array(N);
  let live = 0;
  for (let j = 0; j < N; j++) {
    if (!(dem[j] > 0)) continue;
    x.set(home[j], j, dem[j]);
    excess[home[j]] += dem[j];
    homeCost[j] = M[home[j] * rs + j * cs];
    live++;
  }

  // First allocation per pair: about the columns per pair, between 4 and 32 entries.
  const heaps = new PairHeaps(K * K, Math.max(4, Math.min(32, Math.floor((4 * N) / (K * K)))));
  const keys = heaps.keys, ids = heaps.ids, hsize = heaps.size;
  // topKey[i·K + i2]: the smallest static key M_i2j − M_ij over columns j in row i, kept
  // current (stale heap tops are popped when a column leaves a row), so Dijkstra reads one
  // small K×K array instead of chasing flows across memory.
  const topKey = new Float64Array(K * K).fill(Infinity);
  const topCol = new Int32Array(K * K).fill(-1);
  const refresh = (h: number, i: number): void => {
    while (hsize[h] > 0 && x.get(i, ids[h][0]) <= 0) heaps.pop(h);
    if (hsize[h] > 0) { topKey[h] = keys[h][0]; topCol[h] = ids[h][0]; } else { topKey[h] = Infinity; topCol[h] = -1; }
  };
  const put = (h: number, key: number, j: number): void => {
    heaps.push(h, key, j);
    if (key < topKey[h]) { topKey[h] = key; topCol[h] = j; }
  };
  /** Offer column j, now with flow in row t, as a move out of t towards every other row. */
  const offer = (t: number, j: number): void => {
    const o = j * cs, ct = M[o + t * rs], row = t * K;
    for (let i2 = 0; i2 < K; i2++) {
      if (i2 === t) continue;
      const key = M[o + i2 * rs] - ct, h = row + i2;
      heaps.push(h, key, j);
      if (key < topKey[h]) { topKey[h] = key; topCol[h] = j; }
    }
  };

  // A column that never left its home row b is in the heap of pair (b, i2) only if its start
  // margin towards i2, (M_i2j − u0_i2) − (M_bj − u0_b), is at most pairT[b·K + i2]. Once it
  // moves (touched), all its moves are in the heaps.
  const touched = new Uint8Array(N);
  const pairT = new Float64Array(K * K);
  let T0 = Infinity;
  if (K > 1) {
    // The START_FRACTION quantile of the margins that are not ties (ties all come in at once).
    const scratch = new Float64Array(live);
    let scale = 0;
    for (let j = 0; j < N; j++) if (dem[j] > 0) scale = Math.max(scale, Math.abs(homeCost[j]));
    const tie = 1e-12 * scale + 1e-300;
    let k = 0;
    for (let j = 0; j < N; j++) if (dem[j] > 0 && start.margin[j] > tie) scratch[k++] = start.margin[j];
    if (k > 0) {
      const q = Math.min(k - 1, Math.floor(START_FRACTION * k));
      select(scratch, q, k);
      T0 = scratch[q];
    } else T0 = tie;
  }
  // Each home row's columns in increasing level of their smallest start margin (level ℓ holds
  // margins in (T0·2^(ℓ−1), T0·2^ℓ]), so raising a pair's threshold stops at the first level
  // entirely above it.
  const level = new Uint8Array(N);
  const levelStart = new Int32Array(K * (LEVELS + 1) + 1);
  for (let j = 0; j < N; j++) {
    if (!(dem[j] > 0)) continue;
    const r = start.margin[j] / T0;
    const l = r <= 1 ? 0 : r === Infinity ? LEVELS - 1 : Math.min(LEVELS - 1, Math.ceil(Math.log2(r)));
    level[j] = l;
    levelStart[home[j] * LEVELS + l + 1]++;
  }
  for (let t = 0; t < K * LEVELS; t++) levelStart[t + 1] += levelStart[t];
  { const at = levelStart.slice(0, K * LEVELS); for (let j = 0; j < N; j++) if (dem[j] > 0) homeCols[at[home[j] * LEVELS + level[j]]++] = j; }
  pairT.fill(T0);
  for (let i2 = 0; i2 < K; i2++) {
    const o = i2 * rs, ui2 = u0[i2];
    for (let j = 0; j < N; j++) {
      const c = M[o + j * cs];
      if (c - ui2 - homeVal[j] <= T0 && home[j] !== i2 && dem[j] > 0) put(home[j] * K + i2, c - homeCost[j], j);
    }
  }
  /** Let pair (b, i2) hold every untouched column of b with start margin up to T. */
  const raisePair = (b: number, i2: number, T: number): void => {
    const h = b * K + i2, old = pairT[h], ui2 = u0[i2];
    let more = false;
    for (let l = 0; l < LEVELS; l++) {
      const from = levelStart[b * LEVELS + l], to = levelStart[b * LEVELS + l + 1];
      if (from === to) continue;
      if (l > 0 && T0 * 2 ** (l - 1) >= T) { more = true; break; }
      for (let p = from; p < to; p++) {
        const j = homeCols[p];
        if (touched[j]) continue;
        const c = M[i2 * rs + j * cs], pm = c - ui2 - homeVal[j];
        if (pm > old && pm <= T) put(h, c - homeCost[j], j);
        else if (pm > T) more = true;
      }
    }
    pairT[h] = more ? T : Infinity;
  };
  if (DEBUG) console.error('few-sources: heaps with', heaps.count(), 'entries', (performance.now() - t0).toFixed(0), 'ms');

  const dist = new Float64Array(K);
  const open = new Float64Array(K), grown = new Float64Array(K);
  const prevRow = new Int32Array(K);
  const prevCol = new Int32Array(K);
  let iterations = 0, expansions = 0;
  const leftRows: number[] = [];

  let phase = 0;
  for (; ; phase++) {
    let anyExcess = false;
    for (let i = 0; i < K; i++) if (excess[i] > tol) { anyExcess = true; break; }
    if (!anyExcess) break;
    // Dijkstra from all over-full rows at once, until every under-full row is settled.
    let deficits = 0;
    for (let i = 0; i < K; i++) {
      prevRow[i] = -1; grown[i] = u[i] - u0[i];
      dist[i] = open[i] = excess[i] > tol ? 0 : Infinity;
      if (excess[i] < -tol) deficits++;
    }
    let reachedDeficit = false, far = 0;
    while (deficits > 0) {
      let best = -1, bd = Infinity;
      for (let i = 0; i < K; i++) if (open[i] < bd) { bd = open[i]; best = i; }
      if (best < 0) break;
      open[best] = Infinity; far = bd;
      if (excess[best] < -tol) { reachedDeficit = true; deficits--; }
      const ub = u[best], gb = grown[best], row = best * K;
      for (let i2 = 0; i2 < K; i2++) {
        const old = open[i2];
        if (old === Infinity && dist[i2] !== Infinity) continue; // settled
        const tk = topKey[row + i2], tp = pairT[row + i2];
        // Real move: the heap top. Left-out moves: at least the pair's bound.
        let w = tk === Infinity ? Infinity : tk - u[i2] + ub;
        let virtual = false;
        if (tp !== Infinity) {
          let lb = tp + gb - grown[i2];
          if (lb < 0) lb = 0;
          if (lb < w) { w = lb; virtual = true; }
        }
        if (w === Infinity) continue;
        if (w < 0) w = 0; // round-off: reduced costs are non-negative
        const nd = bd + w;
        if (nd < dist[i2]) { dist[i2] = open[i2] = nd; prevRow[i2] = best; prevCol[i2] = virtual ? -1 : topCol[row + i2]; }
      }
    }
    // Rows left open keep tentative distances above `far`: treat them as unreached.
    for (let i = 0; i < K; i++) if (open[i] !== Infinity) { dist[i] = Infinity; prevRow[i] = -1; }
    if (!reachedDeficit) break; // only round-off excess left: checked below
    // Tree edges that are virtual: bring those pairs' columns in (past what the tree needs,
    // and at least RAISE_FACTOR times the bound); the next phase searches again.
    for (let s = 0; s < K; s++) {
      if (prevRow[s] < 0 || prevCol[s] >= 0) continue;
      const b = prevRow[s], h = b * K + s;
      const need = dist[s] - dist[b] - (u[b] - u0[b]) + (u[s] - u0[s]);
      raisePair(b, s, Math.max(need + T0, RAISE_FACTOR * pairT[h]));
      expansions++;
    }
    // The distances are lower bounds of the true ones (left-out moves cost at least their
    // bound), so moving the potentials by them keeps every reduced cost ≥ 0 and makes the
    // tree paths of real moves tight.
    for (let i = 0; i < K; i++) u[i] += dist[i] === Infinity ? far : dist[i];
    // Augment along every tree path of real moves that is still intact.
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
      iterations++;
      for (let r = t; prevRow[r] >= 0; r = prevRow[r]) {
        const i = prevRow[r], j = prevCol[r];
        const fi = x.get(i, j) - amt;
        x.set(i, j, fi > 0 ? fi : 0);
        if (!(fi > 0)) leftRows.push(i);
        const before = x.get(r, j);
        x.set(r, j, before + amt);
        if (before <= 0) offer(r, j);
        if (!touched[j]) { touched[j] = 1; if (fi > 0) offer(i, j); } // i is j's home: all its moves now
      }
      excess[s] -= amt;
      excess[t] += amt;
      for (const i of leftRows) for (let i2 = 0; i2 < K; i2++) if (i2 !== i) { const h = i * K + i2; if (topCol[h] >= 0 && x.get(i, topCol[h]) <= 0) refresh(h, i); }
      leftRows.length = 0;
    }
  }
  if (DEBUG) console.error('few-sources: augmentations done', (performance.now() - t0).toFixed(0), 'ms,', iterations, 'augmentations,', phase, 'phases,', expansions, 'expansions, heap entries', heaps.count(), 'entries');
  let left = 0;
  for (let i = 0; i < K; i++) left += Math.abs(excess[i]);
  const status = left <= 1e-9 * total ? 'optimal' : 'infeasible';

  const plan = extractPlan(x, K, N, flip);
  let cost = 0;
  for (let t = 0; t < plan.mass.length; t++) cost += plan.mass[t] * M[plan.rows[t] * m + plan.cols[t]];
  // v_j = min_i M_ij − u_i. An untouched column's moves all have reduced cost ≥ 0 (checked
  // for the left-out ones at every Dijkstra), so its home row is that minimum.
  const vBig = new Float64Array(N);
  for (let j = 0; j < N; j++) {
    const o = j * cs;
    if (!touched[j]) { vBig[j] = homeCost[j] - u[home[j]]; continue; }
    let best = Infinity;
    for (let i = 0; i < K; i++) { const c = M[o + i * rs] - u[i]; if (c < best) best = c; }
    vBig[j] = best;
  }
  const uOut = flip ? vBig : u.slice();
  const vOut = flip ? u.slice() : vBig;
  centreDuals(uOut, vOut);
  if (DEBUG) console.error('few-sources: plan and duals', (performance.now() - t0).toFixed(0), 'ms');
  return {
    cost, plan, u: uOut, v: vOut, status,
    log: { solver: 'few-sources', iterations, seconds: (performance.now() - t0) / 1000 },
  };
}

