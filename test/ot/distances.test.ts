// The other distances against independent values: Fréchet distance of 1-D sets by its closed
// form and of d-dim sets through both the d×d and the sample-space routes; MMD and nn by brute
// force; Sinkhorn's marginals, its limit at small ε, and its honest convergence flag; cost
// matrices (both the float64 loops and the float32 product path) against direct float64 sums,
// with exact zeros for identical points; the .npy reader.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Rng } from '../../src/engine/random.js';
import { frechetDistance, mmd, nearestNeighbour, w1, projectedW1, mergedExactW1 } from '../../src/ot/distances.js';
import { swd, fullDimSwd } from '../../src/ot/sliced.js';
import { parseMetric } from '../../src/ot/metrics.js';
import { sinkhorn } from '../../src/ot/sinkhorn.js';
import { emd } from '../../src/ot/lp/emd.js';
import { euclideanCost, sqEuclideanCost } from '../../src/ot/cost.js';
import { rowClasses, rowHash } from '../../src/ot/row-classes.js';
import { parseNpy } from '../../src/ot/io/npy.js';
import { UserError } from '../../src/util/errors.js';

const normals = (rng: Rng, len: number, scale = 1, shift = 0): Float64Array => {
  const a = new Float64Array(len);
  for (let i = 0; i < len; i++) a[i] = shift + scale * rng.normal();
  return a;
};

test('fd in one dimension is (μx − μy)² + (σx − σy)²', () => {
  const rng = new Rng(1);
  const x = normals(rng, 40, 2, 1), y = normals(rng, 25, 0.5, -1);
  const stat = (a: Float64Array): [number, number] => {
    const mu = a.reduce((s, v) => s + v, 0) / a.length;
    const v = a.reduce((s, t) => s + (t - mu) ** 2, 0) / (a.length - 1);
    return [mu, Math.sqrt(v)];
  };
  const [mx, sx] = stat(x), [my, sy] = stat(y);
  const want = (mx - my) ** 2 + (sx - sy) ** 2;
  assert.ok(Math.abs(frechetDistance(x, 40, y, 25, 1).value - want) < 1e-10 * want);
});

test('fd: the d×d route and the few-samples route agree, and stay finite with fewer samples than dimensions', () => {
  const rng = new Rng(2);
  // d = 6 < n, m: d×d route; compare with the same sets padded by zero columns to d = 40 (> n, m): sample route.
  const n = 12, m = 15, d = 6, D = 40;
  const x = normals(rng, n * d), y = normals(rng, m * d, 1.5, 0.3);
  const pad = (a: Float64Array, rows: number): Float64Array => {
    const out = new Float64Array(rows * D);
    for (let i = 0; i < rows; i++) out.set(a.subarray(i * d, i * d + d), i * D);
    return out;
  };
  const small = frechetDistance(x, n, y, m, d).value;
  const big = frechetDistance(pad(x, n), n, pad(y, m), m, D).value;
  assert.ok(Number.isFinite(big) && Math.abs(small - big) < 1e-8 * small, `${small} vs ${big}`);
  assert.equal(frechetDistance(x, n, x, n, d).value < 1e-9, true);
});

test('mmd and nn equal their brute-force definitions', () => {
  const rng = new Rng(3);
  const n = 7, m = 9, d = 3, sigma = 0.8;
  const x = normals(rng, n * d, 0.5), y = normals(rng, m * d, 0.5, 0.2);
  const k = (a: Float64Array, i: number, b: Float64Array, j: number): number => {
    let s = 0;
    for (let t = 0; t < d; t++) s += (a[i * d + t] - b[j * d + t]) ** 2;
    return Math.exp(-s / (2 * sigma * sigma));
  };
  let kxx = 0, kyy = 0, kxy = 0;
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) kxx += k(x, i, x, j) / (n * n);
  for (let i = 0; i < m; i++) for (let j = 0; j < m; j++) kyy += k(y, i, y, j) / (m * m);
  for (let i = 0; i < n; i++) for (let j = 0; j < m; j++) kxy += k(x, i, y, j) / (n * m);
  assert.ok(Math.abs(mmd(x, n, y, m, d, sigma).value - (kxx + kyy - 2 * kxy)) < 1e-12);
  let s = 0;
  for (let j = 0; j < m; j++) {
    let best = Infinity;
    for (let i = 0; i < n; i++) { let q = 0; for (let t = 0; t < d; t++) q += (x[i * d + t] - y[j * d + t]) ** 2; best = Math.min(best, Math.sqrt(q)); }
    s += best / m;
  }
  assert.ok(Math.abs(nearestNeighbour(x, n, y, m, d).value - s) < 1e-12);
});

