// Exact transport against POT: costs from ot.emd2 (iteration cap raised) on cost matrices with
// duplicates, many equal costs, n = 1, m = 1, n ≠ m and arbitrary weights, and W1 from points
// against ot.dist + ot.emd2; entropic costs against POT's converged log-domain Sinkhorn.
// Fixtures made by test/fixtures/ot/make_fixtures.py.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { emd, type EmdSolver } from '../../src/ot/lp/emd.js';
import { w1 } from '../../src/ot/distances.js';
import { sinkhorn } from '../../src/ot/sinkhorn.js';
import { checkResult } from './check-plan.js';

interface Case { name: string; n: number; m: number; M: number[]; a: number[] | null; b: number[] | null; cost: number }
interface PointCase { n: number; m: number; d: number; x: number[]; y: number[]; w1: number }
interface SinkhornCase { n: number; m: number; reg: number; M: number[]; a: number[] | null; b: number[] | null; cost: number }
const fx = JSON.parse(readFileSync(new URL('../../../test/fixtures/ot/pot_fixtures.json', import.meta.url), 'utf8')) as { cases: Case[]; points: PointCase[]; sinkhorn: SinkhornCase[] };

test('every exact solver matches POT\'s exact cost to 1e-9 relative, with exact marginals and duals', () => {
  assert.ok(fx.cases.length >= 30);
  for (const c of fx.cases) {
    const M = Float64Array.from(c.M);
    const solvers: EmdSolver[] = ['auto', 'network-simplex', 'few-sources'];
    if (c.a === null && c.n === c.m) solvers.push('assignment');
    for (const solver of solvers) {
      const r = c.a === null ? emd(c.n, c.m, M, { solver }) : emd(c.a, c.b!, M, { solver });
      assert.ok(Math.abs(r.cost - c.cost) <= 1e-9 * Math.abs(c.cost) + 1e-15, `${c.name} (${solver}): ${r.cost} vs POT ${c.cost}`);
      const a = c.a ? Float64Array.from(c.a) : new Float64Array(c.n).fill(1 / c.n);
      const b = c.b ? Float64Array.from(c.b) : new Float64Array(c.m).fill(1 / c.m);
      checkResult(M, c.n, c.m, a, b, r);
    }
  }
});

test('W1 from points (float64 and float32 inputs) matches POT to 1e-5 relative', () => {
  for (const p of fx.points) {
    const x = Float64Array.from(p.x), y = Float64Array.from(p.y);
    const v64 = w1(x, p.n, y, p.m, p.d).value;
    assert.ok(Math.abs(v64 - p.w1) <= 1e-5 * p.w1, `float64 ${v64} vs POT ${p.w1}`);
    const v32 = w1(Float32Array.from(p.x), p.n, Float32Array.from(p.y), p.m, p.d).value;
    assert.ok(Math.abs(v32 - p.w1) <= 1e-5 * p.w1, `float32 ${v32} vs POT ${p.w1}`);
  }
});

test('Sinkhorn converges to POT\'s entropic plan: <P, M> to 1e-9 relative, marginals to the tolerance', () => {
  assert.ok(fx.sinkhorn.length >= 4);
  for (const c of fx.sinkhorn) {
    const M = Float64Array.from(c.M);
    const r = c.a === null ? sinkhorn(c.n, c.m, M, c.reg, { maxIter: 200000, tol: 1e-13 }) : sinkhorn(c.a, c.b!, M, c.reg, { maxIter: 200000, tol: 1e-13 });
    const what = `${c.n}x${c.m} reg ${c.reg}${c.a ? ' weighted' : ''}`;
    assert.ok(r.converged, `${what}: not converged (${r.marginalError})`);
    assert.ok(Math.abs(r.cost - c.cost) <= 1e-9 * c.cost, `${what}: ${r.cost} vs POT ${c.cost}`);
    const a = c.a ?? new Array<number>(c.n).fill(1 / c.n), b = c.b ?? new Array<number>(c.m).fill(1 / c.m);
    for (let i = 0; i < c.n; i++) { let s = 0; for (let j = 0; j < c.m; j++) s += r.plan[i * c.m + j]; assert.ok(Math.abs(s - a[i]) <= 1e-12, `${what}: row ${i}`); }
    for (let j = 0; j < c.m; j++) { let s = 0; for (let i = 0; i < c.n; i++) s += r.plan[i * c.m + j]; assert.ok(Math.abs(s - b[j]) <= 1e-12, `${what}: column ${j}`); }
  }
});
