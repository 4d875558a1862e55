// otMeans: analytic cases (separated clusters → cluster means / medians, k = 1 → mean and a
// geometric median known in closed form, k = N → the data points), the plan's marginals, the
// cost it reports against a float64 brute force, and each method lowering the cost.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { otMeans, type OtMeansMethod } from '../../src/ot/ot-means.js';
import { Rng } from '../../src/engine/random.js';
import { w1 } from '../../src/ot/distances.js';
import { swd } from '../../src/ot/sliced.js';

const METHODS: OtMeansMethod[] = ['mean', 'weisfeld', 'sgd'];

function dist(a: ArrayLike<number>, ao: number, b: ArrayLike<number>, bo: number, d: number): number {
  let s = 0;
  for (let q = 0; q < d; q++) s += (a[ao + q] - b[bo + q]) ** 2;
  return Math.sqrt(s);
}

/** k clusters of equal size, far apart: centre_c = 100·e_c (c < d), each point centre + offsets. */
function clusters(k: number, d: number, offsets: number[][]): { x: Float32Array; n: number; members: number[][] } {
  const m = offsets.length;
  const x = new Float32Array(k * m * d);
  const members: number[][] = [];
  for (let c = 0; c < k; c++) {
    members.push([]);
    for (let p = 0; p < m; p++) {
      const j = c * m + p;
      members[c].push(j);
      for (let q = 0; q < d; q++) x[j * d + q] = (q === c ? 100 : 0) + offsets[p][q];
    }
  }
  return { x, n: k * m, members };
}

/** For each centroid, the cluster whose centre is nearest; asserts they form a bijection. */
function matchClusters(centroids: Float32Array, k: number, d: number): number[] {
  const owner: number[] = [];
  for (let i = 0; i < k; i++) {
    let best = -1, bd = Infinity;
    for (let c = 0; c < k; c++) {
      let s = 0;
      for (let q = 0; q < d; q++) s += (centroids[i * d + q] - (q === c ? 100 : 0)) ** 2;
      if (s < bd) { bd = s; best = c; }
    }
    owner.push(best);
  }
  assert.equal(new Set(owner).size, k, 'each cluster gets exactly one centroid');
  return owner;
}

test('mean: k well-separated equal clusters → the cluster means', () => {
  const k = 4, d = 5;
  const offsets = [[0, 0, 0, 0, 0], [1, 2, 0, -1, 0.5], [-3, 1, 2, 0, 0], [0.5, -2, 1, 3, -1], [2, 2, -2, 0, 1], [0, 0, 4, -2, 0]];
  const { x, n, members } = clusters(k, d, offsets);
  const r = otMeans({ n, d, values: x }, k, { method: 'mean', iterations: 3, rng: new Rng(1) });
  const owner = matchClusters(r.centroids, k, d);
  for (let i = 0; i < k; i++) {
    for (let q = 0; q < d; q++) {
      let mean = 0;
      for (const j of members[owner[i]]) mean += x[j * d + q];
      mean /= members[owner[i]].length;
      // float32 storage of values ~100: relative precision 6e-8
      assert.ok(Math.abs(r.centroids[i * d + q] - mean) < 1e-4, `centroid ${i} coord ${q}: ${r.centroids[i * d + q]} vs ${mean}`);
    }
  }
});

test('weisfeld: k well-separated equal clusters → the cluster geometric medians', () => {
  // Each cluster: five collinear points at t = 0, 0.5, 1, 3, 7 along u; their geometric
  // median is the middle point (t = 1), while their mean is t = 2.3.
  const k = 3, d = 4;
  const u = [0.6, 0.8, 0, 0];
  const ts = [0, 0.5, 1, 3, 7];
  const { x, n, members } = clusters(k, d, ts.map((t) => u.map((v) => v * t)));
  const r = otMeans({ n, d, values: x }, k, { method: 'weisfeld', iterations: 10, rng: new Rng(2) });
  const owner = matchClusters(r.centroids, k, d);
  for (let i = 0; i < k; i++) {
    const median = members[owner[i]][2];
    assert.ok(dist(r.centroids, i * d, x, median * d, d) < 1e-4, `centroid ${i} is ${dist(r.centroids, i * d, x, median * d, d)} from the median`);
  }
});

