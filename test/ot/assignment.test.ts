// The assignment solver (row reduction with its cache, then shortest-path augmentation):
// brute force over permutations on tiny problems, degenerate ones (all costs equal, duplicated
// rows and columns, n = 1), duals and complementary slackness, and mid-sized problems whose
// cost the network simplex confirms, both when row reduction finishes the matching alone and
// when augmentations are needed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { assignment } from '../../src/ot/lp/assignment.js';
import { networkSimplex } from '../../src/ot/lp/network-simplex.js';
import { Rng } from '../../src/engine/random.js';

function permutations(n: number): number[][] {
  if (n === 1) return [[0]];
  const out: number[][] = [];
  for (const p of permutations(n - 1)) for (let k = 0; k <= p.length; k++) { const q = p.slice(); q.splice(k, 0, n - 1); out.push(q); }
  return out;
}

/** A permutation, dual feasibility u_i + v_j ≤ C_ij, tightness on the matching, cost = dual objective. */
function checkAssignment(C: Float64Array, n: number, r: ReturnType<typeof assignment>): void {
  assert.equal(r.status, 'optimal');
  assert.equal(r.plan.mass.length, n);
  const seen = new Uint8Array(n);
  let sum = 0, dual = 0, maxC = 0;
  for (let e = 0; e < C.length; e++) maxC = Math.max(maxC, Math.abs(C[e]));
  const tol = 1e-9 * (maxC + 1);
  for (let k = 0; k < n; k++) {
    const i = r.plan.rows[k], j = r.plan.cols[k];
    assert.equal(i, k);
    assert.equal(seen[j], 0, `column ${j} used twice`);
    seen[j] = 1;
    assert.equal(r.plan.mass[k], 1);
    sum += C[i * n + j];
    assert.ok(Math.abs(r.u[i] + r.v[j] - C[i * n + j]) <= tol, `pair (${i}, ${j}) is not tight`);
  }
  for (let i = 0; i < n; i++) dual += r.u[i] + r.v[i];
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) assert.ok(r.u[i] + r.v[j] <= C[i * n + j] + tol, `dual infeasible at (${i}, ${j})`);
  assert.ok(Math.abs(sum / n - r.cost) <= 1e-15 * Math.max(1, Math.abs(sum)), `cost ${r.cost} vs Σ ${sum / n}`);
  assert.ok(Math.abs(dual - sum) <= 1e-9 * Math.max(1, Math.abs(sum)), `dual objective ${dual} vs ${sum}`);
}

function costs(rng: Rng, n: number, kind: string): Float64Array {
  const C = new Float64Array(n * n);
  if (kind === 'equal') return C.fill(0.75);
  if (kind === 'ints') { for (let e = 0; e < C.length; e++) C[e] = rng.int(4); return C; }
  const d = kind === 'plane' ? 2 : 16;
  const x = new Float64Array(n * d), y = new Float64Array(n * d);
  for (let t = 0; t < x.length; t++) { x[t] = rng.uniform(); y[t] = rng.uniform(); }
  if (kind === 'dups' && n > 2) {
    for (let t = 0; t < d; t++) { x[d + t] = x[t]; y[d + t] = y[t]; } // point 1 = point 0 on both sides
  }
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) {
    let s = 0;
    for (let t = 0; t < d; t++) { const z = x[i * d + t] - y[j * d + t]; s += z * z; }
    C[i * n + j] = Math.sqrt(s);
  }
  return C;
}

test('assignment equals brute force over permutations (real, integer ties, equal costs, duplicates, n = 1)', () => {
  const rng = new Rng(71);
  for (let t = 0; t < 160; t++) {
    const n = 1 + (t % 7);
    const kind = (['real', 'ints', 'equal', 'dups'] as const)[t % 4];
    const C = costs(rng, n, kind);
    let best = Infinity;
    for (const p of permutations(n)) { let s = 0; for (let i = 0; i < n; i++) s += C[i * n + p[i]]; best = Math.min(best, s); }
    const r = assignment(C, n);
    assert.ok(Math.abs(r.cost * n - best) <= 1e-12 * Math.max(1, best), `${kind} n=${n}: ${r.cost * n} vs brute ${best}`);
    checkAssignment(C, n, r);
  }
});

test('duplicated rows and columns: the cost is what the network simplex finds', () => {
  const rng = new Rng(72);
  const n = 60;
  const C = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) C[i * n + j] = (i % 5) * 0.3 + ((j % 4) * 0.7) ** 2 + (i % 5 === j % 4 ? 0 : 0.1);
  for (const M of [C, costs(rng, n, 'ints')]) {
    const r = assignment(M, n);
    checkAssignment(M, n, r);
    const ones = new Float64Array(n).fill(1);
    const ns = networkSimplex(ones, ones, M, n, n);
    assert.ok(Math.abs(r.cost * n - ns.cost) <= 1e-12 * Math.max(1, ns.cost), `${r.cost * n} vs network simplex ${ns.cost}`);
  }
});

test('300×300 problems, finished by row reduction alone or by augmentations, cost what the network simplex finds', () => {
  const rng = new Rng(73);
  const n = 300;
  const ones = new Float64Array(n).fill(1);
  let augmented = 0, reducedOnly = 0;
  for (const kind of ['cloud', 'plane', 'ints', 'equal']) {
    const C = costs(rng, n, kind);
    const r = assignment(C, n);
    checkAssignment(C, n, r);
    const ns = networkSimplex(ones, ones, C, n, n);
    assert.ok(Math.abs(r.cost * n - ns.cost) <= 1e-12 * Math.max(1, ns.cost), `${kind}: ${r.cost * n} vs network simplex ${ns.cost}`);
    if (r.log.iterations > 0) augmented++; else reducedOnly++;
  }
  // Both ends of the solver ran: some problem needed augmentations, some none.
  assert.ok(augmented > 0 && reducedOnly > 0, `augmented ${augmented}, reduction only ${reducedOnly}`);
});

test('near-additive costs (two far clusters) and heavy duplication (40 distinct points) cost what the network simplex finds', () => {
  const rng = new Rng(74);
  const n = 200, d = 8;
  const ones = new Float64Array(n).fill(1);
  const dist = (x: Float64Array, y: Float64Array): Float64Array => {
    const C = new Float64Array(n * n);
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) {
      let s = 0;
      for (let t = 0; t < d; t++) { const z = x[i * d + t] - y[j * d + t]; s += z * z; }
      C[i * n + j] = Math.sqrt(s);
    }
    return C;
  };
  const far = new Float64Array(n * d), near = new Float64Array(n * d);
  for (let t = 0; t < far.length; t++) { far[t] = rng.normal() + (t % d === 0 ? 40 : 0); near[t] = rng.normal(); }
  const distinct = new Float64Array(40 * d);
  for (let t = 0; t < distinct.length; t++) distinct[t] = rng.int(3);
  const pick = (): Float64Array => {
    const x = new Float64Array(n * d);
    for (let i = 0; i < n; i++) { const p = rng.int(40); x.set(distinct.subarray(p * d, p * d + d), i * d); }
    return x;
  };
  for (const C of [dist(near, far), dist(pick(), pick())]) {
    const r = assignment(C, n);
    checkAssignment(C, n, r);
    const ns = networkSimplex(ones, ones, C, n, n);
    assert.ok(Math.abs(r.cost * n - ns.cost) <= 1e-12 * Math.max(1, ns.cost), `${r.cost * n} vs network simplex ${ns.cost}`);
  }
});
