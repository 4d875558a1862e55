// The mini-batch distance losses as generator objectives: the value equals the src/ot metric
// between the fake and real batches, the gradient with respect to the fakes matches finite
// differences of that metric (w1, swd, full_dim_swd; whole images, pooled patches, patches per
// position), the gradient reaches generator parameters through the graph, the logged names
// follow SPEC §8, they need no critic, and non-differentiable distances are refused.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as E from '../../src/engine/index.js';
import { Rng } from '../../src/engine/random.js';
import { buildLoss } from '../../src/losses/registry.js';
import { MiniBatchDistanceLoss } from '../../src/losses/minibatch-losses.js';
import { parseMetric } from '../../src/ot/metrics.js';

const SEED = 9;
function images(n: number, seed: number, shape: number[]): E.Tensor {
  const rng = new Rng(seed);
  return E.fromFunction([n, ...shape], () => Math.round((2 * rng.uniform() - 1) * 1000) / 1000, 'float32');
}

const cases = [
  'MiniBatchLoss-dist=w1',
  'MiniBatchLoss-dist=swd-num_proj=16',
  'MiniBatchLoss-dist=full_dim_swd-num_proj=8',
  'MiniBatchPatchLoss-dist=w1-p=2-s=1',
  'MiniBatchPatchLoss-dist=swd-p=3-s=2',
  'MiniBatchLocalPatchLoss-dist=w1-p=2-s=2',
  'MiniBatchLocalPatchLoss-dist=full_dim_swd-p=2-s=1-num_proj=4',
];

for (const text of cases) {
  test(`${text}: value is the metric, gradient matches finite differences`, () => {
    const shape = [2, 4, 4];
    const fake = images(3, 1, shape).requireGrad(), real = images(4, 2, shape);
    const loss = buildLoss(text);
    assert.equal(loss.needsCritic, false);
    const out = loss.generatorLoss({ real, fake, rng: new Rng(SEED) });
    const metric = parseMetric(text);
    const dims = { n: 3, m: 4, c: 2, h: 4, w: 4 };
    const value = (x: Float32Array) => metric.evaluate(x, real.data as Float32Array, dims, new Rng(SEED));
    assert.ok(Math.abs(out.loss.item() - value(fake.data as Float32Array)) <= 1e-5 * Math.max(1, Math.abs(out.loss.item())));
    const [g] = E.grad([out.loss], [fake]);
    const x = Float32Array.from(fake.data);
    const eps = 1e-3; // small enough not to cross a change of sort order (full_dim_swd jumps there)
    let worst = 0, scale = 0;
    for (let i = 0; i < x.length; i++) {
      const o = x[i];
      x[i] = o + eps; const p = value(x);
      x[i] = o - eps; const m = value(x);
      x[i] = o;
      const num = (p - m) / (2 * eps);
      worst = Math.max(worst, Math.abs(num - g.data[i]));
      scale = Math.max(scale, Math.abs(num));
    }
    assert.ok(scale > 0);
    assert.ok(worst <= 2e-3 * Math.max(1, scale), `${text}: worst |analytic − numeric| ${worst} (scale ${scale})`);
  });
}

test('the distance gradient reaches generator parameters and is scaled by the upstream gradient', () => {
  const shape = [1, 4, 4];
  const real = images(4, 2, shape);
  const w = E.tensor([0.5], [1]).requireGrad();
  const base = images(4, 3, shape);
  const loss = new MiniBatchDistanceLoss('MiniBatchLoss-dist=w1');
  const fake = E.mul(base, w);
  const out = loss.generatorLoss({ real, fake, rng: new Rng(1) });
  const [gw] = E.grad([E.mulScalar(out.loss, 3)], [w]);
  const [gf] = E.grad([loss.generatorLoss({ real, fake: E.mul(base, w), rng: new Rng(1) }).loss], [w]);
  assert.ok(Math.abs(gw.item() - 3 * gf.item()) < 1e-5 * Math.abs(gf.item()) + 1e-7);
  const v = (s: number) => loss.generatorLoss({ real, fake: E.mulScalar(base, s), rng: new Rng(1) }).loss.item();
  const num = (v(0.5 + 1e-3) - v(0.5 - 1e-3)) / 2e-3;
  assert.ok(Math.abs(gf.item() - num) < 1e-3 * Math.max(1, Math.abs(num)), `${gf.item()} vs ${num}`);
});

test('logged names follow SPEC §8, and non-differentiable distances are refused as losses', () => {
  const shape = [1, 4, 4];
  const real = images(2, 2, shape), fake = images(2, 3, shape);
  const names: Record<string, string> = {
    'MiniBatchLoss-dist=w1': 'W1-L2', 'MiniBatchPatchLoss-dist=swd-p=2-s=1': 'SWD', 'MiniBatchLocalPatchLoss-dist=full_dim_swd-p=2-s=2': 'full_dim_SWD',
  };
  for (const [text, key] of Object.entries(names)) {
    const out = buildLoss(text).generatorLoss({ real, fake, rng: new Rng(1) });
    assert.deepEqual(Object.keys(out.scalars), [key]);
    assert.ok(out.scalars[key] > 0);
  }
  assert.throws(() => buildLoss('MiniBatchLoss-dist=fd'), /no gradient/);
  assert.throws(() => buildLoss('MiniBatchLoss-dist=w2'), /dist must be one of/);
  assert.throws(() => buildLoss('MiniBatchLoss'), /dist is required/);
});
