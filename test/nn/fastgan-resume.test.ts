// FastGAN end to end through the training loop on a tiny 128×128 RGB folder (FastGAN-ngf=1,
// OldFastGAN-ndf=1, WGAN-GP): the checkpoint carries the spectral-norm vectors, batch-norm
// statistics and noise-injection weights, and a run stopped and resumed logs exactly what the
// uninterrupted run with the same seed logs (the noise draws come from the run's Rng, whose state
// the checkpoint carries).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeSquares } from '../../src/data/squares.js';
import { runTraining } from '../../src/train/run.js';
import { readCheckpoint } from '../../src/train/checkpoint.js';
import { readMetrics } from '../../src/report/metrics-log.js';
import { TRAIN_DEFAULTS, type TrainConfig } from '../../src/train/config.js';

const quiet = { log: (): void => {}, tty: false };

function config(root: string, data: string, over: Partial<TrainConfig>): TrainConfig {
  return {
    ...TRAIN_DEFAULTS, dataPath: data, imSize: 128, grayScale: false, genArch: 'FastGAN-ngf=1', discArch: 'OldFastGAN-ndf=1',
    zDim: 4, zPrior: 'const=4', rBs: 2, fBs: 2, lossFunction: 'WGANLoss', gpWeight: 10, lrD: 2e-4, lrG: 1e-4,
    nIterations: 4, logFreq: 2, logEvery: 1, plotEvery: 100, fullBatchMetrics: [], outputsDir: join(root, 'outputs'), trainName: 'run', ...over,
  };
}

test('FastGAN: resuming continues exactly; the checkpoint holds weight_orig/weight_u/weight_v and noise weights', async () => {
  const root = mkdtempSync(join(tmpdir(), 'dg-fastgan-'));
  process.env.DISCRETE_GANS_CACHE = join(root, 'cache');
  try {
    const data = join(root, 'squares');
    await writeSquares(data, { imSize: 128, squareSize: 20, offset: 1, stride: 60 });
    const full = await runTraining(config(root, data, { trainName: 'full' }), quiet);
    await runTraining(config(root, data, { trainName: 'split', nIterations: 2 }), quiet);
    const resumed = await runTraining(config(root, data, { trainName: 'split', resumeLastCkpt: true }), quiet);
    const strip = (p: string) => readMetrics(p).map(({ time: _t, ...rest }) => rest);
    const a = strip(join(full.folder, 'metrics.jsonl'));
    assert.ok(a.some((r) => 'W1' in r && Number.isFinite(r.W1)));
    assert.deepEqual(strip(join(resumed.folder, 'metrics.jsonl')), a);
    const ca = readCheckpoint(join(full.folder, 'models', 'last.safetensors'));
    const cb = readCheckpoint(join(resumed.folder, 'models', 'last.safetensors'));
    for (const k of ['D.from_rgb.0.weight_orig', 'D.from_rgb.0.weight_u', 'D.from_rgb.0.weight_v', 'G.feat_8.2.weight', 'G.init.init.1.running_mean']) {
      assert.ok(ca.tensors.has(k), `checkpoint lacks ${k}`);
    }
    assert.deepEqual([...cb.tensors.keys()], [...ca.tensors.keys()]);
    for (const [k, t] of ca.tensors) assert.deepEqual([...cb.tensors.get(k)!.data], [...t.data], k);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});
