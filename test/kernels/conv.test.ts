// The wasm backend's im2col / col2im and strided copy against the TypeScript backend, over the
// kernel sizes, strides and paddings the architectures use plus awkward ones (1×1 images,
// kernels larger than the padded image edge, prime sides), and an adjointness check
// ⟨im2col(x), y⟩ = ⟨x, col2im(y)⟩ computed in float64.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { wasmKernels } from '../../src/engine/kernels/wasm/backend.js';
import { tsKernels } from '../../src/engine/kernels/ts/index.js';
import { Rng } from '../../src/engine/random.js';

const k = wasmKernels()!;
const rng = new Rng(9);

function filled(n: number): Float32Array {
  const a = k.alloc('float32', n) as Float32Array;
  for (let i = 0; i < n; i++) a[i] = rng.uniform() * 2 - 1;
  return a;
}

// [c, h, w, kh, kw, sh, sw, ph, pw]
const GEOMS: number[][] = [];
for (const [kh, kw] of [[1, 1], [3, 3], [4, 4], [5, 5], [2, 3]]) {
  for (const [sh, sw] of [[1, 1], [2, 2], [1, 2], [3, 1]]) {
    for (const [ph, pw] of [[0, 0], [1, 1], [2, 1], [0, 2]]) GEOMS.push([2, 7, 11, kh, kw, sh, sw, ph, pw]);
  }
}
GEOMS.push([1, 1, 1, 1, 1, 1, 1, 0, 0], [3, 1, 1, 3, 3, 1, 1, 1, 1], [1, 2, 2, 5, 5, 1, 1, 2, 2], [4, 13, 5, 4, 4, 2, 2, 1, 1], [3, 64, 64, 4, 4, 2, 2, 1, 1]);

function outSide(size: number, kk: number, s: number, p: number): number { return Math.floor((size + 2 * p - kk) / s) + 1; }

test('im2col and col2im match the TypeScript backend for every stride and padding', () => {
  for (const [c, h, w, kh, kw, sh, sw, ph, pw] of GEOMS) {
    const oh = outSide(h, kh, sh, ph), ow = outSide(w, kw, sw, pw);
    if (oh <= 0 || ow <= 0) continue;
    const what = `c=${c} ${h}×${w} k=${kh}×${kw} s=${sh},${sw} p=${ph},${pw}`;
    const x = filled(c * h * w);
    const rows = c * kh * kw, P = oh * ow;
    const col = filled(rows * P), ref = new Float32Array(rows * P);
    k.im2col(x, c, h, w, kh, kw, sh, sw, ph, pw, oh, ow, col);
    tsKernels.im2col(x, c, h, w, kh, kw, sh, sw, ph, pw, oh, ow, ref);
    assert.deepEqual(col, ref, `im2col ${what}`);

    const y = filled(rows * P);
    const xi = filled(c * h * w), xr = Float32Array.from(xi);
    k.col2im(y, c, h, w, kh, kw, sh, sw, ph, pw, oh, ow, xi);
    tsKernels.col2im(y, c, h, w, kh, kw, sh, sw, ph, pw, oh, ow, xr);
    for (let i = 0; i < xi.length; i++) assert.ok(Math.abs(xi[i] - xr[i]) <= 1e-6 * (1 + Math.abs(xr[i])), `col2im ${what} [${i}]`);

    // adjointness, independent of the TypeScript backend
    const back = k.alloc('float32', c * h * w) as Float32Array;
    k.col2im(y, c, h, w, kh, kw, sh, sw, ph, pw, oh, ow, back);
    let lhs = 0, rhs = 0;
    for (let i = 0; i < col.length; i++) lhs += col[i] * y[i];
    for (let i = 0; i < x.length; i++) rhs += x[i] * back[i];
    assert.ok(Math.abs(lhs - rhs) <= 1e-5 * (1 + Math.abs(lhs)), `adjoint ${what}: ${lhs} vs ${rhs}`);
  }
});

