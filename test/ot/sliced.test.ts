// Sliced distances: the n = m value is the sorted mean absolute difference; n ≠ m values are
// order independent and equal the n = m value of the sets repeated to a common size; the
// radix sort sorts; gradients match central finite differences.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Rng } from '../../src/engine/random.js';
import { swd, fullDimSwd, randomDirections, sorted1dW1 } from '../../src/ot/sliced.js';
import { radixSortFloat32, radixRankFloat32, makeSortScratch } from '../../src/ot/sort.js';

function points(rng: Rng, n: number, d: number): Float32Array {
  const x = new Float32Array(n * d);
  rng.fillNormal(x);
  return x;
}

test('radix sort orders negative, zero and positive floats and returns the permutation', () => {
  const rng = new Rng(1);
  const v = new Float32Array(1000);
  for (let i = 0; i < v.length; i++) v[i] = (rng.uniform() - 0.5) * 10 ** rng.int(8) * (i % 17 === 0 ? 0 : 1);
  const out = new Float32Array(v.length), idx = new Int32Array(v.length);
  radixSortFloat32(v, 0, 1, v.length, out, idx, makeSortScratch(v.length));
  const ref = Float32Array.from(v).sort();
  assert.deepEqual(Array.from(out), Array.from(ref));
  for (let k = 0; k < v.length; k++) assert.equal(v[idx[k]], out[k]);
});

test('short and long sorts (insertion and radix paths) are stable, strided, and order -0 before +0', () => {
  const rng = new Rng(11);
  for (const len of [1, 2, 5, 64, 95, 96, 97, 200]) {
    const stride = 3, offset = 2;
    const src = new Float32Array(offset + len * stride);
    for (let k = 0; k < src.length; k++) src[k] = rng.int(7) === 0 ? (rng.int(2) ? -0 : 0) : rng.int(9) - 4 + (rng.int(3) === 0 ? 0.5 : 0);
    const vals = Array.from({ length: len }, (_, k) => src[offset + k * stride]);
    // Reference: stable order by value, -0 before +0.
    const order = vals.map((_, k) => k).sort((a, b) => {
      const va = vals[a], vb = vals[b];
      if (va !== vb) return va - vb;
      const za = Object.is(va, -0) ? 0 : 1, zb = Object.is(vb, -0) ? 0 : 1;
      return za - zb || a - b;
    });
    for (const withIdx of [true, false]) {
      const out = new Float32Array(len), idx = new Int32Array(len);
      radixSortFloat32(src, offset, stride, len, out, withIdx ? idx : null, makeSortScratch(len));
      for (let k = 0; k < len; k++) {
        assert.ok(Object.is(out[k], vals[order[k]]), `len ${len} position ${k}`);
        if (withIdx) assert.equal(idx[k], order[k]);
      }
    }
    const rank = new Int32Array(len);
    radixRankFloat32(src, offset, stride, len, rank, makeSortScratch(len));
    for (let k = 0; k < len; k++) assert.equal(rank[order[k]], k, `len ${len}: rank of input ${order[k]}`);
  }
});

test('swd with n = m > 96 (radix ranks): value and gradient equal a brute-force sort per direction', () => {
  const rng = new Rng(21);
  const n = 150, d = 4, P = 5;
  const x = points(rng, n, d), y = points(rng, n, d);
  const got = swd(x, n, y, n, d, new Rng(3), P, true);
  const dirs = randomDirections(new Rng(3), P, d);
  let want = 0;
  const g = new Float64Array(n * d);
  for (let p = 0; p < P; p++) {
    const proj = (z: Float32Array, i: number): number => {
      let a = 0;
      for (let k = 0; k < d; k++) a += z[i * d + k] * dirs[p * d + k];
      return Math.fround(a);
    };
    const px = Array.from({ length: n }, (_, i) => proj(x, i)), py = Array.from({ length: n }, (_, i) => proj(y, i));
    const order = px.map((_, i) => i).sort((a, b) => px[a] - px[b] || a - b);
    const ys = [...py].sort((a, b) => a - b);
    for (let r = 0; r < n; r++) {
      const i = order[r], diff = px[i] - ys[r];
      want += Math.abs(diff) / (n * P);
      for (let k = 0; k < d; k++) g[i * d + k] += (Math.sign(diff) / (n * P)) * dirs[p * d + k];
    }
  }
  assert.ok(Math.abs(got.value - want) < 1e-6 * want, `${got.value} vs ${want}`);
  for (let e = 0; e < g.length; e++) assert.ok(Math.abs(got.gradX![e] - g[e]) < 1e-6, `gradient entry ${e}`);
});

