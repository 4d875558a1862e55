// Spectral normalisation against torch.nn.utils.spectral_norm (fixture made by
// test/fixtures/nn/make_dcgan_fastgan.py, float64): state_dict names and order, the power
// iteration's u and v after each of three training-mode forward passes, none in evaluation
// mode, σ = uᵀWv and the layer outputs, for Conv2d, ConvTranspose2d (dim 1) and Linear.
// Also: applySpectralNorm wraps every Linear and Conv2d once, and the gradient of a normalised
// layer (first and second order) matches finite differences.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as E from '../../src/engine/index.js';
import { Rng } from '../../src/engine/random.js';
import { gradcheck, gradgradcheck } from '../../src/engine/gradcheck.js';
import { Conv2d, ConvTranspose2d, Linear, Sequential, ReLU, applySpectralNorm, spectralNorm, spectralNormOf, buildDiscriminator } from '../../src/nn/index.js';
import { fill, formula } from './dcgan-fastgan-fill.js';

interface Sampled { norm: number; stride: number; size: number; values: number[] }
interface Step { mode: string; u: number[]; v: number[]; sigma: number; output: Sampled }
const fixture = JSON.parse(readFileSync(new URL('../../../test/fixtures/nn/dcgan_fastgan.json', import.meta.url), 'utf8')) as { spectral: Array<{ kind: string; names: string[]; steps: Step[] }> };

function close(ours: ArrayLike<number>, want: ArrayLike<number>, label: string, tol = 1e-10): void {
  assert.equal(ours.length, want.length, label);
  for (let i = 0; i < want.length; i++) assert.ok(Math.abs(ours[i] - want[i]) <= tol * Math.max(1, Math.abs(want[i])), `${label}[${i}]: ${ours[i]} vs ${want[i]}`);
}

for (const c of fixture.spectral) {
  test(`spectral norm of ${c.kind}: power iteration, σ and output agree with torch`, () => {
    const rng = new Rng(3);
    const o = { rng, dtype: 'float64' as const };
    const layer = c.kind === 'conv' ? new Conv2d(3, 4, 3, o) : c.kind === 'convT' ? new ConvTranspose2d(3, 4, 4, o) : new Linear(5, 3, o);
    spectralNorm(layer, rng);
    assert.deepEqual([...layer.stateDict().keys()], c.names);
    fill(layer);
    const sn = spectralNormOf(layer)!;
    const shape = c.kind === 'linear' ? [2, 5] : [2, 3, 5, 5];
    const x = E.tensor(formula(shape.reduce((a, b) => a * b, 1), 17).map((v) => v * 0.8), shape, 'float64');
    for (const [i, step] of c.steps.entries()) {
      layer.train(step.mode === 'train');
      const y = layer.forward(x);
      close(sn.u.data, step.u, `step ${i} u`);
      close(sn.v.data, step.v, `step ${i} v`);
      assert.ok(Math.abs(sn.sigma() - step.sigma) <= 1e-10, `step ${i} sigma ${sn.sigma()} vs ${step.sigma}`);
      close(y.data.filter((_, k) => k % step.output.stride === 0), step.output.values, `step ${i} output`, 1e-9);
    }
  });
}

test('applySpectralNorm wraps every Linear and Conv2d of a critic once, keeping the trained tensors', () => {
  const rng = new Rng(1);
  const D = buildDiscriminator('CNN-depth=2-nf=2', { zDim: 4, channels: 1, imSize: 16, rng });
  const before = D.parameters();
  assert.equal(applySpectralNorm(D, rng), 3);
  assert.equal(applySpectralNorm(D, rng), 0);
  const keys = [...D.stateDict().keys()];
  assert.ok(keys.includes('main.0.weight_orig') && keys.includes('main.0.weight_u') && keys.includes('head.weight_v'), keys.join(' '));
  assert.ok(!keys.includes('main.0.weight'));
  assert.equal(new Set([...before, ...D.parameters()]).size, before.length);
  const y = D.forward(E.randn([2, 1, 16, 16], rng));
  assert.deepEqual(y.shape, [2]);
});

test('a spectrally normalised layer: gradients w.r.t. weight_orig match finite differences; input gradients to second order', () => {
  const rng = new Rng(5);
  const conv = spectralNorm(new Conv2d(2, 3, 3, { rng, dtype: 'float64' }), rng);
  conv.eval(); // u, v fixed, so the loss is a function of W alone
  const w = spectralNormOf(conv)!.weightOrig;
  const x = E.randn([2, 2, 4, 4], rng, 'float64');
  const R = E.randn([2, 3, 2, 2], rng, 'float64');
  const loss = () => E.sum(E.mul(E.tanh(conv.forward(x)), R));
  const [g] = E.grad([loss()], [w]);
  const eps = 1e-6;
  for (let i = 0; i < w.size; i++) {
    const orig = w.data[i];
    w.data[i] = orig + eps; const lp = E.noGrad(loss).item();
    w.data[i] = orig - eps; const lm = E.noGrad(loss).item();
    w.data[i] = orig;
    const num = (lp - lm) / (2 * eps);
    assert.ok(Math.abs(g.data[i] - num) <= 1e-6 + 1e-5 * Math.abs(num), `weight_orig[${i}]: ${g.data[i]} vs ${num}`);
  }
  const f = (xi: E.Tensor) => E.tanh(conv.forward(xi));
  assert.ok(gradcheck(f, [E.clone(x)]).ok);
  assert.ok(gradgradcheck(f, [E.clone(x)]).ok);
});