test('sinkhorn meets its marginals, approaches exact transport as ε shrinks, and reports non-convergence', () => {
  const rng = new Rng(4);
  const n = 6, m = 8;
  const M = new Float64Array(n * m).map(() => rng.uniform());
  const exact = emd(n, m, M).cost;
  const r = sinkhorn(n, m, M, 1e-3);
  assert.ok(r.converged);
  for (let i = 0; i < n; i++) { let s = 0; for (let j = 0; j < m; j++) s += r.plan[i * m + j]; assert.ok(Math.abs(s - 1 / n) < 1e-8); }
  for (let j = 0; j < m; j++) { let s = 0; for (let i = 0; i < n; i++) s += r.plan[i * m + j]; assert.ok(Math.abs(s - 1 / m) < 1e-12); }
  assert.ok(r.cost >= exact - 1e-9 && r.cost - exact < 0.01 * exact, `${r.cost} vs exact ${exact}`);
  const big = sinkhorn(n, m, M, 0.5);
  assert.ok(big.cost > r.cost);
  const capped = sinkhorn(n, m, M, 1e-4, { maxIter: 1, tol: 1e-15 });
  assert.equal(capped.converged, false);
});

function directSq(x: Float32Array, i: number, y: Float32Array, j: number, d: number): number {
  let s = 0;
  for (let k = 0; k < d; k++) s += (x[i * d + k] - y[j * d + k]) ** 2;
  return s;
}

test('cost matrices match direct float64 sums (small: float64 loops; large: float32 product path) with exact zeros', () => {
  const rng = new Rng(5);
  for (const [n, m, d] of [[5, 7, 3], [64, 1100, 256]]) {
    const x = new Float32Array(n * d), y = new Float32Array(m * d);
    rng.fillUniform(x, -1, 1); rng.fillUniform(y, -1, 1);
    for (let k = 0; k < d; k++) { y[3 * d + k] = x[k]; y[4 * d + k] = x[k] + (k === 0 ? 1e-3 : 0); } // identical and near points
    const C = sqEuclideanCost(x, n, y, m, d);
    assert.equal(C[3], 0);
    let worst = 0;
    for (let i = 0; i < n; i++) for (let j = 0; j < m; j++) {
      const want = directSq(x, i, y, j, d);
      worst = Math.max(worst, Math.abs(C[i * m + j] - want) / Math.max(want, 1e-300));
    }
    assert.ok(worst < 1e-6, `worst relative error ${worst} at ${n}×${m}×${d}`);
    const E = euclideanCost(x, n, y, m, d);
    assert.equal(E[3], 1e-5); // sqrt of the 1e-10 floor
  }
});

test('cost matrices of sets full of duplicate and near-duplicate rows (grouped recomputation) match float64 sums', () => {
  const rng = new Rng(8);
  const n = 64, m = 2048, d = 128; // 2^24 multiply-adds: the float32 product path
  const pool = new Float32Array(12 * d);
  rng.fillUniform(pool, -1, 1);
  const x = new Float32Array(n * d), y = new Float32Array(m * d);
  const xFrom = new Int32Array(n), yFrom = new Int32Array(m);
  for (let i = 0; i < n; i++) { xFrom[i] = rng.int(12); x.set(pool.subarray(xFrom[i] * d, xFrom[i] * d + d), i * d); }
  for (let j = 0; j < m; j++) {
    yFrom[j] = rng.int(12);
    y.set(pool.subarray(yFrom[j] * d, yFrom[j] * d + d), j * d);
    if (j % 5 === 0) y[j * d + (j % d)] += 1e-3; // a near duplicate, a class of its own
  }
  for (const [a, b, na, nb, fa, fb] of [[x, y, n, m, xFrom, yFrom], [y, x, m, n, yFrom, xFrom]] as const) {
    const C = sqEuclideanCost(a, na, b, nb, d);
    let worst = 0;
    for (let i = 0; i < na; i++) for (let j = 0; j < nb; j++) {
      const want = directSq(a, i, b, j, d);
      const got = C[i * nb + j];
      if (want === 0) assert.equal(got, 0, `identical rows ${i}, ${j}`);
      else worst = Math.max(worst, Math.abs(got - want) / want);
      if (fa[i] === fb[j] && want > 0) assert.ok(Math.abs(got - want) <= 1e-9 * want, `near rows ${i}, ${j}: ${got} vs ${want}`);
    }
    assert.ok(worst < 1e-6, `worst relative error ${worst}`);
  }
});

