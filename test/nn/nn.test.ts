// Modules, state dicts, PyTorch init bounds, architectures from their strings, norms, Adam.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as E from '../../src/engine/index.js';
import { Rng } from '../../src/engine/random.js';
import { Adam, BatchNorm, InstanceNorm, buildDiscriminator, buildGenerator, CnnDiscriminator, cnnReceptiveField, Linear } from '../../src/nn/index.js';
import { UserError } from '../../src/util/errors.js';
import { SpecError } from '../../src/util/named-spec.js';

const ctx = (imSize = 8, channels = 1) => ({ zDim: 5, channels, imSize, rng: new Rng(1) });

test('FC discriminator: names, shapes and init bounds (SPEC §4)', () => {
  const d = buildDiscriminator('FC-nf=16', ctx());
  const sd = d.stateDict();
  assert.deepEqual([...sd.keys()], ['main.0.weight', 'main.0.bias', 'main.2.weight', 'main.2.bias', 'main.4.weight', 'main.4.bias', 'main.6.weight', 'main.6.bias']);
  assert.deepEqual(sd.get('main.0.weight')!.shape, [16, 64]);
  assert.deepEqual(sd.get('main.6.weight')!.shape, [1, 16]);
  const w0 = sd.get('main.0.weight')!.data;
  const maxAbs = Math.max(...Array.from(w0, Math.abs));
  assert.ok(maxAbs <= 1 / 8 && maxAbs > 0.9 / 8, `weights of fan_in 64 lie within ±1/8 and fill it (max ${maxAbs})`);
  const y = d.forward(E.zeros([3, 1, 8, 8]));
  assert.deepEqual(y.shape, [3]);
});

test('FC generator output shape and tanh range; normalize=bn adds buffers', () => {
  const g = buildGenerator('FC-nf=8-depth=3-normalize=bn', ctx(4, 3));
  const names = [...g.stateDict().keys()];
  assert.ok(names.includes('main.1.running_mean') && names.includes('main.1.num_batches_tracked'));
  const x = g.forward(E.randn([2, 5], new Rng(2)));
  assert.deepEqual(x.shape, [2, 3, 4, 4]);
  for (const v of x.data) assert.ok(v > -1 && v < 1);
});

test('unknown names and keys are user errors naming the string', () => {
  assert.throws(() => buildDiscriminator('MLP-nf=3', ctx()), (e: unknown) => e instanceof UserError && /"MLP-nf=3"/.test(e.message));
  assert.throws(() => buildDiscriminator('FC-width=3', ctx()), (e: unknown) => e instanceof SpecError && /FC-width=3/.test(e.message));
  assert.throws(() => buildDiscriminator('CNN-normalize=ln', ctx()), SpecError);
});

test('CNN discriminator: layer shapes, GAP and receptive field', () => {
  const d = buildDiscriminator('CNN-GAP=False', ctx(64)) as CnnDiscriminator;
  assert.equal(d.finalSide, 7);
  assert.equal(d.receptiveField, 15);
  assert.equal(cnnReceptiveField(4, 5), 61);
  assert.deepEqual(d.stateDict().get('head.weight')!.shape, [1, 7 * 7 * 256]);
  assert.deepEqual(d.stateDict().get('main.4.weight')!.shape, [256, 128, 3, 3]);
  const g = buildDiscriminator('CNN-normalize=in', ctx(16)) as CnnDiscriminator;
  assert.ok(![...g.stateDict().keys()].some((k) => k.endsWith('bias')), 'no conv bias with a norm');
  assert.deepEqual(g.forward(E.zeros([2, 1, 16, 16])).shape, [2]);
});

test('loadStateDict round trip and shape errors', () => {
  const a = buildDiscriminator('FC-nf=4', ctx()), b = buildDiscriminator('FC-nf=4', { ...ctx(), rng: new Rng(9) });
  b.loadStateDict(a.stateDict());
  for (const [k, t] of a.stateDict()) assert.deepEqual(Array.from(b.stateDict().get(k)!.data), Array.from(t.data));
  assert.throws(() => b.loadStateDict({ 'main.0.weight': [1, 2] }), /unexpected|missing|values/);
});

test('BatchNorm: batch statistics in train, running statistics (momentum 0.1, unbiased) in eval', () => {
  const bn = new BatchNorm(2, { dtype: 'float64' });
  const x = E.tensor([1, 10, 3, 20, 5, 30], [3, 2], 'float64');
  const y = bn.forward(x);
  // channel 0 values 1,3,5: mean 3, biased var 8/3
  assert.ok(Math.abs(y.data[0] - (1 - 3) / Math.sqrt(8 / 3 + 1e-5)) < 1e-12);
  assert.ok(Math.abs(bn.runningMean.data[0] - 0.3) < 1e-12);
  assert.ok(Math.abs(bn.runningVar.data[0] - (0.9 + 0.1 * 4)) < 1e-12);
  bn.eval();
  const z = bn.forward(x);
  assert.ok(Math.abs(z.data[0] - (1 - 0.3) / Math.sqrt(1.3 + 1e-5)) < 1e-12);
});

test('InstanceNorm on N×F normalises each sample over its features', () => {
  const y = new InstanceNorm().forward(E.tensor([1, 2, 3, 10, 10, 13], [2, 3], 'float64'));
  assert.ok(Math.abs(y.data[0] + Math.sqrt(3 / 2) / Math.sqrt(1 + 1.5e-5)) < 1e-6);
  assert.ok(Math.abs(y.data[3] + y.data[4] + y.data[5]) < 1e-12);
});

test('Adam matches the closed form of its first two steps and restores its state', () => {
  const lin = new Linear(1, 1, { rng: new Rng(3), dtype: 'float64', bias: false });
  const p0 = lin.weight.data[0];
  const opt = new Adam(lin.parameters(), { lr: 0.1 });
  opt.step([E.tensor([2], [1, 1], 'float64')]);
  // step 1: m̂ = g, v̂ = g², update lr·g/(|g| + eps)
  assert.ok(Math.abs(lin.weight.data[0] - (p0 - 0.1 * 2 / (2 + 1e-8))) < 1e-12);
  const saved = opt.exportState();
  const p1 = lin.weight.data[0];
  opt.step([E.tensor([-1], [1, 1], 'float64')]);
  const m = 0.5 * (0.5 * 2) + 0.5 * -1, v = 0.9 * (0.1 * 4) + 0.1 * 1;
  const expected = p1 - (0.1 / (1 - 0.25)) * m / (Math.sqrt(v) / Math.sqrt(1 - 0.81) + 1e-8);
  assert.ok(Math.abs(lin.weight.data[0] - expected) < 1e-12);
  const opt2 = new Adam(lin.parameters(), { lr: 0.1 });
  opt2.importState(saved);
  lin.weight.data[0] = p1;
  opt2.step([E.tensor([-1], [1, 1], 'float64')]);
  assert.ok(Math.abs(lin.weight.data[0] - expected) < 1e-12);
});
