// DCGAN and FastGAN (generators and critics) against PyTorch float64 fixtures made by
// test/fixtures/nn/make_dcgan_fastgan.py from networks written there with torch's own layers:
// the same state_dict names in the same order, the output, first-order parameter gradients of
// L1 = sum(out·R), and for critics the input gradient and the second-order parameter gradients
// of L2 = ‖dL1/dx‖² (the gradient penalty's path), plus every buffer after the training-mode
// forward (spectral-norm power iteration, batch-norm running statistics).
// Per tensor: ‖ours − torch‖ / ‖torch‖ ≤ 1e-8 on the stored entries, and the full norms agree.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as E from '../../src/engine/index.js';
import { Rng } from '../../src/engine/random.js';
import { buildDiscriminator, buildGenerator, NoiseInjection, type Module } from '../../src/nn/index.js';
import type { Tensor } from '../../src/engine/index.js';
import { fill, formula } from './dcgan-fastgan-fill.js';

interface Sampled { norm: number; stride: number; size: number; values: number[] }
interface Case {
  name: string; names: string[]; input_shape: number[]; output: Sampled;
  grad1: Record<string, Sampled>; grad2?: Record<string, Sampled>; grad_input?: Sampled; buffers_after: Record<string, Sampled>;
}
const fixture = JSON.parse(readFileSync(new URL('../../../test/fixtures/nn/dcgan_fastgan.json', import.meta.url), 'utf8')) as { cases: Case[] };
const TOL = 1e-8;

function check(label: string, ours: ArrayLike<number>, want: Sampled): void {
  assert.equal(ours.length, want.size, `${label}: size`);
  let d = 0, n = 0, full = 0;
  for (let i = 0; i < ours.length; i++) full += ours[i] * ours[i];
  want.values.forEach((w, j) => { const o = ours[j * want.stride]; d += (o - w) ** 2; n += w * w; });
  const rel = n === 0 ? Math.sqrt(d) : Math.sqrt(d / n);
  assert.ok(rel <= TOL, `${label}: relative error ${rel}`);
  assert.ok(Math.abs(Math.sqrt(full) - want.norm) <= TOL * Math.max(1, want.norm), `${label}: norm ${Math.sqrt(full)} vs ${want.norm}`);
}

function build(c: Case): { model: Module; critic: boolean; input: Tensor } {
  const rng = new Rng(7);
  const s = c.input_shape;
  const critic = c.name.includes('_D_');
  let model: Module;
  if (c.name.startsWith('dcgan')) {
    const [, kind, size, norm] = c.name.split('_');
    const nf = { dcgan_G_64_none: 2, dcgan_G_128_bn: 4, dcgan_D_64_in: 2, dcgan_D_128_bn: 1 }[c.name]!;
    const ctx = { zDim: critic ? 64 : s[1], channels: critic ? s[1] : (size === '64' ? 1 : 3), imSize: Number(size), rng, dtype: 'float64' as const };
    const text = `DCGAN-nf=${nf}-normalize=${norm}`;
    model = kind === 'G' ? buildGenerator(text, ctx) : buildDiscriminator(text, ctx);
  } else {
    const ctx = { zDim: critic ? 64 : s[1], channels: 3, imSize: 128, rng, dtype: 'float64' as const };
    model = critic ? buildDiscriminator('OldFastGAN-ndf=2', ctx) : buildGenerator('FastGAN-ngf=2', ctx);
  }
  let j = 0; // noise calls in forward order, as the script counts them
  for (const [, m] of model.namedModules()) {
    if (m instanceof NoiseInjection) m.source = (n, h, w) => E.tensor(formula(n * h * w, 23 + 101 * j++), [n, 1, h, w], 'float64');
  }
  const input = E.tensor(formula(s.reduce((a, b) => a * b, 1), 17).map((x) => x * 0.8), s, 'float64');
  return { model, critic, input };
}

