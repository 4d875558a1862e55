// Metric strings: parsing and its errors; patch extraction as unfold; local and pooled patch
// losses against their definitions; gradients of w1, swd and the patch variants against
// central finite differences on tiny images (away from ties).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Rng } from '../../src/engine/random.js';
import { parseMetric } from '../../src/ot/metrics.js';
import { unfold, unfoldAt, fold } from '../../src/ot/patches.js';
import { w1 } from '../../src/ot/distances.js';
import { swd } from '../../src/ot/sliced.js';
import { SpecError } from '../../src/util/named-spec.js';

test('metric strings parse with their defaults', () => {
  const a = parseMetric('MiniBatchLoss-dist=w1');
  assert.equal(a.dist, 'w1'); assert.equal(a.params.epsilon, 0);
  const b = parseMetric('MiniBatchPatchLoss-dist=swd-p=16-s=1');
  assert.equal(b.params.p, 16); assert.equal(b.params.s, 1); assert.equal(b.params.num_proj, 128);
  const c = parseMetric('MiniBatchLocalPatchLoss-dist=full_dim_swd-p=16-s=8');
  assert.equal(c.kind, 'MiniBatchLocalPatchLoss');
  assert.equal(parseMetric('MiniBatchLoss-dist=w1-epsilon=0.1').params.epsilon, 0.1);
  assert.equal(parseMetric('MiniBatchLoss-dist=projected_w1-dim=8').params.num_proj, 16);
  assert.equal(parseMetric('MiniBatchLoss-dist=mmd').params.sigma, 0.1);
});

test('unknown names, keys and values are errors naming the string', () => {
  for (const bad of ['MiniBatchLos-dist=w1', 'MiniBatchLoss-dist=w2', 'MiniBatchLoss-dist=swd-epsilon=1',
    'MiniBatchLoss-dist=w1-p=3', 'MiniBatchPatchLoss-dist=swd-p=x', 'MiniBatchLoss', 'MiniBatchLoss-dist=swd-num_proj=0']) {
    assert.throws(() => parseMetric(bad), (e: unknown) => e instanceof SpecError && e.message.includes(`"${bad}"`), bad);
  }
});

test('unfold gives every window at stride s, channel-major, and fold is its adjoint', () => {
  const shape = { c: 2, h: 5, w: 4 };
  const img = new Float32Array(2 * 5 * 4).map((_, i) => i);
  const P = unfold(img, 1, shape, 3, 2); // positions rows {0,2}, cols {0}: 2 windows of 18 values
  assert.equal(P.length, 2 * 18);
  // window (row 2, col 0), channel 1, kernel row 1, kernel col 2 = img[1, 3, 2]
  assert.equal(P[18 + 9 + 3 + 2], img[20 + 3 * 4 + 2]);
  const rng = new Rng(1);
  const g = new Float64Array(P.length).map(() => rng.normal());
  const out = new Float64Array(img.length);
  fold(g, 1, shape, 3, 2, out);
  const z = new Float32Array(img.length).map(() => rng.normal());
  const Pz = unfold(z, 1, shape, 3, 2);
  let lhs = 0, rhs = 0;
  for (let k = 0; k < g.length; k++) lhs += g[k] * Pz[k];
  for (let k = 0; k < z.length; k++) rhs += out[k] * z[k];
  assert.ok(Math.abs(lhs - rhs) < 1e-9 * Math.abs(lhs));
});

test('patches at one position (unfoldAt) are the rows of that position in the full unfold', () => {
  const shape = { c: 2, h: 9, w: 7 };
  const count = 3, p = 3, s = 2; // grid 4 × 3, 18 values per patch
  const img = new Float32Array(count * 2 * 9 * 7).map((_, i) => i * 0.5 - 7);
  const all = unfold(img, count, shape, p, s);
  const L = 12, dim = 18;
  const buf = new Float32Array(count * dim);
  for (let l = 0; l < L; l++) {
    unfoldAt(img, count, shape, p, s, l, buf);
    for (let b = 0; b < count; b++) {
      for (let k = 0; k < dim; k++) assert.equal(buf[b * dim + k], all[(b * L + l) * dim + k], `position ${l} image ${b}`);
    }
  }
  // window (grid row 1, grid col 2) of image 1, channel 1, kernel row 2, kernel col 0
  unfoldAt(img, count, shape, p, s, 5, buf);
  assert.equal(buf[dim + 9 + 6], img[(1 * 2 + 1) * 63 + (2 + 2) * 7 + 4]);
});