test('swd with n = m is the mean over directions of the sorted mean absolute difference', () => {
  const rng = new Rng(2);
  const n = 37, d = 5, P = 9;
  const x = points(rng, n, d), y = points(rng, n, d);
  const got = swd(x, n, y, n, d, new Rng(7), P).value;
  const dirs = randomDirections(new Rng(7), P, d);
  let want = 0;
  for (let p = 0; p < P; p++) {
    const px: number[] = [], py: number[] = [];
    for (let i = 0; i < n; i++) {
      let a = 0, b = 0;
      for (let k = 0; k < d; k++) { a += x[i * d + k] * dirs[p * d + k]; b += y[i * d + k] * dirs[p * d + k]; }
      px.push(Math.fround(a)); py.push(Math.fround(b));
    }
    px.sort((s, t) => s - t); py.sort((s, t) => s - t);
    for (let i = 0; i < n; i++) want += Math.abs(px[i] - py[i]) / n;
  }
  want /= P;
  assert.ok(Math.abs(got - want) <= 1e-12 * want, `${got} vs ${want}`);
});

test('1-D transport with n ≠ m equals the equal-size case after repeating each set', () => {
  const xs = Float32Array.from([-1, 0.5, 2]);
  const ys = Float32Array.from([-3, 0, 0.25, 1, 4]);
  // repeat x five times and y three times: 15 points each, sorted
  const xr = Float32Array.from([...xs].flatMap((v) => [v, v, v, v, v]));
  const yr = Float32Array.from([...ys].flatMap((v) => [v, v, v]));
  assert.ok(Math.abs(sorted1dW1(xs, 3, ys, 5) - sorted1dW1(xr, 15, yr, 15)) < 1e-15);
});

test('sliced values do not depend on input order (n ≠ m, with duplicates)', () => {
  const rng = new Rng(3);
  const n = 12, m = 31, d = 4;
  const x = points(rng, n, d), y = points(rng, m, d);
  y.copyWithin(d, 0, d); // a duplicate point
  const perm = rng.permutation(m);
  const y2 = new Float32Array(m * d);
  for (let j = 0; j < m; j++) y2.set(y.subarray(perm[j] * d, perm[j] * d + d), j * d);
  for (const f of [swd, fullDimSwd]) {
    const a = f(x, n, y, m, d, new Rng(5), 16).value, b = f(x, n, y2, m, d, new Rng(5), 16).value;
    assert.ok(Math.abs(a - b) <= 1e-12 * a, `${f.name}: ${a} vs ${b}`);
  }
});

test('full_dim_swd bounds exact W1 from above and equals it in one dimension', () => {
  const rng = new Rng(4);
  const n = 9, m = 6;
  const x = points(rng, n, 1), y = points(rng, m, 1);
  const a = fullDimSwd(x, n, y, m, 1, new Rng(1), 3).value;
  const b = swd(x, n, y, m, 1, new Rng(1), 3).value;
  assert.ok(Math.abs(a - b) < 1e-7 * a);
});

function checkGrad(f: (x: Float32Array) => { value: number; gradX: Float64Array | null }, x0: Float32Array, h = 1e-3, tol = 2e-3): void {
  const g = f(x0).gradX!;
  for (let k = 0; k < x0.length; k++) {
    const xp = Float64Array.from(x0), xm = Float64Array.from(x0);
    xp[k] += h; xm[k] -= h;
    const fd = (f(xp as unknown as Float32Array).value - f(xm as unknown as Float32Array).value) / (2 * h);
    assert.ok(Math.abs(fd - g[k]) <= tol * Math.max(1, Math.abs(fd)), `component ${k}: analytic ${g[k]} vs finite difference ${fd}`);
  }
}

test('swd and full_dim_swd gradients match central finite differences (n ≠ m)', () => {
  const rng = new Rng(6);
  const n = 4, m = 6, d = 3;
  const x = points(rng, n, d), y = points(rng, m, d);
  // projections in float64 for the check: pass float64 arrays through
  checkGrad((xx) => swd(Float64Array.from(xx), n, Float64Array.from(y), m, d, new Rng(9), 5, true), x, 1e-3, 1e-3);
  checkGrad((xx) => fullDimSwd(Float64Array.from(xx), n, Float64Array.from(y), m, d, new Rng(9), 5, true), x, 1e-3, 1e-3);
});
