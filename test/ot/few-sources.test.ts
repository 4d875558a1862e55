// The few-sources exact solver (k × N with small k): against exhaustive enumeration on tiny
// problems, against the network simplex on random ones (duplicates, ties, k = 1, N = 8k,
// clustered points whose balancing start leaves work, arbitrary weights, both orientations),
// with exact marginals, cost = Σ plan·C = dual objective and complementary slackness.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fewSources } from '../../src/ot/lp/few-sources.js';
import { weightedSelect } from '../../src/ot/lp/dual-start.js';
import { networkSimplex, type TransportResult } from '../../src/ot/lp/network-simplex.js';
import { emd } from '../../src/ot/lp/emd.js';
import { Rng } from '../../src/engine/random.js';
import { clusteredCosts } from './check-plan.js';

/** Every check an exact result must pass, with weights a (n), b (m) and cost M (n×m). */
function checkExact(M: Float64Array, n: number, m: number, a: Float64Array, b: Float64Array, r: TransportResult, what: string): void {
  assert.equal(r.status, 'optimal', what);
  const { rows, cols, mass } = r.plan;
  assert.ok(mass.length <= n + m - 1, `${what}: ${mass.length} entries > n + m − 1`);
  let maxC = 0, totalMass = 0;
  for (let e = 0; e < M.length; e++) maxC = Math.max(maxC, Math.abs(M[e]));
  for (let i = 0; i < n; i++) totalMass += a[i];
  const rowSum = new Float64Array(n), colSum = new Float64Array(m);
  let planCost = 0;
  for (let k = 0; k < mass.length; k++) {
    assert.ok(mass[k] > 0, `${what}: non-positive entry`);
    if (k > 0) assert.ok(rows[k] > rows[k - 1] || (rows[k] === rows[k - 1] && cols[k] > cols[k - 1]), `${what}: plan not sorted by (row, column)`);
    rowSum[rows[k]] += mass[k]; colSum[cols[k]] += mass[k];
    planCost += mass[k] * M[rows[k] * m + cols[k]];
  }
  for (let i = 0; i < n; i++) assert.ok(Math.abs(rowSum[i] - a[i]) <= 1e-12 * totalMass, `${what}: row ${i} marginal ${rowSum[i]} vs ${a[i]}`);
  for (let j = 0; j < m; j++) assert.ok(Math.abs(colSum[j] - b[j]) <= 1e-12 * totalMass, `${what}: column ${j} marginal ${colSum[j]} vs ${b[j]}`);
  const scale = maxC * totalMass + 1e-300;
  assert.ok(Math.abs(planCost - r.cost) <= 1e-12 * scale, `${what}: Σ plan·C ${planCost} vs cost ${r.cost}`);
  let dual = 0;
  for (let i = 0; i < n; i++) dual += a[i] * r.u[i];
  for (let j = 0; j < m; j++) dual += b[j] * r.v[j];
  assert.ok(Math.abs(dual - r.cost) <= 1e-12 * scale, `${what}: dual objective ${dual} vs cost ${r.cost}`);
  // Complementary slackness: reduced costs ≥ 0 everywhere, = 0 on the support.
  const tiny = 1e-12 * (maxC + 1);
  for (let i = 0; i < n; i++) for (let j = 0; j < m; j++) assert.ok(M[i * m + j] - r.u[i] - r.v[j] >= -tiny, `${what}: reduced cost at (${i}, ${j}) is ${M[i * m + j] - r.u[i] - r.v[j]}`);
  for (let k = 0; k < mass.length; k++) {
    const rc = M[rows[k] * m + cols[k]] - r.u[rows[k]] - r.v[cols[k]];
    assert.ok(Math.abs(rc) <= tiny, `${what}: support entry (${rows[k]}, ${cols[k]}) has reduced cost ${rc}`);
  }
}

const fill = (len: number, v: number): Float64Array => new Float64Array(len).fill(v);