test('the plan has uniform marginals 1/k and 1/N, and the reported costs match a float64 brute force', () => {
  const n = 50, d = 7, k = 6;
  const rng = new Rng(3);
  const x = new Float32Array(n * d);
  rng.fillNormal(x);
  for (const method of METHODS) {
    const r = otMeans({ n, d, values: x }, k, { method, iterations: 3, rng: new Rng(4) });
    const rowSum = new Float64Array(k), colSum = new Float64Array(n);
    let cost = 0;
    for (let t = 0; t < r.plan.mass.length; t++) {
      const i = r.plan.rows[t], j = r.plan.cols[t], p = r.plan.mass[t];
      assert.ok(p >= 0);
      rowSum[i] += p; colSum[j] += p;
      cost += p * dist(r.centroids, i * d, x, j * d, d);
    }
    for (let i = 0; i < k; i++) assert.ok(Math.abs(rowSum[i] - 1 / k) < 1e-12, `${method}: row ${i} sums to ${rowSum[i]}`);
    for (let j = 0; j < n; j++) assert.ok(Math.abs(colSum[j] - 1 / n) < 1e-12, `${method}: column ${j} sums to ${colSum[j]}`);
    // The final centroids were returned as float32: compare against the plan's cost in float64.
    assert.ok(Math.abs(r.w1 - cost) < 1e-5 * cost, `${method}: W1 ${r.w1} vs Σ P·C ${cost}`);
    assert.ok(Math.abs(r.otCost - cost / d) < 1e-5 * cost / d);
    // And the exact W1 of the ot module (float64 costs, its own solve) agrees.
    const ref = w1(r.centroids, k, x, n, d).value;
    assert.ok(Math.abs(r.w1 - ref) < 1e-5 * ref, `${method}: W1 ${r.w1} vs w1() ${ref}`);
  }
});

test('each method lowers the OT cost from its start', () => {
  const n = 80, d = 10, k = 8;
  const rng = new Rng(5);
  const x = new Float32Array(n * d);
  rng.fillNormal(x);
  for (let e = 0; e < x.length; e++) x[e] += (e % d) < 3 ? 2 : 0;
  for (const method of METHODS) {
    const r = otMeans({ n, d, values: x }, k, { method, iterations: 4, rng: new Rng(6) });
    assert.equal(r.history.length, 5);
    const first = r.history[0].otCost, last = r.history[r.history.length - 1].otCost;
    assert.ok(last < first, `${method}: ${first} → ${last}`);
    for (const h of r.history) assert.ok(Math.abs(h.w1 - h.otCost * d) < 1e-12 * h.w1 + 1e-15);
  }
});

test('k = 1: mean gives the data mean, weisfeld the geometric median', () => {
  // A convex quadrilateral: its geometric median is where the diagonals cross,
  // (0,0)–(5,3) and (4,0)–(1,2): t(5,3) = (4,0) + s(−3,2) → t = 4/9.5; mean (2.5, 1.25).
  const x = Float32Array.from([0, 0, 4, 0, 5, 3, 1, 2]);
  const mean = otMeans({ n: 4, d: 2, values: x }, 1, { method: 'mean', iterations: 1, rng: new Rng(7) });
  assert.ok(Math.abs(mean.centroids[0] - 2.5) < 1e-6 && Math.abs(mean.centroids[1] - 1.25) < 1e-6, `${mean.centroids}`);
  const med = otMeans({ n: 4, d: 2, values: x }, 1, { method: 'weisfeld', iterations: 10, rng: new Rng(7) });
  const t = 4 / 9.5;
  assert.ok(Math.abs(med.centroids[0] - 5 * t) < 1e-4 && Math.abs(med.centroids[1] - 3 * t) < 1e-4, `${med.centroids} vs ${5 * t},${3 * t}`);
});

