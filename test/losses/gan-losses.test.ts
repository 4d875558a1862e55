// NonSaturatingGANLoss and SoftHingeLoss: values against their formulas computed by hand on
// small score vectors, gradients (critic and generator) against finite differences, margins
// drawn per sample from the Rng, and the registry's parsing of their names.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as E from '../../src/engine/index.js';
import { Rng } from '../../src/engine/random.js';
import { gradcheck, gradgradcheck } from '../../src/engine/gradcheck.js';
import { NonSaturatingGANLoss, SoftHingeLoss } from '../../src/losses/gan-losses.js';
import { buildLoss } from '../../src/losses/registry.js';

const sp = (x: number) => Math.log1p(Math.exp(x));
const t64 = (v: number[], shape?: number[]) => E.tensor(v, shape ?? [v.length], 'float64');
const real = [0.3, -1.2, 2.5], fake = [-0.7, 0.4, 1.1, -2.0];

test('NonSaturatingGANLoss: BCE with logits over the concatenated batch (real→1, fake→0); generator fake→1', () => {
  const L = new NonSaturatingGANLoss();
  const d = L.criticLoss(t64(real, [3, 1]), t64(fake));
  const want = (real.reduce((s, r) => s + sp(-r), 0) + fake.reduce((s, f) => s + sp(f), 0)) / 7;
  assert.ok(Math.abs(d.loss.item() - want) < 1e-12);
  assert.ok(Math.abs(d.scalars.Dloss - want) < 1e-12);
  const zero = L.criticLoss(t64([0, 0]), t64([0, 0])).loss.item();
  assert.ok(Math.abs(zero - Math.LN2) < 1e-12);
  const g = L.generatorLoss({ scoresFake: t64(fake), real: t64([0]), fake: t64([0]), rng: new Rng(1) });
  assert.ok(Math.abs(g.loss.item() - fake.reduce((s, f) => s + sp(-f), 0) / 4) < 1e-12);
  assert.ok(gradcheck((r, f) => L.criticLoss(r, f).loss, [t64(real), t64(fake)]).ok);
  assert.ok(gradgradcheck((r, f) => L.criticLoss(r, f).loss, [t64(real), t64(fake)]).ok);
  assert.ok(gradcheck((f) => L.generatorLoss({ scoresFake: f, real: f, fake: f, rng: new Rng(1) }).loss, [t64(fake)]).ok);
});

test('SoftHingeLoss: mean relu(u − D(real)) + mean relu(u′ + D(fake)), u, u′ ~ U(0.8, 1) per sample from the Rng', () => {
  const L = new SoftHingeLoss();
  const r = [0.3, 0.95, 2.5], f = [-0.7, -0.85, 1.1, -2.0];
  const rng = new Rng(42);
  const d = L.criticLoss(t64(r), t64(f), rng);
  const draws = new Rng(42);
  const u = r.map(() => 0.8 + 0.2 * draws.uniform()), u2 = f.map(() => 0.8 + 0.2 * draws.uniform());
  const want = r.reduce((s, x, i) => s + Math.max(0, u[i] - x), 0) / 3 + f.reduce((s, x, i) => s + Math.max(0, u2[i] + x), 0) / 4;
  assert.ok(Math.abs(d.loss.item() - want) < 1e-12, `${d.loss.item()} vs ${want}`);
  assert.deepEqual(rng.getState(), draws.getState());
  for (const x of [...u, ...u2]) assert.ok(x >= 0.8 && x < 1.0);
  // Finite differences at points away from the hinges (the same margins each evaluation).
  assert.ok(gradcheck((a, b) => L.criticLoss(a, b, new Rng(42)).loss, [t64(r), t64(f)]).ok);
  const g = L.generatorLoss({ scoresFake: t64(f), real: t64([0]), fake: t64([0]), rng: new Rng(1) });
  assert.ok(Math.abs(g.loss.item() + f.reduce((s, x) => s + x, 0) / 4) < 1e-12);
  assert.ok(gradcheck((b) => L.generatorLoss({ scoresFake: b, real: b, fake: b, rng: new Rng(1) }).loss, [t64(f)]).ok);
});

test('the registry builds both losses by name, as critic losses, and rejects keys', () => {
  for (const name of ['NonSaturatingGANLoss', 'SoftHingeLoss']) {
    const l = buildLoss(name);
    assert.equal(l.text, name);
    assert.equal(l.needsCritic, true);
    assert.throws(() => buildLoss(`${name}-x=1`), /unknown key "x"/);
  }
});
