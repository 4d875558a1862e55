// Exact transport: every solver against brute force (permutations) on tiny problems, against
// each other on degenerate ones (duplicates, many equal costs, n = 1, m = 1, n ≠ m), with exact
// marginals and cost = Σ plan·C = dual objective.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { emd, emd2, type EmdSolver } from '../../src/ot/lp/emd.js';
import { Rng } from '../../src/engine/random.js';
import { checkResult } from './check-plan.js';

function permutations(n: number): number[][] {
  if (n === 1) return [[0]];
  const out: number[][] = [];
  for (const p of permutations(n - 1)) for (let k = 0; k <= p.length; k++) { const q = p.slice(); q.splice(k, 0, n - 1); out.push(q); }
  return out;
}

function randomCost(rng: Rng, n: number, m: number, kind: 'real' | 'ties' | 'dups'): Float64Array {
  const M = new Float64Array(n * m);
  for (let e = 0; e < n * m; e++) M[e] = kind === 'ties' ? rng.int(3) : rng.uniform();
  if (kind === 'dups' && n > 1) for (let j = 0; j < m; j++) M[m + j] = M[j]; // row 1 duplicates row 0
  if (kind === 'dups' && m > 1) for (let i = 0; i < n; i++) M[i * m + 1] = M[i * m];
  return M;
}

const uniform = (n: number): Float64Array => new Float64Array(n).fill(1 / n);

test('all exact solvers equal brute force on tiny square problems (ties, duplicates included)', () => {
  const rng = new Rng(11);
  for (let t = 0; t < 120; t++) {
    const n = 1 + (t % 6);
    const kind = (['real', 'ties', 'dups'] as const)[t % 3];
    const M = randomCost(rng, n, n, kind);
    let best = Infinity;
    for (const p of permutations(n)) { let s = 0; for (let i = 0; i < n; i++) s += M[i * n + p[i]]; best = Math.min(best, s / n); }
    for (const solver of ['network-simplex', 'assignment', 'few-sources'] as EmdSolver[]) {
      const r = emd(n, n, M, { solver });
      assert.ok(Math.abs(r.cost - best) <= 1e-12 * Math.max(1, best), `${solver} ${kind} n=${n}: ${r.cost} vs brute ${best}`);
      checkResult(M, n, n, uniform(n), uniform(n), r);
    }
  }
});

test('network simplex and few-sources agree on rectangular degenerate problems, n = 1 and m = 1', () => {
  const rng = new Rng(12);
  const shapes = [[1, 1], [1, 7], [7, 1], [2, 9], [9, 2], [3, 30], [30, 3], [5, 8], [8, 5], [13, 17]];
  for (const [n, m] of shapes) {
    for (const kind of ['real', 'ties', 'dups'] as const) {
      const M = randomCost(rng, n, m, kind);
      const a = emd(n, m, M, { solver: 'network-simplex' });
      const b = emd(n, m, M, { solver: 'few-sources' });
      assert.ok(Math.abs(a.cost - b.cost) <= 1e-12 * Math.max(1, a.cost), `${n}x${m} ${kind}: ${a.cost} vs ${b.cost}`);
      checkResult(M, n, m, uniform(n), uniform(m), a);
      checkResult(M, n, m, uniform(n), uniform(m), b);
    }
  }
});

test('arbitrary weights: solvers agree and meet the weights exactly', () => {
  const rng = new Rng(13);
  for (const [n, m] of [[4, 6], [6, 4], [3, 40], [10, 10]]) {
    const a = new Float64Array(n), b = new Float64Array(m);
    for (let i = 0; i < n; i++) a[i] = 1 + rng.int(5);
    for (let j = 0; j < m; j++) b[j] = 1 + rng.int(5);
    // equalise totals exactly in integers, then normalise
    let sa = a.reduce((s, v) => s + v, 0), sb = b.reduce((s, v) => s + v, 0);
    for (let i = 0; i < n; i++) a[i] *= sb; for (let j = 0; j < m; j++) b[j] *= sa;
    const M = randomCost(rng, n, m, 'ties');
    const r1 = emd(a, b, M, { solver: 'network-simplex' });
    const r2 = emd(a, b, M, { solver: 'few-sources' });
    assert.ok(Math.abs(r1.cost - r2.cost) <= 1e-9 * r1.cost + 1e-12);
    checkResult(M, n, m, a, b, r1);
    checkResult(M, n, m, a, b, r2);
  }
});

test('a capped network simplex says max_iter and emd2 refuses it', () => {
  const rng = new Rng(14);
  const M = randomCost(rng, 20, 30, 'real');
  const r = emd(20, 30, M, { solver: 'network-simplex', maxIter: 3 });
  assert.equal(r.status, 'max_iter');
  assert.throws(() => emd2(20, 30, M, { solver: 'network-simplex', maxIter: 3 }), /not optimal/);
});

test('bad inputs are refused', () => {
  assert.throws(() => emd(2, 2, new Float64Array(3)), /cost matrix/);
  assert.throws(() => emd(2, 2, new Float64Array([0, 1, NaN, 2])), /NaN/);
  assert.throws(() => emd([0.5, 0.5], [0.2, 0.2], new Float64Array(4)), /equal positive sums/);
});

test('few sources against many (balancing start) equals the network simplex, with ties and duplicates', () => {
  const rng = new Rng(15);
  for (const [n, m, kind] of [[6, 300, 'ties'], [300, 6, 'ties'], [8, 500, 'real'], [5, 250, 'dups']] as const) {
    const M = randomCost(rng, n, m, kind);
    const a = emd(n, m, M, { solver: 'network-simplex' });
    const b = emd(n, m, M);
    assert.equal(b.log.solver, 'few-sources');
    assert.ok(Math.abs(a.cost - b.cost) <= 1e-12 * Math.max(1, a.cost), `${n}x${m} ${kind}: ${a.cost} vs ${b.cost}`);
    checkResult(M, n, m, uniform(n), uniform(m), b);
  }
});
