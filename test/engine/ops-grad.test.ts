// First and second derivatives of every engine op against central finite differences (float64).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as E from '../../src/engine/index.js';
import { gradcheck, gradgradcheck } from '../../src/engine/gradcheck.js';
import type { Tensor } from '../../src/engine/index.js';

/** Deterministic float64 values in about [lo, hi], away from 0 when `awayFromZero`. */
function input(shape: number[], seed: number, lo = -1, hi = 1, awayFromZero = false): Tensor {
  return E.fromFunction(shape, (i) => {
    let u = 0.5 + 0.5 * Math.sin(3.7 * i + 1.3 * seed + 0.4);
    if (awayFromZero) { const v = lo + (hi - lo) * u; return Math.abs(v) < 0.1 ? (v < 0 ? -0.1 - Math.abs(v) : 0.1 + v) : v; }
    return lo + (hi - lo) * u;
  }, 'float64');
}

function check(name: string, f: (...xs: Tensor[]) => Tensor, mk: () => Tensor[], second = true): void {
  test(`${name}: gradcheck`, () => {
    const r = gradcheck(f, mk());
    assert.ok(r.ok, `${name}: ${r.message} (worst ${r.worst})`);
  });
  if (second) {
    test(`${name}: gradgradcheck`, () => {
      const r = gradgradcheck(f, mk());
      assert.ok(r.ok, `${name}: ${r.message} (worst ${r.worst})`);
    });
  }
}

check('add broadcast', (a, b) => E.add(a, b), () => [input([2, 3], 1), input([3], 2)]);
check('add per-row', (a, b) => E.add(a, b), () => [input([2, 3], 1), input([2, 1], 2)]);
check('sub', (a, b) => E.sub(a, b), () => [input([2, 1, 3], 1), input([4, 1], 2)]);
check('mul broadcast', (a, b) => E.mul(a, b), () => [input([2, 3], 3), input([2, 1], 4)]);
check('div', (a, b) => E.div(a, b), () => [input([2, 3], 5), input([3], 6, 0.5, 2)]);
check('scalar forms', (a) => E.div(E.sub(3, E.mul(a, 2)), E.add(E.mul(a, a), 1)), () => [input([5], 7)]);
check('neg', (a) => E.neg(a), () => [input([4], 8)]);
check('pow 3', (a) => E.pow(a, 3), () => [input([4], 9)]);
check('pow -1.5', (a) => E.pow(a, -1.5), () => [input([4], 9, 0.5, 2)]);
check('sqrt', (a) => E.sqrt(a), () => [input([4], 10, 0.3, 2)]);
check('exp', (a) => E.exp(a), () => [input([4], 11)]);
check('log', (a) => E.log(a), () => [input([4], 12, 0.3, 2)]);
check('tanh', (a) => E.tanh(a), () => [input([4], 13)]);
check('sigmoid', (a) => E.sigmoid(a), () => [input([4], 14, -3, 3)]);
check('softplus', (a) => E.softplus(a), () => [input([4], 15, -3, 3)]);
check('abs', (a) => E.abs(a), () => [input([6], 16, -1, 1, true)]);
check('relu', (a) => E.relu(a), () => [input([6], 17, -1, 1, true)]);
check('leakyRelu', (a) => E.leakyRelu(a, 0.2), () => [input([6], 18, -1, 1, true)]);
check('leakyRelu·x (nonzero 2nd order)', (a) => E.mul(E.leakyRelu(a, 0.2), a), () => [input([6], 18, -1, 1, true)]);
check('where', (a, b) => E.where(E.gtMask(E.fromFunction([2, 3], (i) => i % 2, 'float64'), 0.5), E.mul(a, a), b), () => [input([2, 3], 19), input([3], 20)]);
check('sum axes keepdims', (a) => E.sum(E.mul(a, a), [0, 2], true), () => [input([2, 3, 2], 21)]);
check('sum all', (a) => E.sum(E.exp(a)), () => [input([2, 3], 22)]);
check('mean axis', (a) => E.mean(E.mul(a, a), 1), () => [input([2, 3, 2], 23)]);
check('max axis', (a) => E.max(E.mul(a, a), 1), () => [input([2, 4, 2], 24)]);
check('expand', (a) => E.mul(E.expand(a, [2, 3, 2]), E.expand(a, [2, 3, 2])), () => [input([3, 1], 25)]);
check('reshape', (a) => E.mul(E.reshape(a, [3, 2]), E.reshape(a, [3, 2])), () => [input([2, 3], 26)]);
check('permute', (a) => E.mul(E.permute(a, [2, 0, 1]), E.permute(a, [2, 0, 1])), () => [input([2, 3, 4], 27)]);
check('transpose', (a, b) => E.matmul(E.transpose(a), b), () => [input([2, 3], 28), input([2, 2], 29)]);
check('narrow', (a) => E.mul(E.narrow(a, 1, 1, 2), E.narrow(a, 1, 0, 2)), () => [input([2, 3, 2], 30)]);
check('concat', (a, b) => E.mul(E.concat([a, b, a], 1), E.concat([b, a, b], 1)), () => [input([2, 1, 2], 31), input([2, 1, 2], 32)]);
check('indexSelect', (a) => E.mul(E.indexSelect(a, [2, 0, 2]), E.indexSelect(a, [1, 1, 0])), () => [input([3, 2], 33)]);
check('matmul', (a, b) => E.matmul(a, b), () => [input([3, 4], 34), input([4, 2], 35)]);
check('matmul transA', (a, b) => E.matmul(a, b, true, false), () => [input([4, 3], 36), input([4, 2], 37)]);
check('matmul transB', (a, b) => E.matmul(a, b, false, true), () => [input([3, 4], 38), input([2, 4], 39)]);
check('matmul transA transB', (a, b) => E.matmul(E.tanh(a), b, true, true), () => [input([4, 3], 40), input([2, 4], 41)]);
check('linear', (x, w, b) => E.tanh(E.linear(x, w, b)), () => [input([3, 4], 42), input([2, 4], 43), input([2], 44)]);
check('conv2d stride 2 pad 1', (x, w, b) => E.conv2d(x, w, b, { stride: 2, padding: 1 }), () => [input([2, 2, 5, 5], 45), input([3, 2, 3, 3], 46), input([3], 47)]);
check('conv2d² (nonlinear)', (x, w) => E.tanh(E.conv2d(x, w, null, { stride: [1, 2], padding: [0, 1] })), () => [input([1, 2, 4, 5], 48), input([2, 2, 2, 3], 49)]);
check('convTranspose2d', (x, w, b) => E.tanh(E.convTranspose2d(x, w, b, { stride: 2, padding: 1, outputPadding: 1 })), () => [input([2, 3, 3, 3], 50), input([3, 2, 4, 4], 51), input([2], 52)]);
check('conv2dWeightGrad', (x, g) => E.tanh(E.conv2dWeightGrad(x, g, [3, 3], { stride: 2 })), () => [input([2, 2, 5, 5], 53), input([2, 3, 2, 2], 54)]);
check('avgPool2d', (x) => E.mul(E.avgPool2d(x, 2), E.avgPool2d(x, 2)), () => [input([1, 2, 4, 4], 55)]);
check('adaptiveAvgPool2d', (x) => E.tanh(E.adaptiveAvgPool2d(x, 2)), () => [input([1, 1, 6, 6], 56)]);
check('upsampleNearest2d', (x) => E.tanh(E.upsampleNearest2d(x)), () => [input([1, 2, 2, 3], 57)]);
check('globalAvgPool2d', (x) => E.tanh(E.globalAvgPool2d(x)), () => [input([2, 2, 3, 3], 58)]);

