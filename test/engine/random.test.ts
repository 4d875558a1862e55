import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Rng } from '../../src/engine/random.js';

test('same seed gives the same stream; saved state resumes it exactly', () => {
  const a = new Rng(42);
  const b = new Rng(42);
  for (let i = 0; i < 10; i++) assert.equal(a.uniform(), b.uniform());
  a.normal(); // leaves a spare normal in the state
  const state = JSON.parse(JSON.stringify(a.getState()));
  const expected = [a.normal(), a.uniform(), a.int(7), ...a.permutation(5)];
  const c = Rng.fromState(state);
  assert.deepEqual([c.normal(), c.uniform(), c.int(7), ...c.permutation(5)], expected);
});

test('uniform and normal moments match their distributions', () => {
  const r = new Rng(1);
  const n = 200000;
  let su = 0, sn = 0, sn2 = 0;
  for (let i = 0; i < n; i++) {
    su += r.uniform();
    const z = r.normal();
    sn += z;
    sn2 += z * z;
  }
  // Standard errors: uniform mean 0.29/sqrt(n) ≈ 6.5e-4; normal mean 1/sqrt(n) ≈ 2.2e-3.
  assert.ok(Math.abs(su / n - 0.5) < 4e-3);
  assert.ok(Math.abs(sn / n) < 1.2e-2);
  assert.ok(Math.abs(sn2 / n - 1) < 2e-2);
});

test('permutation is a permutation; int stays in range and hits every value', () => {
  const r = new Rng(7);
  const p = r.permutation(100);
  assert.deepEqual([...p].sort((x, y) => x - y), Array.from({ length: 100 }, (_, i) => i));
  const seen = new Set<number>();
  for (let i = 0; i < 1000; i++) {
    const v = r.int(10);
    assert.ok(v >= 0 && v < 10);
    seen.add(v);
  }
  assert.equal(seen.size, 10);
});
