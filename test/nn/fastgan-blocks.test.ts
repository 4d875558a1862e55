// FastGAN's parameter-free blocks differentiate correctly to second order (finite differences in
// float64): GLU, Swish, nearest upsampling, average pooling and adaptive average pooling, and a
// whole down block (spectral norm + batch norm + both paths) with respect to its input.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as E from '../../src/engine/index.js';
import { Rng } from '../../src/engine/random.js';
import { gradcheck, gradgradcheck } from '../../src/engine/gradcheck.js';
import { DownBlockComp, BatchNorm } from '../../src/nn/index.js';
const glu = E.glu;
import { FusedBatchNorm } from '../../src/nn/fused-batch-norm.js';

const rng = new Rng(4);
const x = () => E.randn([2, 4, 4, 4], rng, 'float64');
const cases: Array<[string, (t: E.Tensor) => E.Tensor]> = [
  ['GLU', glu],
  ['Swish', (t) => E.mul(t, E.sigmoid(t))],
  ['nearest upsampling ×2', (t) => E.tanh(E.upsampleNearest2d(t, 2))],
  ['average pooling 2', (t) => E.tanh(E.avgPool2d(t, 2))],
  ['adaptive average pooling to 2', (t) => E.tanh(E.adaptiveAvgPool2d(t, 2))],
];
for (const [name, f] of cases) {
  test(`${name}: first and second order match finite differences`, () => {
    const r1 = gradcheck(f, [x()]);
    assert.ok(r1.ok, r1.message);
    const r2 = gradgradcheck(f, [x()]);
    assert.ok(r2.ok, r2.message);
  });
}

test('a FastGAN down block in evaluation mode (fixed u, v and running statistics) to second order in its input; training mode is checked against PyTorch in dcgan-fastgan.test.ts', () => {
  const block = new DownBlockComp({ zDim: 1, channels: 2, imSize: 8, rng, dtype: 'float64' }, 2, 3);
  block.eval(); // fixed u, v and running statistics: a deterministic function of the input
  const f = (t: E.Tensor) => block.forward(t);
  const input = E.randn([2, 2, 8, 8], rng, 'float64');
  assert.ok(gradcheck(f, [E.clone(input)]).ok);
  assert.ok(gradgradcheck(f, [E.clone(input)]).ok);
});

test('batchNormTrain (the fused training-mode batch norm): first and second order in x, weight and bias; equal to the composed BatchNorm', () => {
  for (const shape of [[3, 2, 3, 3], [5, 3]]) {
    const C = shape[1];
    const f = (t: E.Tensor, w: E.Tensor, b: E.Tensor) => E.tanh(E.batchNormTrain(t, w, b, 1e-5).y);
    const args = () => [E.randn(shape, rng, 'float64'), E.randn([C], rng, 'float64'), E.randn([C], rng, 'float64')];
    const r1 = gradcheck(f, args());
    assert.ok(r1.ok, r1.message);
    const r2 = gradgradcheck(f, args());
    assert.ok(r2.ok, r2.message);
    const x = E.randn(shape, rng, 'float64');
    const plain = new BatchNorm(C, { dtype: 'float64' }), fused = new FusedBatchNorm(C, { dtype: 'float64' });
    for (const m of [plain, fused]) { m.weight.data.set([0.5, -1.5, 2].slice(0, C)); m.bias.data.set([0.1, 0.2, -0.3].slice(0, C)); }
    const a = plain.forward(x), b = fused.forward(x);
    for (let i = 0; i < a.size; i++) assert.ok(Math.abs(a.data[i] - b.data[i]) < 1e-12);
    for (let c = 0; c < C; c++) {
      assert.ok(Math.abs(plain.runningMean.data[c] - fused.runningMean.data[c]) < 1e-14);
      assert.ok(Math.abs(plain.runningVar.data[c] - fused.runningVar.data[c]) < 1e-14);
    }
  }
});