test('row classes group exactly the bitwise-identical rows', () => {
  const d = 3;
  const p = new Float32Array([1, 2, 3, 1, 2, 3, 0, 2, 3, -0, 2, 3, 1, 2, 3, 0, 2, 3]);
  const r = rowClasses(p, 6, d);
  assert.deepEqual(Array.from(r.cls), [0, 0, 1, 2, 0, 1]);
  assert.deepEqual(Array.from(r.rep), [0, 2, 3]);
  const q = rowClasses(Float64Array.from(p), 6, d);
  assert.deepEqual(Array.from(q.cls), [0, 0, 1, 2, 0, 1]);
});

test('row hashes separate rows whose words differ only in their sign bits (binary ±1 images)', () => {
  // Squares-like rows: −1 everywhere but a run of +1 at a different place in each row.
  const w = 256, rows = 2000;
  const p = new Float32Array(rows * w).fill(-1);
  for (let i = 0; i < rows; i++) for (let k = 0; k < 1 + (i % 7); k++) p[i * w + ((i * 13 + k * 29) % w)] = 1;
  const bits = new Int32Array(p.buffer);
  const hashes = new Set<number>();
  const distinct = new Set<string>();
  for (let i = 0; i < rows; i++) { hashes.add(rowHash(bits, i * w, w)); distinct.add(Array.from(p.subarray(i * w, (i + 1) * w)).join()); }
  assert.ok(hashes.size >= distinct.size - 2, `${hashes.size} hashes for ${distinct.size} distinct rows`);
  assert.equal(rowClasses(p, rows, w).count, distinct.size);
});

function npyBytes(descr: string, shape: number[], body: Uint8Array, fortran = false): Uint8Array {
  let header = `{'descr': '${descr}', 'fortran_order': ${fortran ? 'True' : 'False'}, 'shape': (${shape.join(', ')}${shape.length === 1 ? ',' : ''}), }`;
  while ((10 + header.length + 1) % 64 !== 0) header += ' ';
  header += '\n';
  const out = new Uint8Array(10 + header.length + body.length);
  out.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0, header.length & 255, header.length >> 8]);
  out.set(Buffer.from(header, 'latin1'), 10);
  out.set(body, 10 + header.length);
  return out;
}

test('.npy files: float32, float64 and uint8 in C order; clear errors otherwise', () => {
  const f32 = Float32Array.from([1, 2, 3, 4, 5, 6]);
  const a = parseNpy(npyBytes('<f4', [2, 3], new Uint8Array(f32.buffer)));
  assert.deepEqual([a.n, a.c, a.h, a.w], [2, 1, 1, 3]);
  assert.deepEqual(Array.from(a.data), [1, 2, 3, 4, 5, 6]);
  const f64 = Float64Array.from([0.5, -1, 2, 3]);
  const b = parseNpy(npyBytes('<f8', [1, 1, 2, 2], new Uint8Array(f64.buffer)));
  assert.deepEqual([b.n, b.c, b.h, b.w], [1, 1, 2, 2]);
  assert.deepEqual(Array.from(b.data), [0.5, -1, 2, 3]);
  const u = parseNpy(npyBytes('|u1', [1, 2, 2], Uint8Array.from([0, 255, 51, 204])));
  assert.deepEqual(Array.from(u.data).map((v) => Math.round(v * 1e6) / 1e6), [-1, 1, -0.6, 0.6]);
  assert.throws(() => parseNpy(npyBytes('<f4', [2, 3], new Uint8Array(f32.buffer), true)), (e: unknown) => e instanceof UserError && /Fortran/.test((e as Error).message));
  assert.throws(() => parseNpy(npyBytes('<i8', [1, 1], new Uint8Array(8))), /expected float32/);
  assert.throws(() => parseNpy(npyBytes('<f4', [1, 2], new Uint8Array(Float32Array.from([1, NaN]).buffer))), /NaN/);
  assert.throws(() => parseNpy(npyBytes('<f4', [4], new Uint8Array(16))), /expected N×D/);
  assert.throws(() => parseNpy(Uint8Array.from([1, 2, 3])), /not a .npy/);
});

