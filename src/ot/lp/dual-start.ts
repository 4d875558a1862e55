/**
 * A starting point for the few-sources solver: potentials u on the k small-side points such
 * that assigning every large-side point to its best row (smallest M_ij − u_i) nearly meets the
 * row masses. Damped Jacobi ascent on the (concave) dual: in each sweep every row computes the
 * u_i that would give it exactly its own mass with the others held at their current values
 * (the c-th smallest "gap" of the columns, found by sampled selection), and moves part of the
 * way there, with a per-row step that grows while the row stays on one side of its mass and
 * shrinks when it crosses. Large problems start from the potentials of an evenly thinned
 * column set (recursively), unless the zero start is already close (costs shifted by a
 * caller's warm start), which cuts the sweeps over the whole matrix; their remaining
 * sweeps read only the entries near each column's best (dual-candidates.ts), and one last
 * scan over the whole matrix gives the exact best rows. Weighted columns use the weighted
 * quantile of the gaps (a full weighted selection instead of the sampled one). It only needs
 * to be good, not exact: the exact solver corrects what is left. Also returns, for the
 * potentials it ends with, every column's best row and its margin over the second best,
 * which the exact solver uses to leave most columns alone.
 *
 * Owns: that heuristic and the best/second-best scan. Knows nothing else.
 */

import { select, weightedSelect } from './dual-select.js';
import { CandidateEntries, CANDIDATES } from './dual-candidates.js';

export { select, weightedSelect } from './dual-select.js';

const DEBUG = !!process.env.DISCRETE_GANS_OT_DEBUG;
/** Step towards a row's target: starts at half, doubles while its load stays on the same side
 * of its mass (up to the whole way), halves when it crosses (down to 1/20). */
/** With at least SUBSAMPLE_MIN columns per row, first balance every SUBSAMPLE-th column
 * (recursively), then run at most AFTER_SUBSAMPLE sweeps over all of them. */
const SUBSAMPLE = 8, SUBSAMPLE_MIN = 64, AFTER_SUBSAMPLE = 4;
/** Relative imbalance at the given start below which no thinned warm start is tried. */
const WARM_LIMIT = 0.25;
const STEP_START = 0.5, STEP_UP = 2, STEP_DOWN = 0.5, STEP_MIN = 0.05, STEP_MAX = 1;

export interface BalancedStart {
  /** Potentials of the K small-side points. */
  readonly u: Float64Array;
  /** Per column: the row minimising M_ij − u_i (lowest index on ties). */
  readonly bestRow: Int32Array;
  /** Per column: the smallest M_ij − u_i. */
  readonly bestVal: Float64Array;
  /** Per column: second-smallest minus smallest M_ij − u_i (≥ 0; Infinity when K = 1). */
  readonly margin: Float64Array;
}

/** Columns per block of the best/second-best scan (keeps its three arrays in cache). */
const BLOCK = 4096;

/**
 * C(i, j) = M[i·rs + j·cs] for i < K, j < N; sup (K) and dem (N) masses. With `sweeps` > 0
 * the potentials are balanced, stopping early once every row's load is within `tolerance`
 * (relative) of its mass; with 0 they stay at zero.
 */
