// CentroidCosts: both storages (sparse residuals around a common value, dense residuals around
// the mean) against float64 brute force: the cost matrix, plan-pair costs, weighted means,
// differences and projections.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CentroidCosts } from '../../src/ot/ot-means-cost.js';
import { Rng } from '../../src/engine/random.js';

function brute(c: Float64Array, x: Float32Array, k: number, n: number, d: number, i: number, j: number): number {
  let s = 0;
  for (let q = 0; q < d; q++) s += (c[i * d + q] - x[j * d + q]) ** 2;
  return Math.sqrt(Math.max(s, 1e-10));
}

function data(kind: 'sparse' | 'dense', n: number, d: number, rng: Rng): Float32Array {
  const x = new Float32Array(n * d);
  if (kind === 'dense') { rng.fillNormal(x); return x; }
  x.fill(-1);
  for (let j = 0; j < n; j++) for (let t = 0; t < 2; t++) x[j * d + rng.int(d)] = rng.uniform() * 2 - 1;
  return x;
}

for (const kind of ['sparse', 'dense'] as const) {
  test(`${kind} storage: costs, pair costs, weighted means, projections match float64 brute force`, () => {
    const n = 37, d = 45, k = 11; // k not a multiple of 8: exercises the remainder loop
    const rng = new Rng(kind === 'sparse' ? 1 : 2);
    const x = data(kind, n, d, rng);
    const cc = new CentroidCosts(n, d, k, (out) => out.set(x));
    assert.equal(cc.isSparse, kind === 'sparse');
    const c = new Float64Array(k * d);
    rng.fillNormal(c, 0.5);
    c.set(Array.from(x.subarray(0, d)), 0); // centroid 0 sits on data point 0: distance 0 → floor
    const C = new Float64Array(k * n);
    cc.costs(c, d, C);
    // sparse: float64 throughout; dense: float32 products, near entries refined in float64
    // (float32 storage of x − μ keeps about 1e-7 relative per coordinate)
    for (let i = 0; i < k; i++) for (let j = 0; j < n; j++) {
      const b = brute(c, x, k, n, d, i, j) / d;
      if (i === 0 && j === 0) continue;
      assert.ok(Math.abs(C[i * n + j] - b) < (kind === 'sparse' ? 1e-12 : 1e-5) * b, `${kind} C[${i},${j}] ${C[i * n + j]} vs ${b}`);
    }
    assert.ok(Math.abs(C[0] - 1e-5 / d) < 1e-12, `a centroid on a data point costs the clamped floor, got ${C[0] * d}`);
    // Weighted means: row 3 = (1·x5 + 3·x6) / 4, row 10 = x36; other rows untouched.
    const before = c.slice();
    cc.weightedMeans(Int32Array.from([3, 3, 10]), Int32Array.from([5, 6, 36]), Float64Array.from([1, 3, 0.5]), 0, c);
    for (let q = 0; q < d; q++) {
      assert.ok(Math.abs(c[3 * d + q] - (x[5 * d + q] + 3 * x[6 * d + q]) / 4) < 1e-6);
      assert.ok(Math.abs(c[10 * d + q] - x[36 * d + q]) < 1e-6);
      assert.equal(c[1 * d + q], before[1 * d + q]);
    }
    // Clipped denominator: total weight 1e-9 clipped at 1e-6 shrinks the mean towards 0.
    cc.weightedMeans(Int32Array.from([1]), Int32Array.from([4]), Float64Array.from([1e-9]), 1e-6, c);
    for (let q = 0; q < d; q++) assert.ok(Math.abs(c[d + q] - x[4 * d + q] * 1e-3) < 1e-6);
    const diff = new Float64Array(d);
    cc.difference(c, 2, 7, diff);
    for (let q = 0; q < d; q++) assert.ok(Math.abs(diff[q] - (c[2 * d + q] - x[7 * d + q])) < 1e-6);
    // Projections of residuals: differences of projections are translation free.
    const p = 3;
    const dirs = new Float32Array(p * d);
    rng.fillNormal(dirs);
    const px = cc.projectData(dirs, p), pcen = cc.projectCentroids(c, dirs, p);
    for (let q = 0; q < p; q++) {
      let want = 0;
      for (let e = 0; e < d; e++) want += (c[4 * d + e] - x[9 * d + e]) * dirs[q * d + e];
      const got = pcen[4 * p + q] - px[9 * p + q];
      assert.ok(Math.abs(got - want) < 1e-4 * (1 + Math.abs(want)), `${kind} projection ${q}: ${got} vs ${want}`);
    }
    cc.dispose();
  });
}