function costMatrix(rng: Rng, K: number, N: number, kind: 'real' | 'ties' | 'dups'): Float64Array {
  const M = new Float64Array(K * N);
  for (let e = 0; e < M.length; e++) M[e] = kind === 'ties' ? rng.int(4) : rng.uniform();
  if (kind === 'dups') {
    for (let j = 0; j < N; j++) M[N + j] = M[j]; // rows 0 and 1 identical
    for (let i = 0; i < K; i++) for (let j = 1; j < N; j += 3) M[i * N + j] = M[i * N + j - 1]; // repeated columns
  }
  return M;
}

/** Euclidean costs between K centres and N points drawn around a quarter of them. */
const clustered = (rng: Rng, K: number, N: number, d: number): Float64Array => clusteredCosts(rng, K, N, d, { share: 0.25, spread: 0.7 });

/** All ways to give each of the N columns to one of the K rows, q = N / K columns per row. */
function bestBalancedAssignment(M: Float64Array, K: number, N: number): number {
  const q = N / K, load = new Int32Array(K);
  let best = Infinity;
  const go = (j: number, acc: number): void => {
    if (acc >= best) return;
    if (j === N) { best = acc; return; }
    for (let i = 0; i < K; i++) if (load[i] < q) { load[i]++; go(j + 1, acc + M[i * N + j]); load[i]--; }
  };
  go(0, 0);
  return best;
}

test('few-sources equals exhaustive enumeration on tiny balanced problems (N a multiple of K)', () => {
  const rng = new Rng(21);
  for (const [K, N] of [[2, 8], [3, 6], [2, 10], [4, 8], [3, 9]]) {
    for (const kind of ['real', 'ties', 'dups'] as const) {
      const M = costMatrix(rng, K, N, kind);
      // Uniform weights in integer units (N per row, K per column): vertices are assignments.
      const a = fill(K, N), b = fill(N, K);
      const r = fewSources(a, b, M, K, N);
      const brute = bestBalancedAssignment(M, K, N) * K;
      assert.ok(Math.abs(r.cost - brute) <= 1e-12 * Math.max(1, brute), `${K}x${N} ${kind}: ${r.cost} vs ${brute}`);
      checkExact(M, K, N, a, b, r, `${K}x${N} ${kind}`);
    }
  }
});

test('few-sources equals the network simplex on random K × N problems, both orientations', () => {
  const rng = new Rng(22);
  const shapes = [[1, 1], [1, 9], [2, 16], [3, 24], [5, 40], [8, 64], [6, 100], [16, 128], [3, 7], [4, 33]];
  for (const [K, N] of shapes) {
    for (const kind of ['real', 'ties', 'dups'] as const) {
      const M = costMatrix(rng, K, N, kind);
      const a = fill(K, N), b = fill(N, K);
      const ns = networkSimplex(a, b, M, K, N);
      const r = fewSources(a, b, M, K, N);
      assert.ok(Math.abs(r.cost - ns.cost) <= 1e-12 * Math.max(1, ns.cost), `${K}x${N} ${kind}: ${r.cost} vs ${ns.cost}`);
      checkExact(M, K, N, a, b, r, `${K}x${N} ${kind}`);
      // The transposed problem: the many points are the rows.
      const T = new Float64Array(N * K);
      for (let i = 0; i < K; i++) for (let j = 0; j < N; j++) T[j * K + i] = M[i * N + j];
      const rt = fewSources(b, a, T, N, K);
      assert.ok(Math.abs(rt.cost - ns.cost) <= 1e-12 * Math.max(1, ns.cost), `${N}x${K} ${kind}: ${rt.cost} vs ${ns.cost}`);
      checkExact(T, N, K, b, a, rt, `${N}x${K} ${kind}`);
    }
  }
});