test('k = N: mean and weisfeld put one centroid on each data point', () => {
  const n = 9, d = 3;
  const rng = new Rng(8);
  const x = new Float32Array(n * d);
  rng.fillNormal(x);
  for (const method of ['mean', 'weisfeld'] as const) {
    const r = otMeans({ n, d, values: x }, n, { method, iterations: 2, rng: new Rng(9) });
    const used = new Set<number>();
    for (let i = 0; i < n; i++) {
      let best = -1, bd = Infinity;
      for (let j = 0; j < n; j++) { const dd = dist(r.centroids, i * d, x, j * d, d); if (dd < bd) { bd = dd; best = j; } }
      assert.ok(bd < 1e-6, `${method}: centroid ${i} is ${bd} from its nearest point`);
      used.add(best);
    }
    assert.equal(used.size, n);
    // Every distance is clamped at sqrt(1e-10) = 1e-5, so W1 is that floor.
    assert.ok(r.w1 <= 1e-5 + 1e-12, `${method}: W1 ${r.w1}`);
  }
});

test('sparse data (a common background value) give the same result as the same data made dense', () => {
  // 60 points in 50 dimensions, background −1, three coordinates lit per point: stored sparse.
  // Adding a tiny per-coordinate jitter to the background makes the same problem dense.
  const n = 60, d = 50, k = 5;
  const rng = new Rng(10);
  const sparse = new Float32Array(n * d).fill(-1);
  for (let j = 0; j < n; j++) for (let t = 0; t < 3; t++) sparse[j * d + rng.int(d)] = 1;
  const dense = Float32Array.from(sparse, (v, e) => v + (e % 7) * 1e-3);
  for (const method of METHODS) {
    const a = otMeans({ n, d, values: sparse }, k, { method, iterations: 3, rng: new Rng(11) });
    const b = otMeans({ n, d, values: dense }, k, { method, iterations: 3, rng: new Rng(11) });
    const ref = w1(a.centroids, k, sparse, n, d).value;
    assert.ok(Math.abs(a.w1 - ref) < 1e-6 * ref, `${method}: sparse W1 ${a.w1} vs w1() ${ref}`);
    // The jitter moves every point by at most 0.006·√50 ≈ 0.04, so W1 moves by at most that.
    assert.ok(Math.abs(a.w1 - b.w1) < 0.05, `${method}: ${a.w1} vs ${b.w1}`);
  }
});

test('same seed, same centroids; SWD is reported; bad k and method are refused', () => {
  const n = 30, d = 4;
  const x = new Float32Array(n * d);
  new Rng(12).fillNormal(x);
  const a = otMeans({ n, d, values: x }, 3, { iterations: 2, rng: new Rng(13) });
  const b = otMeans({ n, d, values: x }, 3, { iterations: 2, rng: new Rng(13) });
  assert.deepEqual(a.centroids, b.centroids);
  assert.deepEqual(a.history, b.history);
  for (const h of a.history) assert.ok(Number.isFinite(h.swd) && h.swd > 0 && h.swd <= h.w1 + 1e-9);
  assert.throws(() => otMeans({ n, d, values: x }, n + 1), /k must be an integer from 1 to the number of points 30/);
  assert.throws(() => otMeans({ n, d, values: x }, 2, { method: 'median' as OtMeansMethod }), /unknown method "median"/);
});

test('the logged SWD is the ot module\'s swd with the same 128 directions', () => {
  // otMeans draws the k×d starting noise, then the directions, from one Rng: replay that.
  const n = 40, d = 6, k = 4, seed = 14;
  const x = new Float32Array(n * d);
  new Rng(15).fillNormal(x);
  for (let e = 0; e < x.length; e++) x[e] = x[e] * 0.5 + (e % 3); // not centred
  const r = otMeans({ n, d, values: x }, k, { method: 'mean', iterations: 0, rng: new Rng(seed) });
  const replay = new Rng(seed);
  const start = new Float64Array(k * d);
  replay.fillNormal(start, 0.5);
  const want = swd(Float32Array.from(start), k, x, n, d, replay, 128).value;
  assert.ok(Math.abs(r.history[0].swd - want) < 1e-5 * want, `${r.history[0].swd} vs ${want}`);
});