export function balancingPotentials(M: Float64Array, K: number, N: number, rs: number, cs: number,
  sup: Float64Array, dem: Float64Array, sweeps = 8, tolerance = 0.01): BalancedStart {
  const u = new Float64Array(K);
  const bestVal = new Float64Array(N), secVal = new Float64Array(N);
  const bestRow = new Int32Array(N);
  if (K < 2) {
    for (let j = 0; j < N; j++) bestVal[j] = M[j * cs];
    return { u, bestRow, bestVal, margin: secVal.fill(Infinity) };
  }
  const unit = dem[0];
  let uniform = true, total = 0;
  for (let j = 0; j < N; j++) { total += dem[j]; if (dem[j] !== unit) uniform = false; }
  const load = new Float64Array(K);
  const imbalance = (): number => worstImbalance(K, N, bestRow, sup, dem, total, load);
  let scanned = false;
  let cand: CandidateEntries | null = null, useCandidates = false;
  if (sweeps > 0 && N >= SUBSAMPLE_MIN * K) {
    // Potentials that start near the answer (a caller's warm start: costs shifted by
    // near-optimal potentials) are kept as they are; a thinned problem would only add noise.
    bestScan(M, K, N, rs, cs, u, bestVal, secVal, bestRow);
    scanned = imbalance() <= WARM_LIMIT;
    useCandidates = scanned && K > 2 * CANDIDATES;
  }
  if (sweeps > 0 && N >= SUBSAMPLE_MIN * K && !scanned) {
    // Warm start from an evenly thinned column set (the same problem, smaller: its potentials
    // are close to the full ones), then fewer sweeps over all columns.
    const Ns = thinnedCount(N);
    const sub = new Float64Array(K * Ns);
    for (let i = 0; i < K; i++) {
      const o = i * rs, p = i * Ns;
      for (let t = 0; t < Ns; t++) sub[p + t] = M[o + thinnedColumn(t) * cs];
    }
    const subDem = new Float64Array(Ns);
    let subTotal = 0;
    for (let t = 0; t < Ns; t++) { subDem[t] = dem[thinnedColumn(t)]; subTotal += subDem[t]; }
    if (subTotal > 0) {
      const subSup = new Float64Array(K);
      for (let i = 0; i < K; i++) subSup[i] = (sup[i] * subTotal) / total;
      u.set(balancingPotentials(sub, K, Ns, Ns, 1, subSup, subDem, sweeps, tolerance).u);
    }
    sweeps = Math.min(sweeps, AFTER_SUBSAMPLE);
    // Close now: after the first scan the remaining sweeps read the entries near each column's best only.
    useCandidates = sweeps > 0 && K > 2 * CANDIDATES;
  }
  const target = new Float64Array(K);
  const step = new Float64Array(K).fill(STEP_START), lastSide = new Float64Array(K);
  const buf = new Float64Array(N), pair = new Float64Array(2);
  const wbuf = uniform ? null : new Float64Array(N);
  for (let sweep = 0; ; sweep++) {
    if (!scanned) {
      // The last scan is always over the whole matrix: the exact solver needs true best rows.
      if (cand !== null && sweep < sweeps) cand.scan(u, bestVal, secVal, bestRow);
      else bestScan(M, K, N, rs, cs, u, bestVal, secVal, bestRow);
    }
    scanned = false;
    if (sweep >= sweeps) break;
    const worst = imbalance();
    if (DEBUG) console.error('balance sweep', sweep, worst.toFixed(4), performance.now().toFixed(0));
    if (worst < tolerance) { if (cand !== null) bestScan(M, K, N, rs, cs, u, bestVal, secVal, bestRow); break; }
    if (useCandidates && cand === null) {
      cand = new CandidateEntries(M, K, N, rs, cs, u, bestVal);
      if (DEBUG) console.error('balance: candidates', cand.size, 'for', N, 'columns', performance.now().toFixed(0));
    }
    for (let i = 0; i < K; i++) {
      // Row i wins column j iff gap_j = M_ij − (best other row's value) < u_i; it wants c
      // columns, so its target lies between the c-th and (c+1)-th smallest gaps.
      let c: number;
      if (wbuf === null) {
        c = Math.floor(sup[i] / unit + 1e-9);
        if (c >= N) c = N - 1;
        if (cand === null || !cand.rowGaps(i, c, bestRow, bestVal, secVal, buf, pair)) rowGaps(M, i * rs, cs, N, i, c, bestRow, bestVal, secVal, buf, pair);
      } else {
        const mass = sup[i] * (1 + 1e-12);
        c = cand === null ? -1 : cand.weightedRowGaps(i, mass, dem, bestRow, bestVal, secVal, buf, wbuf, pair);
        if (c < 0) c = weightedRowGaps(M, i * rs, cs, N, i, mass, dem, bestRow, bestVal, secVal, buf, wbuf, pair);
      }
      const lo = pair[0], hi = pair[1];
      target[i] = c > 0 ? (lo + hi) / 2 : hi - Math.abs(hi) * 1e-9 - 1e-12;
    }
    for (let i = 0; i < K; i++) {
      if (!Number.isFinite(target[i])) continue;
      const side = Math.sign(load[i] - sup[i]);
      if (sweep > 0) step[i] = side === lastSide[i] ? Math.min(STEP_MAX, step[i] * STEP_UP) : Math.max(STEP_MIN, step[i] * STEP_DOWN);
      lastSide[i] = side;
      u[i] += step[i] * (target[i] - u[i]);
    }
  }
  for (let j = 0; j < N; j++) secVal[j] -= bestVal[j];
  return { u, bestRow, bestVal, margin: secVal };
}

