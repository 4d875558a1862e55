// Exact transport against POT: costs from ot.emd2 (iteration cap raised) on cost matrices with
// duplicates, many equal costs, n = 1, m = 1, n ≠ m and arbitrary weights, and W1 from points
// against ot.dist + ot.emd2. Fixtures made by test/fixtures/ot/make_fixtures.py.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { emd, type EmdSolver } from '../../src/ot/lp/emd.js';
import { w1 } from '../../src/ot/distances.js';
import { checkResult } from './check-plan.js';

interface Case { name: string; n: number; m: number; M: number[]; a: number[] | null; b: number[] | null; cost: number }
interface PointCase { n: number; m: number; d: number; x: number[]; y: number[]; w1: number }
const fx = JSON.parse(readFileSync(new URL('../../../test/fixtures/ot/pot_fixtures.json', import.meta.url), 'utf8')) as { cases: Case[]; points: PointCase[] };

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