test('every distance refuses a NaN or an infinity in its inputs, and counts that are not positive integers', () => {
  const x = Float64Array.from([0, 1, 2, 3, 4, 5]), y = Float64Array.from([1, 1, 2, 2]);
  const bad = x.slice(); bad[3] = NaN;
  const inf = y.slice(); inf[1] = -Infinity;
  const rng = (): Rng => new Rng(0);
  const calls: Array<[string, (a: Float64Array, b: Float64Array) => unknown]> = [
    ['w1', (a, b) => w1(a, 3, b, 2, 2)],
    ['w1', (a, b) => w1(a, 3, b, 2, 2, { epsilon: 0.5 })],
    ['swd', (a, b) => swd(a, 3, b, 2, 2, rng())],
    ['full_dim_swd', (a, b) => fullDimSwd(a, 3, b, 2, 2, rng())],
    ['projected_w1', (a, b) => projectedW1(a, 3, b, 2, 2, rng(), 2, 2)],
    ['nn', (a, b) => nearestNeighbour(a, 3, b, 2, 2)],
    ['fd', (a, b) => frechetDistance(a, 3, b, 2, 2)],
    ['mmd', (a, b) => mmd(a, 3, b, 2, 2)],
  ];
  for (const [name, f] of calls) {
    assert.ok(Number.isFinite((f(x, y) as { value: number }).value), name);
    assert.throws(() => f(bad, y), (e: unknown) => e instanceof RangeError && e.message === `${name}: x holds a NaN or infinite value (at index 3)`, name);
    assert.throws(() => f(x, inf), (e: unknown) => e instanceof RangeError && e.message === `${name}: y holds a NaN or infinite value (at index 1)`, name);
  }
  assert.throws(() => swd(x, 3, y, 2, 2, rng(), 0), /swd: num_proj must be a positive integer, got 0/);
  assert.throws(() => fullDimSwd(x, 3, y, 2, 2, rng(), 2.5), /full_dim_swd: num_proj must be a positive integer/);
  assert.throws(() => projectedW1(x, 3, y, 2, 2, rng(), 0), /projected_w1: dim must be a positive integer/);
  assert.throws(() => mmd(x, 3, y, 2, 2, 0), /mmd: sigma must be a positive number/);
  assert.throws(() => w1(x, 0, y, 2, 2), /w1: both sets need at least one point/);
  // The patch losses check the images once, before building patch sets.
  const img = new Float32Array(2 * 9).fill(0.5); img[4] = Infinity;
  assert.throws(() => parseMetric('MiniBatchPatchLoss-dist=swd-p=2-s=1').evaluate(img, new Float32Array(18), { n: 2, m: 2, c: 1, h: 3, w: 3 }, rng()), /holds a NaN or infinite value \(at index 4\)/);
});

