// The network simplex called directly (arbitrary weights, no scaling by emd): brute force on
// tiny unit-weight problems, analytic degenerate cases (all costs equal, n = 1, m = 1,
// duplicated rows and columns), complementary slackness on the plan's support, and a problem
// needing thousands of pivots against the assignment and few-sources solvers.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { networkSimplex, type TransportResult } from '../../src/ot/lp/network-simplex.js';
import { emd } from '../../src/ot/lp/emd.js';
import { Rng } from '../../src/engine/random.js';
import { checkResult } from './check-plan.js';

function permutations(n: number): number[][] {
  if (n === 1) return [[0]];
  const out: number[][] = [];
  for (const p of permutations(n - 1)) for (let k = 0; k <= p.length; k++) { const q = p.slice(); q.splice(k, 0, n - 1); out.push(q); }
  return out;
}

/** Positive weights summing to exactly 1 in binary (multiples of 1/1024). */
function dyadicWeights(rng: Rng, n: number): Float64Array {
  const units = new Int32Array(n).fill(1);
  for (let k = n; k < 1024; k++) units[rng.int(n)]++;
  return Float64Array.from(units, (u) => u / 1024);
}

function slackness(M: Float64Array, m: number, r: TransportResult): void {
  let maxC = 0;
  for (let e = 0; e < M.length; e++) maxC = Math.max(maxC, Math.abs(M[e]));
  for (let k = 0; k < r.plan.mass.length; k++) {
    const i = r.plan.rows[k], j = r.plan.cols[k];
    assert.ok(r.plan.mass[k] > 0);
    assert.ok(Math.abs(r.u[i] + r.v[j] - M[i * m + j]) <= 1e-9 * (maxC + 1), `entry (${i}, ${j}) is not tight`);
  }
}

test('unit weights: the network simplex equals brute force over permutations (ties, duplicates)', () => {
  const rng = new Rng(61);
  for (let t = 0; t < 90; t++) {
    const n = 1 + (t % 6);
    const M = new Float64Array(n * n);
    for (let e = 0; e < M.length; e++) M[e] = t % 3 === 0 ? rng.int(3) : rng.uniform();
    if (t % 3 === 2 && n > 1) for (let j = 0; j < n; j++) M[n + j] = M[j];
    let best = Infinity;
    for (const p of permutations(n)) { let s = 0; for (let i = 0; i < n; i++) s += M[i * n + p[i]]; best = Math.min(best, s); }
    const ones = new Float64Array(n).fill(1);
    const r = networkSimplex(ones, ones, M, n, n);
    assert.ok(Math.abs(r.cost - best) <= 1e-12 * Math.max(1, best), `n=${n}: ${r.cost} vs brute ${best}`);
    checkResult(M, n, n, ones, ones, r);
    slackness(M, n, r);
  }
});

test('degenerate problems with arbitrary weights: all costs equal, n = 1, m = 1, duplicated rows and columns', () => {
  const rng = new Rng(62);
  for (const [n, m] of [[1, 1], [1, 9], [9, 1], [7, 7], [12, 5], [5, 12], [40, 60]]) {
    const a = dyadicWeights(rng, n), b = dyadicWeights(rng, m);
    // All costs equal: every feasible plan costs 2.5.
    const flat = new Float64Array(n * m).fill(2.5);
    const r1 = networkSimplex(a, b, flat, n, m);
    assert.ok(Math.abs(r1.cost - 2.5) <= 1e-12, `${n}x${m} flat: ${r1.cost}`);
    checkResult(flat, n, m, a, b, r1);
    // Random costs with row 1 = row 0 and column 1 = column 0.
    const M = new Float64Array(n * m);
    // Half the costs are small integers: many ties.
    for (let e = 0; e < M.length; e++) M[e] = rng.int(4) + (e % 2 === 0 ? 0 : rng.uniform());
    if (n > 1) for (let j = 0; j < m; j++) M[m + j] = M[j];
    if (m > 1) for (let i = 0; i < n; i++) M[i * m + 1] = M[i * m];
    const r2 = networkSimplex(a, b, M, n, m);
    checkResult(M, n, m, a, b, r2);
    slackness(M, m, r2);
    // One side with a single point: the plan is forced.
    if (n === 1 || m === 1) {
      let forced = 0;
      for (let e = 0; e < M.length; e++) forced += (n === 1 ? b[e] : a[e]) * M[e];
      assert.ok(Math.abs(r2.cost - forced) <= 1e-12 * forced, `${n}x${m}: ${r2.cost} vs forced ${forced}`);
    }
  }
});

test('a 300×400 problem needing thousands of pivots costs what few-sources finds; 300×300 what assignment finds', () => {
  const rng = new Rng(63);
  const d = 8;
  const pts = (k: number): Float64Array => { const x = new Float64Array(k * d); for (let t = 0; t < x.length; t++) x[t] = rng.normal(); return x; };
  const cost = (x: Float64Array, y: Float64Array, n: number, m: number): Float64Array => {
    const M = new Float64Array(n * m);
    for (let i = 0; i < n; i++) for (let j = 0; j < m; j++) {
      let s = 0;
      for (let t = 0; t < d; t++) { const z = x[i * d + t] - y[j * d + t]; s += z * z; }
      M[i * m + j] = Math.sqrt(s);
    }
    return M;
  };
  const x = pts(300), y = pts(400);
  const M = cost(x, y, 300, 400);
  const ns = emd(300, 400, M, { solver: 'network-simplex' });
  assert.ok(ns.log.iterations > 1000, `only ${ns.log.iterations} pivots`);
  const fs = emd(300, 400, M, { solver: 'few-sources' });
  assert.ok(Math.abs(ns.cost - fs.cost) <= 1e-12 * fs.cost, `${ns.cost} vs few-sources ${fs.cost}`);
  checkResult(M, 300, 400, new Float64Array(300).fill(1 / 300), new Float64Array(400).fill(1 / 400), ns);
  slackness(M, 400, ns);
  const Ms = cost(x, y.subarray(0, 300 * d), 300, 300);
  const ns2 = emd(300, 300, Ms, { solver: 'network-simplex' });
  const as = emd(300, 300, Ms, { solver: 'assignment' });
  assert.ok(Math.abs(ns2.cost - as.cost) <= 1e-12 * as.cost, `${ns2.cost} vs assignment ${as.cost}`);
  slackness(Ms, 300, ns2);
  // Arbitrary weights on the same costs: the dual objective certifies the optimum.
  const a = dyadicWeights(rng, 300), b = dyadicWeights(rng, 400);
  const r = networkSimplex(a, b, M, 300, 400);
  checkResult(M, 300, 400, a, b, r);
  slackness(M, 400, r);
});
