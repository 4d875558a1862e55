// Forward values of the engine's ops against brute-force definitions on small inputs
// (sizes chosen to hit the gemm's remainders and its k-blocking).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as E from '../../src/engine/index.js';
import { tsKernels } from '../../src/engine/kernels/ts/index.js';
import type { Tensor } from '../../src/engine/index.js';

const val = (shape: number[], seed: number, dtype: E.DType = 'float64'): Tensor =>
  E.fromFunction(shape, (i) => Math.sin(2.3 * i + seed) + 0.25 * Math.cos(0.7 * i * seed), dtype);

function close(a: ArrayLike<number>, b: ArrayLike<number>, tol: number, what: string): void {
  assert.equal(a.length, b.length, `${what}: lengths`);
  for (let i = 0; i < a.length; i++) assert.ok(Math.abs(a[i] - b[i]) <= tol * (1 + Math.abs(b[i])), `${what}[${i}]: ${a[i]} vs ${b[i]}`);
}

test('gemm: every transpose combination, odd sizes, k beyond one cache block, accumulate', () => {
  for (const [m, n, k] of [[5, 7, 3], [9, 6, 301], [1, 1, 600], [13, 4, 257]]) {
    for (const ta of [false, true]) for (const tb of [false, true]) {
      for (const dtype of ['float64', 'float32'] as const) {
        const a = val([m * k], 1, dtype).data, b = val([k * n], 2, dtype).data;
        const ref = new Float64Array(m * n);
        for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) {
          let s = 0;
          for (let p = 0; p < k; p++) s += (ta ? a[p * m + i] : a[i * k + p]) * (tb ? b[j * k + p] : b[p * n + j]);
          ref[i * n + j] = s;
        }
        const c = dtype === 'float32' ? new Float32Array(m * n).fill(1) : new Float64Array(m * n).fill(1);
        tsKernels.gemm(ta, tb, m, n, k, a, b, c, true);
        close(c, ref.map((v) => v + 1), dtype === 'float32' ? 1e-5 : 1e-12, `gemm ${m}×${n}×${k} ${ta} ${tb} ${dtype}`);
        tsKernels.gemm(ta, tb, m, n, k, a, b, c, false);
        close(c, ref, dtype === 'float32' ? 1e-5 : 1e-12, `gemm ${m}×${n}×${k} overwrite`);
      }
    }
  }
});

test('convTranspose2d equals the scatter definition (stride, padding, output padding)', () => {
  const [N, Ci, Co, H, W, K, s, p, op] = [2, 3, 2, 3, 4, 3, 2, 1, 1];
  const x = val([N, Ci, H, W], 3), w = val([Ci, Co, K, K], 4), b = val([Co], 5);
  const y = E.convTranspose2d(x, w, b, { stride: s, padding: p, outputPadding: op });
  const OH = (H - 1) * s - 2 * p + K + op, OW = (W - 1) * s - 2 * p + K + op;
  assert.deepEqual(y.shape, [N, Co, OH, OW]);
  const ref = new Float64Array(N * Co * OH * OW);
  for (let n = 0; n < N; n++) for (let co = 0; co < Co; co++) for (let i = 0; i < OH * OW; i++) ref[(n * Co + co) * OH * OW + i] = b.data[co];
  for (let n = 0; n < N; n++) for (let ci = 0; ci < Ci; ci++) for (let iy = 0; iy < H; iy++) for (let ix = 0; ix < W; ix++) {
    for (let co = 0; co < Co; co++) for (let ki = 0; ki < K; ki++) for (let kj = 0; kj < K; kj++) {
      const oy = iy * s - p + ki, ox = ix * s - p + kj;
      if (oy < 0 || oy >= OH || ox < 0 || ox >= OW) continue;
      ref[((n * Co + co) * OH + oy) * OW + ox] += x.data[((n * Ci + ci) * H + iy) * W + ix] * w.data[((ci * Co + co) * K + ki) * K + kj];
    }
  }
  close(y.data, ref, 1e-12, 'convTranspose2d');
});

test('pooling, upsampling, max, permute, concat and indexSelect values', () => {
  const x = E.tensor([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16], [1, 1, 4, 4], 'float64');
  assert.deepEqual(Array.from(E.avgPool2d(x, 2).data), [3.5, 5.5, 11.5, 13.5]);
  assert.deepEqual(Array.from(E.adaptiveAvgPool2d(x, 1).data), [8.5]);
  assert.deepEqual(Array.from(E.upsampleNearest2d(E.tensor([1, 2, 3, 4], [1, 1, 2, 2], 'float64')).data), [1, 1, 2, 2, 1, 1, 2, 2, 3, 3, 4, 4, 3, 3, 4, 4]);
  const m = E.tensor([3, 1, 4, 1, 5, 9, 2, 6, 5, 3, 5, 8], [2, 3, 2], 'float64');
  assert.deepEqual(Array.from(E.max(m, 1).data), [5, 9, 5, 8]);
  assert.deepEqual(Array.from(E.sum(m, [0, 2]).data), [12, 13, 27]);
  assert.deepEqual(Array.from(E.permute(m, [2, 0, 1]).data), [3, 4, 5, 2, 5, 5, 1, 1, 9, 6, 3, 8]);
  assert.deepEqual(Array.from(E.concat([E.narrow(m, 1, 2, 1), E.narrow(m, 1, 0, 1)], 1).data), [5, 9, 3, 1, 5, 8, 2, 6]);
  assert.deepEqual(Array.from(E.indexSelect(E.reshape(m, [6, 2]), [5, 0, 5]).data), [5, 8, 3, 1, 5, 8]);
  assert.deepEqual(Array.from(E.add(E.reshape(m, [2, 6]), E.tensor([10, 20], [2, 1], 'float64')).data), [13, 11, 14, 11, 15, 19, 22, 26, 25, 23, 25, 28]);
});

test('stable elementwise functions at extreme inputs', () => {
  const x = E.tensor([-800, -1, 0, 1, 800], [5], 'float64');
  const sp = E.softplus(x).data, sg = E.sigmoid(x).data;
  close(sp, [0, Math.log1p(Math.exp(-1)), Math.log(2), 1 + Math.log1p(Math.exp(-1)), 800], 1e-15, 'softplus');
  close(sg, [0, 1 / (1 + Math.E), 0.5, 1 / (1 + Math.exp(-1)), 1], 1e-15, 'sigmoid');
});

test('convolutions give the same values when the batch is cut into chunks', async () => {
  const { setConvScratchLimit } = await import('../../src/engine/ops/conv.js');
  const x = val([5, 2, 6, 6], 7), w = val([3, 2, 3, 3], 8), g = val([5, 3, 3, 3], 9);
  const run = () => [E.conv2d(x, w, null, { stride: 2, padding: 1 }), E.convTranspose2d(g, w, null, { stride: 2, padding: 1, outputPadding: 1 }), E.conv2dWeightGrad(x, g, [3, 3], { stride: 2, padding: 1 })];
  const whole = run();
  const prev = setConvScratchLimit(200); // (K + OC)·P = (18 + 3)·9 per image: one image per chunk
  try {
    const chunked = run();
    whole.forEach((t, i) => close(chunked[i].data, t.data, 1e-12, `chunked conv op ${i}`));
  } finally {
    setConvScratchLimit(prev);
  }
});
