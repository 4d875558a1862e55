import { test } from 'node:test';
import assert from 'node:assert/strict';
import { tensor } from '../../src/engine/index.js';
import { ParameterAverage, clipParameters } from '../../src/train/parameter-ops.js';

test('weight clipping clamps every value to [-c, c] and leaves the others', () => {
  const a = tensor([-0.5, 0.005, 0.02, -0.01, 0.01]);
  const b = tensor([3, -3], [1, 2]);
  clipParameters([['a', a], ['b', b]], 0.01);
  assert.deepEqual(a.toArray().map((v) => Math.fround(v)), [-0.01, 0.005, 0.01, -0.01, 0.01].map(Math.fround));
  assert.deepEqual(b.toArray().map((v) => Math.fround(v)), [0.01, -0.01].map(Math.fround));
});

test('EMA: after k updates towards a fixed θ, ema = θ + (1−f)^k (ema0 − θ)', () => {
  const p = tensor([0, 4]);
  const avg = new ParameterAverage([['w', p]], 0.25);
  p.data.set([1, -4]); // θ
  for (let k = 0; k < 3; k++) avg.update();
  const decay = 0.75 ** 3;
  const e = avg.copies.get('w')!;
  assert.ok(Math.abs(e[0] - (1 + decay * (0 - 1))) < 1e-6);
  assert.ok(Math.abs(e[1] - (-4 + decay * (4 + 4))) < 1e-6);
});

test('EMA with factor 1 is the live weights; swapping in and back restores them', () => {
  const p = tensor([1, 2]);
  const avg = new ParameterAverage([['w', p]], 1);
  p.data.set([5, 6]);
  avg.update();
  assert.deepEqual([...avg.copies.get('w')!], [5, 6]);
  const q = tensor([1, 2]);
  const a2 = new ParameterAverage([['w', q]], 0.5);
  q.data.set([3, 4]);
  a2.update(); // ema = [2, 3]
  const seen = a2.withAveraged(() => q.toArray());
  assert.deepEqual(seen, [2, 3]);
  assert.deepEqual(q.toArray(), [3, 4]);
});
