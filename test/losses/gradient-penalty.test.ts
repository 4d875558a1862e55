import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Tensor, tensor, grad, add, conv2d, leakyRelu, linear, reshape } from '../../src/engine/index.js';
import { Rng } from '../../src/engine/random.js';
import { drawAlphas, gradientPenalty } from '../../src/losses/gradient-penalty.js';
import { WGANLoss } from '../../src/losses/wgan.js';

interface Case {
  image_shape: number[]; batch: number; alphas: number[]; lambda: number;
  param_names: string[]; param_shapes: number[][];
  W1: number; norms: number[]; gradient_norm: number; penalty: number; loss: number; grads: number[][];
}
const fixture = JSON.parse(readFileSync(join(process.cwd(), 'test/fixtures/train/gradient_penalty.json'), 'utf8')) as { cases: Record<string, Case> };

/** The fixture's formula: scale·sin(k·i + phase) over the flat index. */
function formula(shape: number[], k: number, scale: number, phase: number): Tensor {
  const n = shape.reduce((a, b) => a * b, 1);
  return tensor(Array.from({ length: n }, (_, i) => scale * Math.sin(k * i + phase)), shape);
}

function paramsOf(c: Case): Tensor[] {
  return c.param_shapes.map((s, j) => formula(s, 0.7 + 0.13 * j, 0.6, 0.3 * j).requireGrad());
}

function fcCritic(p: Tensor[]) {
  return (x: Tensor) => {
    let h = reshape(x, [x.shape[0], x.size / x.shape[0]]);
    h = leakyRelu(linear(h, p[0], p[1]), 0.2);
    h = leakyRelu(linear(h, p[2], p[3]), 0.2);
    return linear(h, p[4], p[5]);
  };
}

function cnnCritic(p: Tensor[]) {
  return (x: Tensor) => {
    const h = leakyRelu(conv2d(x, p[0], p[1], { stride: 2 }), 0.2);
    return linear(reshape(h, [x.shape[0], h.size / x.shape[0]]), p[2]);
  };
}

function close(actual: number, expected: number, rel: number, what: string): void {
  assert.ok(Math.abs(actual - expected) <= rel * Math.max(1, Math.abs(expected)), `${what}: ${actual} vs PyTorch ${expected}`);
}

function check(name: string, makeCritic: (p: Tensor[]) => (x: Tensor) => Tensor): void {
  const c = fixture.cases[name];
  const params = paramsOf(c);
  const critic = makeCritic(params);
  const shape = [c.batch, ...c.image_shape];
  const real = formula(shape, 0.37, 0.9, 0.1);
  const fake = formula(shape, 0.53, 0.8, 1.2);
  const wgan = new WGANLoss();
  const d = wgan.criticLoss(critic(real), critic(fake));
  const gp = gradientPenalty(critic, real, fake, Float32Array.from(c.alphas), c.lambda);
  const total = add(d.loss, gp.penalty);
  // float32 engine against a float64 fixture: agreement to ~1e-5 relative is float32 round-off.
  close(d.scalars.W1, c.W1, 1e-5, `${name} W1`);
  c.norms.forEach((n, i) => close(gp.norms[i], n, 1e-5, `${name} norm ${i}`));
  close(gp.gradientNorm, c.gradient_norm, 1e-5, `${name} gradient_norm`);
  close(gp.penalty.item(), c.penalty, 1e-5, `${name} penalty`);
  close(total.item(), c.loss, 1e-5, `${name} loss`);
  const grads = grad([total], params);
  grads.forEach((g, j) => g.toArray().forEach((v, i) => close(v, c.grads[j][i], 2e-4, `${name} d loss / d ${c.param_names[j]}[${i}]`)));
}

test('WGAN-GP critic loss, α per sample, FC critic: values and second-order parameter gradients match PyTorch', () => {
  check('fc_per_sample', fcCritic);
});

test('WGAN-GP with one α for the batch (the reference behaviour) matches PyTorch', () => {
  check('fc_one_alpha', fcCritic);
});

test('WGAN-GP through a strided convolution critic matches PyTorch', () => {
  check('cnn_per_sample', cnnCritic);
});

test('per-sample norms: a critic linear in x has norm |w| for every sample; zero gradient stays finite', () => {
  // D(x) = 3·x0 + 4·x1 (4 pixels, two weights zero): ‖∇D‖ = 5 for every sample and α.
  const w = tensor([3, 4, 0, 0], [1, 4]).requireGrad();
  const critic = (x: Tensor) => linear(reshape(x, [x.shape[0], 4]), w);
  const real = formula([3, 1, 2, 2], 0.3, 1, 0);
  const fake = formula([3, 1, 2, 2], 0.9, 1, 1);
  const gp = gradientPenalty(critic, real, fake, Float32Array.from([0.1, 0.5, 0.7]), 2);
  assert.deepEqual([...gp.norms].map((n) => Math.round(n * 1e5) / 1e5), [5, 5, 5]);
  close(gp.penalty.item(), 2 * 16, 1e-6, 'penalty 2·(5−1)²');
  // d penalty / d w = 2·2·(5−1)·w/5 = 3.2·w  → [9.6, 12.8, 0, 0]
  const [gw] = grad([gp.penalty], [w]);
  gw.toArray().forEach((v, i) => close(v, [9.6, 12.8, 0, 0][i], 1e-5, `dw[${i}]`));
  const z = tensor([0, 0, 0, 0], [1, 4]).requireGrad();
  const flat = gradientPenalty((x) => linear(reshape(x, [x.shape[0], 4]), z), real, fake, Float32Array.from([0.5]), 1);
  const [gz] = grad([flat.penalty], [z]);
  assert.ok(gz.toArray().every(Number.isFinite));
  close(flat.penalty.item(), 1, 1e-5, 'penalty of a flat critic');
});

test('alphas: one per sample by default, a single one with the reference flag, from the Rng', () => {
  const a = drawAlphas(4, false, new Rng(3));
  assert.equal(a.length, 4);
  const e = new Float32Array(4);
  new Rng(3).fillUniform(e);
  assert.deepEqual([...a], [...e]);
  assert.equal(drawAlphas(4, true, new Rng(3)).length, 1);
});