test('clustered points (the balancing start leaves many moves, pair bounds get raised) match the network simplex', () => {
  const rng = new Rng(23);
  // N ≥ 64K (the last two) also takes the thinned (every 8th column) warm start.
  for (const [K, N, d] of [[8, 400, 3], [16, 700, 5], [32, 600, 2], [12, 96, 4], [4, 600, 3], [8, 1100, 4]]) {
    const M = clustered(rng, K, N, d);
    const a = fill(K, N), b = fill(N, K);
    const ns = networkSimplex(a, b, M, K, N);
    const r = fewSources(a, b, M, K, N);
    assert.ok(Math.abs(r.cost - ns.cost) <= 1e-12 * ns.cost, `${K}x${N}: ${r.cost} vs ${ns.cost}`);
    checkExact(M, K, N, a, b, r, `clustered ${K}x${N}`);
    // Through emd with uniform weights (dispatch picks few-sources for N ≥ 8K).
    const e = emd(K, N, M);
    assert.equal(e.log.solver, 'few-sources');
    assert.ok(Math.abs(e.cost - ns.cost / (K * N)) <= 1e-12 * e.cost, `emd ${K}x${N}`);
    checkExact(M, K, N, fill(K, 1 / K), fill(N, 1 / N), e, `emd clustered ${K}x${N}`);
  }
});

test('costs shifted by near-optimal potentials (a warm start, as OT-means makes) give the same plan cost', () => {
  const rng = new Rng(26);
  const K = 6, N = 900;
  const M = clustered(rng, K, N, 3);
  const a = fill(K, N), b = fill(N, K);
  const first = fewSources(a, b, M, K, N);
  const S = new Float64Array(K * N);
  for (let i = 0; i < K; i++) for (let j = 0; j < N; j++) S[i * N + j] = M[i * N + j] * (1 + 0.01 * Math.cos(i + j)) - first.u[i] + 0.001 * i;
  const ns = networkSimplex(a, b, S, K, N);
  const r = fewSources(a, b, S, K, N);
  assert.ok(Math.abs(r.cost - ns.cost) <= 1e-12 * Math.abs(ns.cost), `${r.cost} vs ${ns.cost}`);
  checkExact(S, K, N, a, b, r, 'warm start');
});

test('arbitrary weights (no balancing start, every column at its nearest row first) match the network simplex', () => {
  const rng = new Rng(24);
  for (const [K, N, kind] of [[4, 50, 'real'], [7, 120, 'ties'], [3, 30, 'dups'], [10, 300, 'real']] as const) {
    const a = new Float64Array(K), b = new Float64Array(N);
    for (let i = 0; i < K; i++) a[i] = 1 + rng.int(9);
    for (let j = 0; j < N; j++) b[j] = 1 + rng.int(4);
    const sa = a.reduce((s, v) => s + v, 0), sb = b.reduce((s, v) => s + v, 0);
    for (let i = 0; i < K; i++) a[i] *= sb; // equal totals in integers
    for (let j = 0; j < N; j++) b[j] *= sa;
    const M = kind === 'real' && K === 10 ? clustered(rng, K, N, 3) : costMatrix(rng, K, N, kind);
    const ns = networkSimplex(a, b, M, K, N);
    const r = fewSources(a, b, M, K, N);
    assert.ok(Math.abs(r.cost - ns.cost) <= 1e-12 * Math.max(1, ns.cost), `${K}x${N} ${kind}: ${r.cost} vs ${ns.cost}`);
    checkExact(M, K, N, a, b, r, `weighted ${K}x${N} ${kind}`);
  }
});

