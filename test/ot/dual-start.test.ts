// The few-sources solver's start (src/ot/lp/dual-start.ts, dual-candidates.ts): the candidate
// entries against brute force (which entries are kept, the best/second scan over them, the
// gap selection), and exact solves large enough (K > 16, N ≥ 64K) for the sweeps to run on
// candidates: uniform and weighted, both orientations, and a row far from every point, whose
// candidates cannot reach its mass (the whole-row fallback).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CandidateEntries } from '../../src/ot/lp/dual-candidates.js';
import { fewSources } from '../../src/ot/lp/few-sources.js';
import { networkSimplex } from '../../src/ot/lp/network-simplex.js';
import { Rng } from '../../src/engine/random.js';
import { clusteredCosts } from './check-plan.js';

/** Euclidean costs between K centres and N points drawn around a third of them. */
const clustered = (rng: Rng, K: number, N: number, d: number, farRow = -1): Float64Array => clusteredCosts(rng, K, N, d, { share: 1 / 3, spread: 0.8, farRow });

test('candidate entries are exactly those within the window of their column best; scan and gaps agree with brute force', () => {
  const rng = new Rng(41);
  const K = 40, N = 900;
  const M = clustered(rng, K, N, 3);
  const u = new Float64Array(K);
  for (let i = 0; i < K; i++) u[i] = 0.3 * rng.normal();
  u[7] = -50; // row 7 is nowhere near any column's best: no candidates, rowGaps refuses
  const best = new Float64Array(N).fill(Infinity), second = new Float64Array(N).fill(Infinity), bestRow = new Int32Array(N);
  for (let j = 0; j < N; j++) for (let i = 0; i < K; i++) {
    const v = M[i * N + j] - u[i];
    if (v < best[j]) { second[j] = best[j]; best[j] = v; bestRow[j] = i; } else if (v < second[j]) second[j] = v;
  }
  const cand = new CandidateEntries(M, K, N, N, 1, u, best);
  assert.ok(cand.window >= 0);
  let kept = 0;
  for (let j = 0; j < N; j++) for (let i = 0; i < K; i++) if (M[i * N + j] - u[i] - best[j] <= cand.window) kept++;
  assert.equal(cand.size, kept);
  assert.ok(kept > N && kept < K * N, `${kept} entries kept of ${K * N}`);
  const bv = new Float64Array(N), sv = new Float64Array(N), br = new Int32Array(N);
  cand.scan(u, bv, sv, br);
  for (let j = 0; j < N; j++) {
    assert.equal(bv[j], best[j], `best of column ${j}`);
    assert.equal(br[j], bestRow[j], `best row of column ${j}`);
    assert.equal(sv[j], second[j] - best[j] <= cand.window ? second[j] : Infinity, `second of column ${j}`);
  }
  // Gap selection for every row over its own candidates, against sorting them.
  const buf = new Float64Array(N), pair = new Float64Array(2);
  let refused = 0;
  for (let i = 0; i < K; i++) {
    const gaps: number[] = [];
    for (let j = 0; j < N; j++) if (M[i * N + j] - u[i] - best[j] <= cand.window) gaps.push(M[i * N + j] - (br[j] === i ? sv[j] : bv[j]));
    gaps.sort((a, b) => a - b);
    const c = Math.floor(N / K);
    const ok = cand.rowGaps(i, c, br, bv, sv, buf, pair);
    assert.equal(ok, gaps.length > c, `row ${i}: ${gaps.length} candidates for rank ${c}`);
    if (ok) { assert.equal(pair[1], gaps[c]); assert.equal(pair[0], c > 0 ? gaps[c - 1] : -Infinity); } else refused++;
  }
  assert.ok(refused >= 1 && refused < K, `${refused} rows refused`);
});

test('exact on problems whose start sweeps run on candidates: uniform both ways, weighted, and a row far from every point', () => {
  const rng = new Rng(42);
  const cases: Array<{ K: number; N: number; weighted: boolean; far: number }> = [
    { K: 24, N: 1800, weighted: false, far: -1 },
    { K: 20, N: 1500, weighted: true, far: -1 },
    { K: 24, N: 1700, weighted: false, far: 5 },
  ];
  for (const { K, N, weighted, far } of cases) {
    const M = clustered(rng, K, N, 4, far);
    const a = new Float64Array(K).fill(N), b = new Float64Array(N).fill(K);
    if (weighted) {
      for (let i = 0; i < K; i++) a[i] = 1 + rng.int(5);
      for (let j = 0; j < N; j++) b[j] = j % 29 === 0 ? 0 : 1 + rng.int(3);
      const sa = a.reduce((s, v) => s + v, 0), sb = b.reduce((s, v) => s + v, 0);
      for (let i = 0; i < K; i++) a[i] *= sb;
      for (let j = 0; j < N; j++) b[j] *= sa;
    }
    const ns = networkSimplex(a, b, M, K, N);
    const what = `${K}x${N}${weighted ? ' weighted' : ''}${far >= 0 ? ' far row' : ''}`;
    const r = fewSources(a, b, M, K, N);
    assert.equal(r.status, 'optimal', what);
    assert.ok(Math.abs(r.cost - ns.cost) <= 1e-12 * ns.cost, `${what}: ${r.cost} vs ${ns.cost}`);
    // The transposed problem (the small side as columns: strided reads) gives the same cost.
    const T = new Float64Array(N * K);
    for (let i = 0; i < K; i++) for (let j = 0; j < N; j++) T[j * K + i] = M[i * N + j];
    const rt = fewSources(b, a, T, N, K);
    assert.equal(rt.status, 'optimal', `${what} transposed`);
    assert.ok(Math.abs(rt.cost - ns.cost) <= 1e-12 * ns.cost, `${what} transposed: ${rt.cost} vs ${ns.cost}`);
    let dual = 0;
    for (let j = 0; j < N; j++) dual += b[j] * rt.u[j];
    for (let i = 0; i < K; i++) dual += a[i] * rt.v[i];
    assert.ok(Math.abs(dual - rt.cost) <= 1e-12 * ns.cost, `${what} transposed: dual ${dual} vs ${rt.cost}`);
  }
});