test('cost matrices refuse what the distances refuse; float64 values whose squared distances overflow are refused by name', () => {
  const x = Float64Array.from([0, 1, 2, 3, 4, 5]), y = Float64Array.from([1, 1, 2, 2]);
  const bad = x.slice(); bad[1] = NaN;
  // euclideanCost used to floor a NaN squared distance into 1e-5, a plausible finite cost.
  for (const [name, f] of [['euclideanCost', euclideanCost], ['sqEuclideanCost', sqEuclideanCost]] as const) {
    assert.throws(() => f(bad, 3, y, 2, 2), (e: unknown) => e instanceof RangeError && e.message === `${name}: x holds a NaN or infinite value (at index 1)`, name);
    assert.throws(() => f(x, 4, y, 2, 2), /^RangeError: [a-zA-Z]+: the arrays hold 6 and 4 values, fewer than 4×2 and 2×2$/, name);
  }
  // In dimension 2 the limit is sqrt(MAX_VALUE / 8) ≈ 4.74e153: 1e153 is fine, 1e154 overflows.
  const limit = Math.sqrt(Number.MAX_VALUE / 8);
  const nearLimit = Float64Array.from([1e153, 0, 0, 0, -1e153, 0]);
  const C = euclideanCost(nearLimit, 3, y, 2, 2);
  assert.ok(C.every(Number.isFinite));
  const huge = Float64Array.from([0, 1, 2, 3, 1e154, 5]);
  for (const [name, f] of [['w1', () => w1(huge, 3, y, 2, 2)], ['projected_w1', () => projectedW1(huge, 3, y, 2, 2, new Rng(0), 2, 2)], ['euclideanCost', () => euclideanCost(huge, 3, y, 2, 2)]] as const) {
    assert.throws(f, (e: unknown) => e instanceof RangeError && e.message.startsWith(`${name}: x holds 1e+154 (at index 4), too large for squared distances in float64`) && e.message.includes(limit.toPrecision(3)), name);
  }
  // float32 values never overflow a float64 squared distance.
  assert.ok(Number.isFinite(w1(Float32Array.from([3e38, 0, -3e38, 0]), 2, Float32Array.from([0, 0]), 1, 2).value));
});

test('sinkhorn refuses what emd refuses: non-finite costs, bad counts and weights, unequal sums, unusable options', () => {
  const M = Float64Array.from([1, 2, 3, 4, 5, 6]);
  const fine = sinkhorn(3, 2, M, 0.5);
  assert.ok(fine.converged && Number.isFinite(fine.cost));
  // Weights of equal sums other than 1 are normalised: the same value as the counts.
  const scaled = sinkhorn([2, 2, 2], [3, 3], M, 0.5);
  assert.ok(Math.abs(scaled.cost - fine.cost) < 1e-12);
  const cases: Array<[() => unknown, RegExp]> = [
    // An infinite cost made the ε schedule start at infinity and halve forever.
    [() => sinkhorn(3, 2, Float64Array.from([1, Infinity, 1, 1, 1, 1]), 0.5, { maxIter: 10 }), /^sinkhorn: the cost matrix holds a NaN or infinite value \(at index 1\)$/],
    [() => sinkhorn(3, 2, Float64Array.from([1, 2, NaN, 4, 5, 6]), 0.5), /cost matrix holds a NaN or infinite value \(at index 2\)/],
    [() => sinkhorn([0.2, 0.3, 0.5], [0.6, 0.5], M, 0.5), /^sinkhorn: the weights must have equal sums \(got 1 and 1\.1\)$/],
    [() => sinkhorn([-0.2, 0.7, 0.5], 2, M, 0.5), /^sinkhorn: weight a\[0\] = -0\.2 is not a finite non-negative number$/],
    [() => sinkhorn(3, [0.5, NaN], M, 0.5), /weight b\[1\] = NaN/],
    [() => sinkhorn([0, 0, 0], 2, M, 0.5), /the weights a need a positive sum/],
    [() => sinkhorn(0, 2, new Float64Array(0), 0.5), /^sinkhorn: a must be a positive count or an array of weights, got 0$/],
    [() => sinkhorn(3, 2, M, 0.5, { maxIter: 0 }), /^sinkhorn: maxIter must be a positive integer, got 0$/],
    [() => sinkhorn(3, 2, M, 0.5, { tol: -1 }), /^sinkhorn: tol must be a positive number, got -1$/],
    [() => w1(Float64Array.from([0, 1, 2]), 3, Float64Array.from([1, 2]), 2, 1, { epsilon: -1 }), /^w1: epsilon must be 0 \(exact\) or a positive number, got -1$/],
    [() => w1(Float64Array.from([0, 1, 2]), 3, Float64Array.from([1, 2]), 2, 1, { epsilon: NaN }), /w1: epsilon must be/],
    [() => emd(3, 2, M, { solver: 'foo' as 'auto' }), /^emd: unknown solver "foo" \(known: auto, network-simplex, assignment, few-sources\)$/],
    [() => emd(3, 2, M, { maxIter: -1 }), /^emd: maxIter must be a non-negative integer \(0: no cap\), got -1$/],
  ];
  for (const [f, re] of cases) assert.throws(f, (e: unknown) => e instanceof RangeError && re.test(e.message), String(re));
});

