// The batch sampler of SPEC §2: full batches, each epoch a permutation, seeded, checkpointable.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Rng } from '../../src/engine/random.js';
import { BatchSampler } from '../../src/data/sampler.js';

function draw(s: BatchSampler, n: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const b = s.next();
    assert.equal(b.length, s.batchSize, 'every batch is full');
    out.push(...b);
  }
  return out;
}

test('every batch is full and each consecutive run of count indices is a permutation', () => {
  for (const [count, bs] of [[10, 3], [7, 7], [5, 16], [1, 4], [64, 64], [100, 64]]) {
    const s = new BatchSampler(count, bs, new Rng(3));
    const flat = draw(s, Math.ceil((count * 5) / bs));
    for (let e = 0; (e + 1) * count <= flat.length; e++) {
      const epoch = flat.slice(e * count, (e + 1) * count).sort((a, b) => a - b);
      assert.deepEqual(epoch, Array.from({ length: count }, (_, i) => i), `count ${count}, batch ${bs}, epoch ${e}`);
    }
  }
});

test('epochs are fresh shuffles: not all the same order', () => {
  const s = new BatchSampler(20, 20, new Rng(1));
  const a = Array.from(s.next());
  const b = Array.from(s.next());
  assert.notDeepEqual(a, b);
  assert.equal(s.epoch, 2);
});

test('the same seed gives the same batches; another seed does not', () => {
  const a = draw(new BatchSampler(50, 8, new Rng(42)), 20);
  const b = draw(new BatchSampler(50, 8, new Rng(42)), 20);
  const c = draw(new BatchSampler(50, 8, new Rng(43)), 20);
  assert.deepEqual(a, b);
  assert.notDeepEqual(a, c);
});

test('state round trip (with the Rng state) continues exactly, also mid-epoch', () => {
  const rng = new Rng(7);
  const s = new BatchSampler(13, 5, rng);
  draw(s, 4); // 20 indices: mid second epoch
  const saved = JSON.parse(JSON.stringify({ sampler: s.getState(), rng: rng.getState() }));
  const expected = draw(s, 9);
  const rng2 = Rng.fromState(saved.rng);
  const s2 = new BatchSampler(13, 5, rng2);
  s2.setState(saved.sampler);
  assert.deepEqual(draw(s2, 9), expected);
  assert.throws(() => new BatchSampler(12, 5, new Rng(0)).setState(saved.sampler), /13 images/);
});

test('non-positive sizes are refused', () => {
  assert.throws(() => new BatchSampler(0, 4, new Rng(0)));
  assert.throws(() => new BatchSampler(4, 0, new Rng(0)));
});