function images(rng: Rng, n: number, c: number, h: number, w: number): Float32Array {
  const x = new Float32Array(n * c * h * w);
  rng.fillUniform(x, -1, 1);
  return x;
}

test('patch losses are the distances of their patch sets (pooled; per position averaged)', () => {
  const rng = new Rng(2);
  const shape = { n: 3, m: 4, c: 1, h: 6, w: 6 };
  const x = images(rng, 3, 1, 6, 6), y = images(rng, 4, 1, 6, 6);
  const img = { c: 1, h: 6, w: 6 };
  const pooled = parseMetric('MiniBatchPatchLoss-dist=w1-p=3-s=3').evaluate(x, y, shape, new Rng(0));
  const want = w1(unfold(x, 3, img, 3, 3), 12, unfold(y, 4, img, 3, 3), 16, 9).value;
  assert.ok(Math.abs(pooled - want) < 1e-12);
  const local = parseMetric('MiniBatchLocalPatchLoss-dist=w1-p=3-s=3').evaluate(x, y, shape, new Rng(0));
  let s = 0;
  for (let l = 0; l < 4; l++) s += w1(unfold(x, 3, img, 3, 3, l), 3, unfold(y, 4, img, 3, 3, l), 4, 9).value;
  assert.ok(Math.abs(local - s / 4) < 1e-12);
  const img1 = parseMetric('MiniBatchLoss-dist=swd-num_proj=7').evaluate(x, y, shape, new Rng(5));
  assert.ok(Math.abs(img1 - swd(x, 3, y, 4, 36, new Rng(5), 7).value) < 1e-12);
});

function fdCheck(text: string, shape: { n: number; m: number; c: number; h: number; w: number }, seed: number, h = 1e-3, tol = 2e-3): void {
  const rng = new Rng(seed);
  const x = images(rng, shape.n, shape.c, shape.h, shape.w), y = images(rng, shape.m, shape.c, shape.h, shape.w);
  const metric = parseMetric(text);
  const { value, gradX } = metric.evaluateWithGradient(x, y, shape, new Rng(3));
  assert.ok(Math.abs(value - metric.evaluate(x, y, shape, new Rng(3))) < 1e-12);
  for (let k = 0; k < x.length; k++) {
    const xp = x.slice(), xm = x.slice();
    xp[k] += h; xm[k] -= h;
    const fd = (metric.evaluate(xp, y, shape, new Rng(3)) - metric.evaluate(xm, y, shape, new Rng(3))) / ((xp[k] - xm[k]));
    assert.ok(Math.abs(fd - gradX[k]) <= tol * Math.max(1, Math.abs(fd)), `${text} pixel ${k}: ${gradX[k]} vs finite difference ${fd}`);
  }
}

test('gradients of the differentiable metrics match central finite differences', () => {
  fdCheck('MiniBatchLoss-dist=w1', { n: 3, m: 5, c: 1, h: 3, w: 3 }, 10);
  fdCheck('MiniBatchLoss-dist=w1', { n: 4, m: 4, c: 2, h: 2, w: 2 }, 11);
  fdCheck('MiniBatchLoss-dist=swd-num_proj=8', { n: 3, m: 5, c: 1, h: 3, w: 3 }, 13);
  fdCheck('MiniBatchPatchLoss-dist=swd-p=2-s=1-num_proj=6', { n: 2, m: 3, c: 1, h: 4, w: 4 }, 14);
  fdCheck('MiniBatchLocalPatchLoss-dist=swd-p=2-s=2-num_proj=6', { n: 2, m: 3, c: 2, h: 4, w: 4 }, 15);
  fdCheck('MiniBatchPatchLoss-dist=w1-p=2-s=2', { n: 2, m: 2, c: 1, h: 4, w: 4 }, 16);
  fdCheck('MiniBatchLocalPatchLoss-dist=full_dim_swd-p=3-s=1-num_proj=4', { n: 2, m: 3, c: 1, h: 4, w: 4 }, 17);
});