test('conv2d equals a brute-force sum on a tiny case', () => {
  const x = input([1, 2, 4, 4], 60), w = input([2, 2, 3, 3], 61), b = input([2], 62);
  const y = E.conv2d(x, w, b, { stride: 2, padding: 1 });
  assert.deepEqual(y.shape, [1, 2, 2, 2]);
  for (let o = 0; o < 2; o++) for (let oy = 0; oy < 2; oy++) for (let ox = 0; ox < 2; ox++) {
    let s = b.data[o];
    for (let c = 0; c < 2; c++) for (let i = 0; i < 3; i++) for (let j = 0; j < 3; j++) {
      const iy = oy * 2 - 1 + i, ix = ox * 2 - 1 + j;
      if (iy < 0 || iy >= 4 || ix < 0 || ix >= 4) continue;
      s += x.data[(c * 4 + iy) * 4 + ix] * w.data[((o * 2 + c) * 3 + i) * 3 + j];
    }
    assert.ok(Math.abs(y.data[(o * 2 + oy) * 2 + ox] - s) < 1e-12);
  }
});

test('shape errors name the op and the shapes', () => {
  assert.throws(() => E.add(E.zeros([2, 3]), E.zeros([4])), /add: shapes \[2, 3\] and \[4\]/);
  assert.throws(() => E.matmul(E.zeros([2, 3]), E.zeros([4, 2])), /matmul: inner sizes differ/);
  assert.throws(() => E.conv2d(E.zeros([1, 2, 4, 4]), E.zeros([1, 3, 3, 3])), /conv2d: input \[1, 2, 4, 4\]/);
});