test('sinkhorn keeps its digits when one cost is many orders of magnitude above the rest', () => {
  // Every entry but one is 1, so every plan of the right marginals that avoids the large one
  // costs exactly 1 (POT's sinkhorn_log: 1.0). ε-scaling from the largest cost gave the
  // potentials its magnitude: 0.947 at 1e17, 134.5 at 1e18, 0.11 from 1e20 on.
  for (const v of [1e3, 1e11, 1e17, 1e18, 1e20, 1e100, 1e300]) {
    const r = sinkhorn(3, 2, Float64Array.from([1, v, 1, 1, 1, 1]), 0.5);
    assert.ok(r.converged, `v = ${v}`);
    assert.ok(Math.abs(r.cost - 1) < 1e-8, `v = ${v}: ${r.cost}`);
    assert.ok(r.plan[1] === 0, `v = ${v}: mass ${r.plan[1]} on the large cost`);
  }
});

test('sliced distances refuse a num_proj whose projections no memory holds, in one sentence', () => {
  const x = Float64Array.from([0, 1, 2, 3, 4, 5]), y = Float64Array.from([1, 1, 2, 2]);
  assert.throws(() => swd(x, 3, y, 2, 2, new Rng(0), 1e11), (e: unknown) => e instanceof RangeError && /^swd: num_proj=100000000000 would need 3\.00e\+11 float32 values in one array for 3 and 2 points of dimension 2, more than the 1\.07e\+9 memory can hold; use fewer directions$/.test(e.message));
  assert.throws(() => fullDimSwd(x, 3, y, 2, 2, new Rng(0), 2 ** 30), /^RangeError: full_dim_swd: num_proj=1073741824 would need/);
});

test('exact W1 merges identical points: same value as the unmerged problem, gradient of a moved class by finite differences', () => {
  const rng = new Rng(51);
  const d = 3, n = 300, m = 260;
  // 12 distinct points for x and 15 for y, each repeated many times (n·m ≥ 2^16: merging applies).
  const px = Float64Array.from({ length: 12 * d }, () => rng.normal()), py = Float64Array.from({ length: 15 * d }, () => rng.normal() + 0.3);
  const cls = new Int32Array(n);
  const x = new Float64Array(n * d), y = new Float64Array(m * d);
  for (let i = 0; i < n; i++) { cls[i] = rng.int(12); x.set(px.subarray(cls[i] * d, cls[i] * d + d), i * d); }
  for (let j = 0; j < m; j++) { const c = rng.int(15); y.set(py.subarray(c * d, c * d + d), j * d); }
  const merged = w1(x, n, y, m, d, {}, true);
  const direct = mergedExactW1(x, n, y, m, d, false); // w1 took this path
  assert.ok(direct !== null && direct.value === merged.value);
  assert.equal(mergedExactW1(px, 12, py, 15, d, false), null); // nothing to merge
  const plain = emd(n, m, euclideanCost(x, n, y, m, d)); // the unmerged problem
  assert.ok(Math.abs(merged.value - plain.cost) <= 1e-12 * plain.cost, `${merged.value} vs ${plain.cost}`);
  // Copies of a class share its gradient equally.
  const first = cls.indexOf(4), second = cls.indexOf(4, first + 1);
  for (let k = 0; k < d; k++) assert.equal(merged.gradX![first * d + k], merged.gradX![second * d + k]);
  // Moving every copy of class 4 along e changes W1 by Σ over the copies of gradX·e.
  const e = [0.6, -0.3, 0.74];
  const moved = (h: number): number => {
    const z = x.slice();
    for (let i = 0; i < n; i++) if (cls[i] === 4) for (let k = 0; k < d; k++) z[i * d + k] += h * e[k];
    return w1(z, n, y, m, d).value;
  };
  const h = 1e-6, fd = (moved(h) - moved(-h)) / (2 * h);
  let analytic = 0;
  for (let i = 0; i < n; i++) if (cls[i] === 4) for (let k = 0; k < d; k++) analytic += merged.gradX![i * d + k] * e[k];
  assert.ok(Math.abs(fd - analytic) <= 1e-6 * Math.max(1, Math.abs(analytic)), `finite difference ${fd} vs ${analytic}`);
});