/** Largest relative miss |load_i − sup_i| / sup_i when every column goes to its best row. */
function worstImbalance(K: number, N: number, bestRow: Int32Array, sup: Float64Array, dem: Float64Array, total: number, load: Float64Array): number {
  addLoads(N, bestRow, dem, load);
  return worstMiss(K, load, sup, 1e-9 * total);
}

/** load ← each row's mass. (The long loop alone in its function: V8 compiles such a loop on
 *  the stack before the code after it has ever run, and deoptimised at that code every call.) */
function addLoads(N: number, bestRow: Int32Array, dem: Float64Array, load: Float64Array): void {
  load.fill(0);
  for (let j = 0; j < N; j++) load[bestRow[j]] += dem[j];
}

function worstMiss(K: number, load: Float64Array, sup: Float64Array, least: number): number {
  let worst = 0;
  for (let i = 0; i < K; i++) worst = Math.max(worst, Math.abs(load[i] - sup[i]) / Math.max(sup[i], least));
  return worst;
}

/** The thinned set: the first THIN_RUN columns of every SUBSAMPLE·THIN_RUN (runs, so that
 *  reading them from a row-major matrix touches one cache line in SUBSAMPLE). */
const THIN_RUN = 8;
function thinnedColumn(t: number): number {
  return Math.floor(t / THIN_RUN) * THIN_RUN * SUBSAMPLE + (t % THIN_RUN);
}
function thinnedCount(N: number): number {
  const span = THIN_RUN * SUBSAMPLE, full = Math.floor(N / span);
  return full * THIN_RUN + Math.min(THIN_RUN, N - full * span);
}

/** Best and second-best M_ij − u_i of every column, and the best row (lowest index on ties). */
function bestScan(M: Float64Array, K: number, N: number, rs: number, cs: number, u: Float64Array,
  bestVal: Float64Array, secVal: Float64Array, bestRow: Int32Array): void {
  bestVal.fill(Infinity); secVal.fill(Infinity); bestRow.fill(0);
  const block = cs === 1 ? BLOCK : 64;
  for (let j0 = 0; j0 < N; j0 += block) {
    const j1 = Math.min(N, j0 + block);
    for (let i = 0; i < K; i++) {
      const o = i * rs, ui = u[i];
      if (cs === 1) {
        for (let j = j0; j < j1; j++) {
          const v = M[o + j] - ui, s = secVal[j];
          if (v < s) { const b = bestVal[j]; if (v < b) { secVal[j] = b; bestVal[j] = v; bestRow[j] = i; } else secVal[j] = v; }
        }
        continue;
      }
      for (let j = j0; j < j1; j++) {
        const v = M[o + j * cs] - ui;
        if (v < secVal[j]) {
          if (v < bestVal[j]) { secVal[j] = bestVal[j]; bestVal[j] = v; bestRow[j] = i; } else secVal[j] = v;
        }
      }
    }
  }
}

