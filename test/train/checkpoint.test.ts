import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readCheckpoint, writeCheckpoint } from '../../src/train/checkpoint.js';
import { UserError } from '../../src/util/errors.js';
import { encodeSafetensors } from '../../src/train/safetensors.js';
import { runTraining } from '../../src/train/run.js';
import { loadImageFolder } from '../../src/data/image-folder.js';
import { buildLoss } from '../../src/losses/registry.js';
import { Trainer } from '../../src/train/trainer.js';
import { Rng } from '../../src/engine/random.js';
import { quiet, tinyConfig, tinyWorkspace } from './helpers.js';

test('checkpoint files round-trip tensors and metadata, written atomically (no temporary left)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'dg-ckpt-'));
  try {
    const path = join(dir, 'last.safetensors');
    const tensors = new Map([['G.w', { data: Float32Array.from([1.5, -2]), shape: [2] }], ['idx', { data: Int32Array.from([3]), shape: [1] }]]);
    writeCheckpoint(path, { tensors, meta: { iteration: 12, note: 'x' } });
    writeCheckpoint(path, { tensors, meta: { iteration: 13, note: 'y' } }); // replaces
    assert.deepEqual(readdirSync(dir), ['last.safetensors']);
    const back = readCheckpoint<{ iteration: number; note: string }>(path);
    assert.equal(back.meta.iteration, 13);
    assert.equal(back.meta.note, 'y');
    assert.deepEqual([...back.tensors.get('G.w')!.data], [1.5, -2]);
    assert.deepEqual([...back.tensors.get('idx')!.data], [3]);
    writeFileSync(join(dir, 'junk.safetensors'), 'not a checkpoint');
    assert.throws(() => readCheckpoint(join(dir, 'junk.safetensors')), UserError);
    writeFileSync(join(dir, 'plain.safetensors'), encodeSafetensors(tensors));
    assert.throws(() => readCheckpoint(join(dir, 'plain.safetensors')), (e: unknown) => e instanceof UserError && /not a discrete-gans checkpoint/.test(e.message));
    assert.throws(() => readCheckpoint(join(dir, 'absent.safetensors')), UserError);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('--loadG starts from the averaged generator and the codes of another run', async () => {
  const { root, data } = await tinyWorkspace();
  try {
    const a = await runTraining(tinyConfig(root, data, { trainName: 'a', nIterations: 4, avgUpdateFactor: 0.5 }), quiet);
    const file = join(a.folder, 'models', 'last.safetensors');
    const ck = readCheckpoint(file);
    const cfg = tinyConfig(root, data, { trainName: 'b', seed: 3, loadG: file });
    const ds = await loadImageFolder({ dataPath: data, imSize: 8, grayScale: true, cache: false, log: () => {} });
    const t = new Trainer(cfg, ds, buildLoss(cfg.lossFunction));
    const { loadGenerator } = await import('../../src/train/checkpoint-state.js');
    loadGenerator(t, ck as never, file);
    for (const [name, p] of t.G.namedParameters()) assert.deepEqual([...p.data], [...ck.tensors.get(`G.${name}`)!.data], name);
    for (const [name] of t.G.namedParameters()) assert.deepEqual([...t.ema.copies.get(name)!], [...ck.tensors.get(`G_ema.${name}`)!.data], name);
    assert.deepEqual([...t.prior.codes!], [...ck.tensors.get('prior.codes')!.data]);
    // A loadG run with another prior size is refused with a sentence naming the setting.
    await assert.rejects(runTraining(tinyConfig(root, data, { trainName: 'c', zPrior: 'const=5', loadG: file }), quiet), /was made with --z_prior const=6, this run has --z_prior const=5; pass the same settings to load its generator \(--loadG\)/);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test('--no_fake_resample reuses the codes of the iteration (fewer random draws), otherwise fresh codes', async () => {
  const { root, data } = await tinyWorkspace();
  try {
    const ds = await loadImageFolder({ dataPath: data, imSize: 8, grayScale: true, cache: false, log: () => {} });
    const make = (noFakeResample: boolean) => {
      const cfg = tinyConfig(root, data, { noFakeResample, gpWeight: 0, zPrior: 'normal' });
      return new Trainer(cfg, ds, buildLoss(cfg.lossFunction));
    };
    const a = make(false), b = make(true);
    a.step();
    b.step();
    // Same start; the resampling run has drawn exactly f_bs·z_dim more normals (the fresh codes).
    assert.notDeepEqual(a.rng.getState(), b.rng.getState());
    const ahead = Rng.fromState(b.rng.getState());
    ahead.fillNormal(new Float32Array(4 * 4));
    assert.deepEqual(ahead.getState(), a.rng.getState());
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});