test('strided copies (transposes, broadcasts, slices) match the TypeScript backend', () => {
  const cases: [number[], number[], number][] = [
    [[5], [1], 5], [[5], [3], 15], [[6, 7], [1, 6], 42], [[6, 7], [7, 1], 42], [[100, 37], [1, 100], 3700],
    [[2, 3, 4], [12, 1, 3], 24], [[3, 50, 40], [2000, 1, 50], 6000], [[2, 3, 5, 7], [105, 1, 21, 3], 210],
    [[4, 9], [0, 1], 9], [[1, 1], [1, 1], 1], [[3, 1, 4], [4, 4, 1], 12], [[64, 3, 5], [1, 64 * 5, 64], 960],
  ];
  for (const [shape, strides, span] of cases) {
    const x = filled(span);
    const n = shape.reduce((p, d) => p * d, 1);
    const out = k.alloc('float32', n) as Float32Array, ref = new Float32Array(n);
    k.copyStrided(shape, x, strides, out);
    tsKernels.copyStrided(shape, x, strides, ref);
    assert.deepEqual(out, ref, `shape=[${shape}] strides=[${strides}]`);
  }
});

/** Brute-force im2col value of row r, column p for one image (0 outside the image). */
function colValue(x: Float32Array, c: number, h: number, w: number, kh: number, kw: number, sh: number, sw: number,
  ph: number, pw: number, ow: number, r: number, p: number): number {
  const kj = r % kw, ki = Math.floor(r / kw) % kh, ci = Math.floor(r / (kw * kh));
  const iy = Math.floor(p / ow) * sh - ph + ki, ix = (p % ow) * sw - pw + kj;
  void c;
  return iy < 0 || iy >= h || ix < 0 || ix >= w ? 0 : x[(ci * h + iy) * w + ix];
}

test('im2col / col2im with a row stride write and read images side by side in one batched matrix', () => {
  const SENTINEL = 7.25;
  for (const [c, h, w, kh, kw, sh, sw, ph, pw] of [[1, 64, 64, 3, 3, 2, 2, 0, 0], [3, 7, 11, 3, 3, 2, 2, 0, 0],
    [2, 13, 5, 4, 4, 2, 1, 1, 2], [1, 1, 1, 1, 1, 1, 1, 0, 0], [5, 3, 3, 5, 5, 1, 1, 2, 2], [2, 7, 7, 2, 3, 3, 1, 1, 0]]) {
    const oh = outSide(h, kh, sh, ph), ow = outSide(w, kw, sw, pw);
    const rows = c * kh * kw, P = oh * ow, nb = 3, ld = nb * P + 5; // 5 spare columns per row stay untouched
    const what = `c=${c} ${h}×${w} k=${kh}×${kw} s=${sh},${sw} p=${ph},${pw}`;
    const xs = [filled(c * h * w), filled(c * h * w), filled(c * h * w)];
    for (const kern of [k, tsKernels]) {
      const col = k.alloc('float32', rows * ld) as Float32Array;
      col.fill(SENTINEL);
      for (let i = 0; i < nb; i++) kern.im2col(xs[i], c, h, w, kh, kw, sh, sw, ph, pw, oh, ow, col.subarray(i * P), ld);
      for (let r = 0; r < rows; r++) {
        for (let i = 0; i < nb; i++) {
          for (let p = 0; p < P; p++) assert.equal(col[r * ld + i * P + p], colValue(xs[i], c, h, w, kh, kw, sh, sw, ph, pw, ow, r, p), `${kern.name} im2col ${what} r=${r} i=${i} p=${p}`);
        }
        for (let j = nb * P; j < ld; j++) assert.equal(col[r * ld + j], SENTINEL, `${kern.name} im2col ${what} wrote past its columns`);
      }
      // col2im of image 1's columns: brute-force scatter of the same entries
      const back = k.alloc('float32', c * h * w) as Float32Array, ref = new Float64Array(c * h * w);
      kern.col2im(col.subarray(P), c, h, w, kh, kw, sh, sw, ph, pw, oh, ow, back, ld);
      for (let r = 0; r < rows; r++) {
        const kj = r % kw, ki = Math.floor(r / kw) % kh, ci = Math.floor(r / (kw * kh));
        for (let p = 0; p < P; p++) {
          const iy = Math.floor(p / ow) * sh - ph + ki, ix = (p % ow) * sw - pw + kj;
          if (iy >= 0 && iy < h && ix >= 0 && ix < w) ref[(ci * h + iy) * w + ix] += col[r * ld + P + p];
        }
      }
      for (let i = 0; i < back.length; i++) assert.ok(Math.abs(back[i] - ref[i]) <= 1e-5 * (1 + Math.abs(ref[i])), `${kern.name} col2im ${what} [${i}]`);
    }
  }
});
