// Library inputs that used to be accepted silently (NaN parameters, odd shapes, zero gradients)
// or to fail far from their cause (the memory allocator, undefined properties): each is now
// an Error saying what is wrong, as PyTorch's checks do.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as E from '../../src/engine/index.js';
import { Rng } from '../../src/engine/random.js';
import { Adam, Conv2d, Linear, buildGenerator, buildDiscriminator } from '../../src/nn/index.js';
import * as pkg from '../../src/index.js';

const x4 = (): E.Tensor => E.randn([1, 1, 4, 4], new Rng(0));

test('Adam refuses a missing, NaN or negative rate, betas outside [0, 1) and a bad eps', () => {
  const p = E.ones([2]).requireGrad();
  for (const [opts, re] of [
    [{ lr: NaN }, /^Adam: lr must be a finite number ≥ 0, got NaN$/],
    [{}, /^Adam: lr must be a finite number ≥ 0, got undefined$/],
    [{ lr: -1 }, /got -1$/],
    [{ lr: 1e-3, betas: [1.5, 0.9] }, /^Adam: betas\[0\] must be in \[0, 1\), got 1.5$/],
    [{ lr: 1e-3, eps: -1 }, /^Adam: eps must be/],
  ] as const) assert.throws(() => new Adam([p], opts as { lr: number }), (e: unknown) => e instanceof RangeError && re.test(e.message), JSON.stringify(opts));
  const opt = new Adam([p], { lr: 0.1 });
  opt.step([E.ones([2])]);
  assert.ok(Array.from(p.data).every(Number.isFinite));
});

test('convolutions, pooling and upsampling refuse strides, paddings and factors that are not integers in range', () => {
  const w = E.randn([1, 1, 3, 3], new Rng(1));
  for (const [opts, re] of [
    [{ stride: 0 }, /^conv: stride must be a positive integer, got 0$/],
    [{ stride: NaN }, /stride must be a positive integer, got NaN/],
    [{ stride: 1.5 }, /got 1.5/],
    [{ padding: 0.5 }, /^conv: padding must be a non-negative integer, got 0.5$/],
    [{ padding: -1 }, /padding must be a non-negative integer/],
  ] as const) assert.throws(() => E.conv2d(x4(), w, null, opts), (e: unknown) => e instanceof RangeError && re.test(e.message), JSON.stringify(opts));
  assert.throws(() => E.convTranspose2d(x4(), w, null, { stride: 0 }), /stride must be a positive integer/);
  assert.throws(() => E.convTranspose2d(x4(), w, null, { stride: 2, outputPadding: 5 }), /^RangeError: convTranspose2d: outputPadding must be a non-negative integer smaller than the stride, got 5,5 with stride 2,2$/);
  assert.deepEqual(E.convTranspose2d(x4(), w, null, { stride: 2, padding: 1, outputPadding: 1 }).shape, [1, 1, 8, 8]); // PyTorch's shape
  assert.throws(() => E.upsampleNearest2d(x4(), 0), /^RangeError: upsampleNearest2d: factor must be a positive integer, got 0$/);
  assert.throws(() => E.upsampleNearest2d(x4(), 1.5), /factor must be a positive integer, got 1.5/);
  assert.throws(() => E.avgPool2d(x4(), 0), /avgPool2d: kernel must be a positive integer/);
  assert.throws(() => E.leakyRelu(x4(), NaN), /leakyRelu: the slope must be a finite number/);
});

test('layers and architectures refuse sizes that are not positive integers, and a missing rng, by name', () => {
  const rng = new Rng(2);
  assert.throws(() => new Conv2d(3, 4, 0, { rng }), /^RangeError: layer: every size \(features, channels, kernel\) must be a positive integer, got a weight of shape \[4, 3, 0, 0\]$/);
  assert.throws(() => new Linear(3, 4, {} as { rng: Rng }), /^TypeError: layer: options.rng \(an Rng\) is required/);
  for (const [ctx, re] of [
    [{ zDim: 0, channels: 1, imSize: 4 }, /^RangeError: architecture: zDim must be a positive integer, got 0$/],
    [{ zDim: 4, channels: 1, imSize: -16 }, /imSize must be a positive integer, got -16/],
    [{ zDim: 4, channels: 1, imSize: 2.5 }, /imSize must be a positive integer, got 2.5/],
    [{}, /zDim must be a positive integer, got undefined/],
  ] as const) {
    assert.throws(() => buildGenerator('FC', { ...ctx, rng } as Parameters<typeof buildGenerator>[1]), re, JSON.stringify(ctx));
    assert.throws(() => buildDiscriminator('FC', { ...ctx, rng } as Parameters<typeof buildDiscriminator>[1]), re, JSON.stringify(ctx));
  }
  assert.throws(() => E.zeros([2], 'float16' as E.DType), /^TypeError: tensor: dtype must be 'float32' or 'float64', got "float16"$/);
});

test('gradcheck and gradgradcheck are exported from the package root, as the README says', () => {
  assert.equal(pkg.gradcheck, E.gradcheck);
  assert.equal(pkg.gradgradcheck, E.gradgradcheck);
  const r = pkg.gradgradcheck((t: E.Tensor) => E.mul(t, t), [E.tensor([0.5, -1.5], [2], 'float64').requireGrad()]);
  assert.ok(r.ok);
});