test('one row, one column, all-equal costs and zero-mass columns', () => {
  const rng = new Rng(25);
  const M1 = costMatrix(rng, 1, 20, 'real');
  const r1 = fewSources(fill(1, 20), fill(20, 1), M1, 1, 20);
  checkExact(M1, 1, 20, fill(1, 20), fill(20, 1), r1, '1x20');
  assert.ok(Math.abs(r1.cost - M1.reduce((s, v) => s + v, 0)) <= 1e-12 * r1.cost);
  const flat = fill(5 * 40, 2.5);
  const rf = fewSources(fill(5, 40), fill(40, 5), flat, 5, 40);
  checkExact(flat, 5, 40, fill(5, 40), fill(40, 5), rf, 'all equal');
  assert.ok(Math.abs(rf.cost - 2.5 * 200) <= 1e-12 * 500);
  // Some columns carry no mass: they must not appear in the plan.
  const b = fill(30, 2); b[3] = 0; b[17] = 0;
  const a = fill(3, 56 / 3 * 1); // total 56
  const M = costMatrix(rng, 3, 30, 'real');
  const ns = networkSimplex(a, b, M, 3, 30);
  const rz = fewSources(a, b, M, 3, 30);
  assert.ok(Math.abs(rz.cost - ns.cost) <= 1e-12 * ns.cost);
  checkExact(M, 3, 30, a, b, rz, 'zero-mass columns');
  for (let k = 0; k < rz.plan.cols.length; k++) assert.ok(rz.plan.cols[k] !== 3 && rz.plan.cols[k] !== 17);
});

test('weighted columns take the weighted balancing start, thinned warm start included (N ≥ 64K), and stay exact', () => {
  const rng = new Rng(31);
  for (const [K, N] of [[8, 1024], [5, 700]] as const) {
    const a = new Float64Array(K), b = new Float64Array(N);
    for (let i = 0; i < K; i++) a[i] = 1 + rng.int(5);
    for (let j = 0; j < N; j++) b[j] = j % 37 === 0 ? 0 : 1 + rng.int(3); // some columns without mass
    const sa = a.reduce((s, v) => s + v, 0), sb = b.reduce((s, v) => s + v, 0);
    for (let i = 0; i < K; i++) a[i] *= sb;
    for (let j = 0; j < N; j++) b[j] *= sa;
    const M = clustered(rng, K, N, 4);
    const ns = networkSimplex(a, b, M, K, N);
    const r = fewSources(a, b, M, K, N);
    assert.ok(Math.abs(r.cost - ns.cost) <= 1e-12 * Math.max(1, ns.cost), `${K}x${N}: ${r.cost} vs ${ns.cost}`);
    checkExact(M, K, N, a, b, r, `weighted start ${K}x${N}`);
  }
});

test('weightedSelect returns the first element whose cumulative weight passes the target (ties, zero weights)', () => {
  const rng = new Rng(32);
  for (let trial = 0; trial < 300; trial++) {
    const len = 1 + rng.int(40);
    const g = new Float64Array(len), w = new Float64Array(len);
    for (let t = 0; t < len; t++) { g[t] = rng.int(trial % 2 === 0 ? 5 : 1000); w[t] = rng.int(4) === 0 ? 0 : 1 + rng.int(3); }
    const total = w.reduce((s, v) => s + v, 0);
    const target = Math.max(0, rng.uniform() * (total + 2) - 1);
    const g0 = g.slice(), w0 = w.slice();
    const k = weightedSelect(g, w, len, target);
    // Same multiset of (value, weight) pairs after reordering.
    const key = (gs: Float64Array, ws: Float64Array): string => Array.from(gs, (v, t) => `${v}:${ws[t]}`).sort().join(',');
    assert.equal(key(g, w), key(g0, w0));
    let before = 0;
    for (let t = 0; t < Math.min(k, len); t++) before += w[t];
    if (k === len) { assert.ok(total <= target, `trial ${trial}: returned len with total ${total} > ${target}`); continue; }
    for (let t = 0; t < k; t++) assert.ok(g[t] <= g[k]);
    for (let t = k + 1; t < len; t++) assert.ok(g[t] >= g[k]);
    assert.ok(before <= target && before + w[k] > target, `trial ${trial}: ${before} ≤ ${target} < ${before + w[k]}`);
  }
});
