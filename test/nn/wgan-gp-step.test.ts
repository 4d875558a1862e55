// One full WGAN-GP critic step (loss, penalty, every parameter gradient, parameters after one
// Adam step) against PyTorch float64 fixtures made by test/fixtures/nn/wgan_gp_step.py from the
// same formula-generated weights, images and per-sample alphas. Ours runs in float64 and again
// in float32 (the training precision; loss, penalty and gradients only); torch runs in float64.
// Per tensor: ‖ours − torch‖ / ‖torch‖ ≤ 1e-4 over the stored entries, and the same for the
// full-tensor norms.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as E from '../../src/engine/index.js';
import { Rng } from '../../src/engine/random.js';
import { Adam, buildDiscriminator, type Module } from '../../src/nn/index.js';
import type { Tensor } from '../../src/engine/index.js';
import { formula } from './dcgan-fastgan-fill.js';

interface Sampled { norm: number; stride: number; values: number[] }
interface Fixture {
  batch: number; size: number; lambda: number; eps: number; W: number; penalty: number; loss: number;
  gradNorms: number[]; grads: Record<string, Sampled>; after: Record<string, Sampled>;
}

const TOL = 1e-4;


function fillParams(m: Module): Map<string, Float64Array> {
  const before = new Map<string, Float64Array>();
  let fanIn = 1, k = 0;
  for (const [name, t] of m.stateDict()) {
    if (name.endsWith('weight')) fanIn = t.shape.slice(1).reduce((a, b) => a * b, 1);
    const v = formula(t.size, 1000 + 7919 * k).map((x) => x / Math.sqrt(fanIn));
    t.data.set(v);
    before.set(name, v);
    k++;
  }
  return before;
}

function relErr(ours: ArrayLike<number>, theirs: ArrayLike<number>): number {
  let d = 0, n = 0;
  for (let i = 0; i < theirs.length; i++) { d += (ours[i] - theirs[i]) ** 2; n += theirs[i] ** 2; }
  return n === 0 ? Math.sqrt(d) : Math.sqrt(d / n);
}

function norm(a: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * a[i];
  return Math.sqrt(s);
}

function pick(a: ArrayLike<number>, stride: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < a.length; i += stride) out.push(a[i]);
  return out;
}

function criticStep(spec: string, file: string, dtype: E.DType): void {
  const fx = JSON.parse(readFileSync(new URL(`../../../test/fixtures/nn/${file}`, import.meta.url), 'utf8')) as Fixture;
  const B = fx.batch, S = fx.size;
  const d = buildDiscriminator(spec, { zDim: 1, channels: 1, imSize: S, rng: new Rng(0), dtype: dtype });
  const before = fillParams(d);
  const n = B * S * S;
  const real = E.tensor(formula(n, 17).map((x) => 0.8 * x), [B, 1, S, S], dtype);
  const fake = E.tensor(formula(n, 29).map((x) => 0.7 * x), [B, 1, S, S], dtype);
  const alpha = E.tensor(Array.from({ length: B }, (_, b) => 0.05 + 0.9 * (b + 1) / (B + 1)), [B, 1, 1, 1], dtype);

  const w = E.sub(E.mean(d.forward(real)), E.mean(d.forward(fake)));
  const xh = E.add(E.mul(alpha, real), E.mul(E.sub(1, alpha), fake)).requireGrad();
  const [g] = E.grad(E.sum(d.forward(xh)), [xh], { createGraph: true });
  const norms = E.sqrt(E.add(E.sum(E.mul(g, g), [1, 2, 3]), fx.eps));
  const penalty = E.mulScalar(E.mean(E.square(E.addScalar(norms, -1))), fx.lambda);
  const loss = E.add(E.neg(w), penalty);
  const names = d.namedParameters().map(([k]) => k);
  const params = d.parameters();
  const grads = E.grad(loss, params);

  assert.ok(relErr([w.item()], [fx.W]) <= TOL, `W ${w.item()} vs ${fx.W}`);
  assert.ok(relErr([penalty.item()], [fx.penalty]) <= TOL, `penalty ${penalty.item()} vs ${fx.penalty}`);
  assert.ok(relErr([loss.item()], [fx.loss]) <= TOL, `loss ${loss.item()} vs ${fx.loss}`);
  assert.ok(relErr(norms.data, fx.gradNorms) <= TOL, `gradient norms ${Array.from(norms.data)} vs ${fx.gradNorms}`);
  assert.deepEqual(names.sort(), Object.keys(fx.grads).sort());

  d.namedParameters().forEach(([name], i) => {
    const ref = fx.grads[name];
    const e = relErr(pick(grads[i].data, ref.stride), ref.values);
    assert.ok(e <= TOL, `${spec} gradient of ${name}: relative error ${e}`);
    if (ref.norm > 0) assert.ok(Math.abs(norm(grads[i].data) - ref.norm) <= TOL * ref.norm, `${spec} gradient norm of ${name}`);
    else assert.ok(norm(grads[i].data) <= 1e-12, `${spec} gradient of ${name} should vanish`);
  });

  // Adam's first step is lr·g/(|g| + eps): a sign for most entries. Gradient entries below
  // float32's resolution (many biases have |g| < 1e-7 here) get an arbitrary sign in float32,
  // so the parameters after the step are compared in float64 only.
  if (dtype === 'float32') return;
  new Adam(params, { lr: 1e-3, betas: [0.5, 0.9], eps: 1e-8 }).step(grads);
  d.namedParameters().forEach(([name, p]) => {
    const ref = fx.after[name];
    const ours = pick(p.data, ref.stride);
    assert.ok(relErr(ours, ref.values) <= TOL, `${spec} ${name} after Adam: relative error ${relErr(ours, ref.values)}`);
    // The update itself (after − before), which the values above barely show.
    const b = pick(before.get(name)!, ref.stride);
    const dOurs = ours.map((v, i) => v - b[i]), dTorch = ref.values.map((v, i) => v - b[i]);
    if (fx.grads[name].norm === 0) {
      // A zero gradient leaves the parameter where it was (torch's stored values carry only
      // 10 significant digits, so compare ours against the exact starting values).
      assert.ok(norm(dOurs) <= 1e-9, `${spec} ${name} should not move`);
    } else {
      const e = relErr(dOurs, dTorch);
      assert.ok(e <= TOL, `${spec} ${name} Adam update: relative error ${e}`);
    }
  });
}

for (const dtype of ['float64', 'float32'] as const) {
  test(`FC-nf=1024 critic WGAN-GP step at 64×64 grey matches PyTorch (ours in ${dtype})`, () => criticStep('FC-nf=1024', 'wgan-gp-fc1024.json', dtype));
  test(`CNN-GAP=True critic WGAN-GP step matches PyTorch (ours in ${dtype})`, () => criticStep('CNN-GAP=True', 'wgan-gp-cnn-gap.json', dtype));
  test(`CNN-GAP=False critic WGAN-GP step matches PyTorch (ours in ${dtype})`, () => criticStep('CNN-GAP=False', 'wgan-gp-cnn-nogap.json', dtype));
}
