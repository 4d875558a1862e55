import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { loadImageFolder } from '../../src/data/image-folder.js';
import { buildLoss } from '../../src/losses/registry.js';
import { Trainer } from '../../src/train/trainer.js';
import { Rng } from '../../src/engine/random.js';
import { tinyConfig, tinyWorkspace } from './helpers.js';

async function setup(over: Parameters<typeof tinyConfig>[2] = {}) {
  const ws = await tinyWorkspace();
  const cfg = tinyConfig(ws.root, ws.data, over);
  const ds = await loadImageFolder({ dataPath: ws.data, imSize: 8, grayScale: true, cache: false, log: () => {} });
  return { ws, trainer: new Trainer(cfg, ds, buildLoss(cfg.lossFunction)) };
}

test('critic steps every D_step_every, generator steps every G_step_every, counted by the optimisers', async () => {
  const { ws, trainer } = await setup({ dStepEvery: 2, gStepEvery: 3 });
  try {
    const logged: string[][] = [];
    for (let i = 0; i < 7; i++) logged.push(Object.keys(trainer.step()));
    // iterations 0..6: critic at 0, 2, 4, 6; generator at 0, 3, 6.
    assert.deepEqual(trainer.optD!.exportState().steps[0], 4);
    assert.deepEqual(trainer.optG.exportState().steps[0], 3);
    assert.deepEqual(logged.map((k) => k.includes('W1')), [true, false, true, false, true, false, true]);
    assert.deepEqual(logged.map((k) => k.includes('Gloss')), [true, false, false, true, false, false, true]);
    assert.equal(trainer.completed, 7);
  } finally {
    rmSync(ws.root, { recursive: true, force: true });
  }
});

test('D_step_every -1 disables the critic entirely', async () => {
  const { ws, trainer } = await setup({ dStepEvery: -1, gpWeight: 0 });
  try {
    assert.equal(trainer.D, null);
    assert.equal(trainer.optD, null);
  } finally {
    rmSync(ws.root, { recursive: true, force: true });
  }
});

test('weight clipping keeps every critic parameter in [-c, c] after each critic step', async () => {
  const { ws, trainer } = await setup({ weightClipping: 0.01, gpWeight: 0, lrD: 0.5 });
  try {
    for (let i = 0; i < 3; i++) trainer.step();
    let atBound = 0;
    for (const p of trainer.D!.parameters()) for (const v of p.data) {
      assert.ok(Math.abs(v) <= Math.fround(0.01), `${v}`);
      if (Math.abs(v) === Math.fround(0.01)) atBound++;
    }
    assert.ok(atBound > 0, 'a large learning rate pushes some values to the bound');
  } finally {
    rmSync(ws.root, { recursive: true, force: true });
  }
});

test('EMA copy follows ema ← (1−f)·ema + f·θ across real steps; evaluation uses it', async () => {
  const { ws, trainer } = await setup({ avgUpdateFactor: 0.25 });
  try {
    const [name, p] = trainer.G.namedParameters()[0];
    let expected = Float64Array.from(p.data);
    for (let i = 0; i < 3; i++) {
      trainer.step();
      expected = expected.map((e, k) => 0.75 * e + 0.25 * p.data[k]);
    }
    const ema = trainer.ema.copies.get(name)!;
    for (let k = 0; k < ema.length; k++) assert.ok(Math.abs(ema[k] - expected[k]) < 1e-6);
    // generate() swaps the averaged weights in: a first-layer change shows in the output.
    const live = Float32Array.from(p.data);
    const a = trainer.generate(trainer.fixedCodes);
    assert.deepEqual([...p.data], [...live], 'live weights restored after evaluation');
    trainer.ema.swap();
    const b = trainer.generate(trainer.fixedCodes); // now "averaged" = the live weights
    trainer.ema.swap();
    assert.notDeepEqual([...a], [...b]);
  } finally {
    rmSync(ws.root, { recursive: true, force: true });
  }
});

test('const prior: codes drawn first from the seed, before any network; evaluation uses all M in order', async () => {
  const { ws, trainer } = await setup({ zPrior: 'const=6', seed: 5 });
  try {
    const expected = new Float32Array(6 * 4);
    new Rng(5).fillNormal(expected);
    assert.deepEqual([...trainer.prior.codes!], [...expected]);
    assert.deepEqual([...trainer.evalCodes], [...expected]);
    assert.equal(trainer.evaluationCount, 6);
  } finally {
    rmSync(ws.root, { recursive: true, force: true });
  }
});

test('a continuous prior evaluates min(dataset size, max_eval_images) images', async () => {
  const a = await setup({ zPrior: 'normal', maxEvalImages: 5 });
  const b = await setup({ zPrior: 'normal', maxEvalImages: 100 });
  try {
    assert.equal(a.trainer.evaluationCount, 5);
    assert.equal(b.trainer.evaluationCount, 16);
  } finally {
    rmSync(a.ws.root, { recursive: true, force: true });
    rmSync(b.ws.root, { recursive: true, force: true });
  }
});