test('metrics without a gradient say so; bad shapes are refused', () => {
  const m = parseMetric('MiniBatchLoss-dist=fd');
  assert.throws(() => m.evaluateWithGradient(new Float32Array(4), new Float32Array(4), { n: 2, m: 2, c: 1, h: 1, w: 2 }, new Rng(0)), /no gradient/);
  assert.throws(() => parseMetric('MiniBatchLoss-dist=w1').evaluate(new Float32Array(3), new Float32Array(4), { n: 2, m: 2, c: 1, h: 1, w: 2 }, new Rng(0)), /arrays hold/);
  assert.throws(() => parseMetric('MiniBatchPatchLoss-dist=w1-p=5').evaluate(new Float32Array(4), new Float32Array(4), { n: 1, m: 1, c: 1, h: 2, w: 2 }, new Rng(0)), /do not fit/);
});

test('an entropic W1 that misses its tolerance says so once per evaluation; a converged one says nothing', () => {
  const rng = new Rng(41);
  const x = new Float32Array(6 * 4), y = new Float32Array(9 * 4);
  rng.fillUniform(x, -1, 1); rng.fillUniform(y, -1, 1);
  const img = { n: 6, m: 9, c: 1, h: 2, w: 2 };
  const warnings: string[] = [];
  const capped = parseMetric('MiniBatchLoss-dist=w1-epsilon=0.1-max_iter=1');
  capped.evaluate(x, y, img, new Rng(0), (m) => warnings.push(m));
  assert.equal(warnings.length, 1);
  assert.match(warnings[0], /^MiniBatchLoss-dist=w1-epsilon=0\.1-max_iter=1: Sinkhorn did not converge within max_iter=1 iterations at epsilon 0\.1 \(\d+ with the ε-scaling stages; marginal error /);
  // Local patch loss: one problem per position, one warning for the evaluation.
  const local = parseMetric('MiniBatchLocalPatchLoss-dist=w1-epsilon=0.1-max_iter=1-p=1-s=1');
  local.evaluate(x, y, img, new Rng(0), (m) => warnings.push(m));
  assert.equal(warnings.length, 2);
  assert.match(warnings[1], /in 4 of its 4 transport problems/);
  // Converged at a large epsilon: no warning, and the value is Sinkhorn's converged cost.
  const easy = parseMetric('MiniBatchLoss-dist=w1-epsilon=10-max_iter=5000');
  const v = easy.evaluate(x, y, img, new Rng(0), (m) => warnings.push(m));
  assert.equal(warnings.length, 2);
  assert.ok(Math.abs(v - w1(x, 6, y, 9, 4, { epsilon: 10, maxIter: 5000 }).value) <= 1e-12 * v);
  assert.ok(w1(x, 6, y, 9, 4, { epsilon: 10, maxIter: 5000 }).sinkhorn?.converged);
});

test('a missing dist names the keys that were given; commas between metric strings are explained', () => {
  assert.throws(() => parseMetric('MiniBatchLoss-Dist=w1'), /the key dist is required \(one of w1, .*\); got only "Dist" \(keys are case-sensitive\)$/);
  assert.throws(() => parseMetric('MiniBatchLoss'), /the key dist is required \(one of w1, swd, full_dim_swd, projected_w1, nn, fd, mmd\)$/);
  assert.throws(() => parseMetric('MiniBatchLoss-dist=w1,MiniBatchLoss-dist=swd'), /separated by spaces, not commas/);
});