/**
 * pair ← the (c−1)-th and c-th smallest gaps of row i (−Infinity for the first when c = 0),
 * where gap_j = M_ij − (best value of column j among the other rows), by Floyd–Rivest style
 * sampling: pivots around rank c from every 16th column, then one pass keeping in buf only
 * the gaps between them, and a selection there.
 */
function rowGaps(M: Float64Array, o: number, cs: number, N: number, i: number, c: number,
  bestRow: Int32Array, bestVal: Float64Array, secVal: Float64Array, buf: Float64Array, pair: Float64Array): void {
  const STRIDE = 16;
  const S = Math.floor(N / STRIDE);
  if (S >= 64) {
    for (let s = 0; s < S; s++) { const j = s * STRIDE; buf[s] = M[o + j * cs] - (bestRow[j] === i ? secVal[j] : bestVal[j]); }
    const r = (c * S) / N, d = 3 * Math.sqrt(r + 1) + 8;
    const rl = Math.floor(r - d), rh = Math.ceil(r + d);
    let plo = -Infinity, phi = Infinity;
    if (rh < S) { select(buf, rh, S); phi = buf[rh]; }
    if (rl >= 0) { select(buf, rl, rh < S ? rh + 1 : S); plo = buf[rl]; }
    let below = 0, maxBelow = -Infinity, kept = 0;
    if (cs === 1) {
      for (let j = 0; j < N; j++) {
        const g = M[o + j] - (bestRow[j] === i ? secVal[j] : bestVal[j]);
        if (g < plo) { below++; if (g > maxBelow) maxBelow = g; } else if (g <= phi) buf[kept++] = g;
      }
    } else {
      for (let j = 0; j < N; j++) {
        const g = M[o + j * cs] - (bestRow[j] === i ? secVal[j] : bestVal[j]);
        if (g < plo) { below++; if (g > maxBelow) maxBelow = g; } else if (g <= phi) buf[kept++] = g;
      }
    }
    const k = c - below;
    if (k >= 0 && k < kept) {
      select(buf, k, kept);
      pair[1] = buf[k];
      let lo = maxBelow;
      for (let t = 0; t < k; t++) if (buf[t] > lo) lo = buf[t];
      pair[0] = c > 0 ? lo : -Infinity;
      return;
    }
  }
  for (let j = 0; j < N; j++) buf[j] = M[o + j * cs] - (bestRow[j] === i ? secVal[j] : bestVal[j]);
  select(buf, c, N);
  pair[1] = buf[c];
  let lo = -Infinity;
  for (let t = 0; t < c; t++) if (buf[t] > lo) lo = buf[t];
  pair[0] = lo;
}

/**
 * The weighted version of rowGaps: row i can take the columns of smallest gap while their mass
 * stays within `mass`; pair ← the largest gap it takes wholly (−Infinity when none) and the
 * gap of the first column it cannot take (the last gap when it could take them all). Returns
 * the number of columns taken. Columns without mass are left out.
 */
function weightedRowGaps(M: Float64Array, o: number, cs: number, N: number, i: number, mass: number, dem: Float64Array,
  bestRow: Int32Array, bestVal: Float64Array, secVal: Float64Array, buf: Float64Array, wbuf: Float64Array, pair: Float64Array): number {
  let len = 0;
  for (let j = 0; j < N; j++) {
    if (!(dem[j] > 0)) continue;
    buf[len] = M[o + j * cs] - (bestRow[j] === i ? secVal[j] : bestVal[j]);
    wbuf[len++] = dem[j];
  }
  if (len === 0) { pair[0] = -Infinity; pair[1] = Infinity; return 0; }
  let k = weightedSelect(buf, wbuf, len, mass);
  if (k >= len) k = len - 1;
  pair[1] = buf[k];
  let lo = -Infinity;
  for (let t = 0; t < k; t++) if (buf[t] > lo) lo = buf[t];
  pair[0] = lo;
  return k;
}