for (const c of fixture.cases) {
  test(`${c.name}: state_dict names, output, gradients${c.grad2 ? ' (first and second order)' : ''} and buffers agree with PyTorch`, () => {
    const { model, critic, input } = build(c);
    assert.deepEqual([...model.stateDict().keys()], c.names);
    fill(model);
    model.train();
    const x = critic ? input.requireGrad() : input;
    const out = model.forward(x);
    check('output', out.data, c.output);
    const R = E.tensor(formula(out.size, 31), out.shape, 'float64');
    const L1 = E.sum(E.mul(out, R));
    const named = model.namedParameters();
    const params = named.map(([, p]) => p);
    if (critic) {
      const [gx] = E.grad([L1], [x], { createGraph: true });
      check('grad_input', gx.data, c.grad_input!);
      const g1 = E.grad([L1], params);
      named.forEach(([n], i) => check(`grad1 ${n}`, g1[i].data, c.grad1[n]));
      const g2 = E.grad([E.sum(E.square(gx))], params, { allowUnused: true }); // the last bias does not reach gx
      for (const [n, want] of Object.entries(c.grad2!)) check(`grad2 ${n}`, g2[named.findIndex(([m]) => m === n)].data, want);
    } else {
      const g1 = E.grad([L1], params);
      named.forEach(([n], i) => check(`grad1 ${n}`, g1[i].data, c.grad1[n]));
    }
    for (const [n, b] of model.namedBuffers()) if (!n.endsWith('num_batches_tracked')) check(`buffer ${n}`, b.data, c.buffers_after[n]);
  });
}

test('architectures that cannot take the requested size or channels are refused with one sentence naming the flag', async () => {
  const { UserError } = await import('../../src/util/errors.js');
  const rng = new Rng(1);
  const at = (imSize: number, channels: number) => ({ zDim: 8, channels, imSize, rng });
  assert.throws(() => buildGenerator('DCGAN', at(48, 1)), (e: Error) => e instanceof UserError && /--im_size 48.*64, 128 or 256/.test(e.message));
  assert.throws(() => buildDiscriminator('DCGAN', at(48, 1)), UserError);
  assert.throws(() => buildGenerator('FastGAN', at(64, 3)), (e: Error) => e instanceof UserError && /--im_size 64.*128/.test(e.message));
  assert.throws(() => buildDiscriminator('OldFastGAN', at(128, 1)), (e: Error) => e instanceof UserError && /--gray_scale/.test(e.message));
  for (const s of [64, 128, 256]) {
    const G = buildGenerator('DCGAN-nf=4', at(s, 1));
    const img = E.noGrad(() => G.forward(E.randn([2, 8], rng)));
    assert.deepEqual(img.shape, [2, 1, s, s]);
    const D = buildDiscriminator('DCGAN-nf=2', at(s, 1));
    assert.deepEqual(E.noGrad(() => D.forward(img)).shape, [2]);
  }
});

test('FastGAN noise injection: weight starts at 0; training noise comes from the run Rng, evaluation noise is repeatable', () => {
  const rng = new Rng(11);
  const G = buildGenerator('FastGAN-ngf=1', { zDim: 4, channels: 3, imSize: 128, rng });
  const noise = G.namedModules().filter(([, m]) => m instanceof NoiseInjection);
  assert.equal(noise.length, 6);
  for (const [, m] of noise) { assert.deepEqual([...(m as NoiseInjection).weight.data], [0]); (m as NoiseInjection).weight.data[0] = 0.5; }
  const z = E.randn([2, 4], rng);
  G.eval();
  const state = rng.getState();
  const a = E.noGrad(() => G.forward(z)), b = E.noGrad(() => G.forward(z));
  assert.deepEqual(rng.getState(), state);
  assert.deepEqual([...a.data], [...b.data]);
  G.train();
  const c = E.noGrad(() => G.forward(z));
  assert.notDeepEqual(rng.getState(), state);
  assert.notDeepEqual([...c.data.slice(0, 50)], [...a.data.slice(0, 50)]);
});
