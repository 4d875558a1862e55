// Flag combinations that cannot work are refused by train before the data are read and before
// the run folder is written (so a corrected rerun is not blocked by a half-started run), and
// output paths through a file are refused by train and ot-means.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runTraining } from '../../src/train/run.js';
import { REFERENCE_FULL_BATCH_METRICS } from '../../src/train/config.js';
import { runOtMeans } from '../../src/ot/ot-means-run.js';
import { tinyConfig, tinyWorkspace } from './helpers.js';

const rejects = (message: RegExp) => (e: unknown): boolean => e instanceof Error && e.name === 'UserError' && message.test(e.message);

test('a critic loss with the critic disabled, and patches larger than the images, are refused before anything is read or written', async () => {
  const root = mkdtempSync(join(tmpdir(), 'dg-early-'));
  try {
    const missing = join(root, 'no-such-folder'); // reaching the loader would fail differently
    await assert.rejects(runTraining({ ...tinyConfig(root, missing), dStepEvery: -1, gpWeight: 0 }, { log: () => {} }),
      rejects(/^--D_step_every -1 disables the critic, but WGANLoss trains the generator through one/));
    await assert.rejects(runTraining({ ...tinyConfig(root, missing), lossFunction: 'MiniBatchPatchLoss-dist=swd-p=16-s=1', dStepEvery: -1, gpWeight: 0 }, { log: () => {} }),
      rejects(/^--loss_function MiniBatchPatchLoss-dist=swd-p=16-s=1: patches of 16×16 do not fit images of 8×8 \(--im_size 8\)/));
    await assert.rejects(runTraining({ ...tinyConfig(root, missing), fullBatchMetrics: ['MiniBatchLocalPatchLoss-dist=swd-p=9-s=1'] }, { log: () => {} }),
      rejects(/^--full_batch_metrics MiniBatchLocalPatchLoss-dist=swd-p=9-s=1: patches of 9×9 do not fit/));
    await assert.rejects(runTraining({ ...tinyConfig(root, missing), fullBatchMetrics: ['MiniBatchPatchLoss-dist=foo'] }, { log: () => {} }),
      rejects(/^--full_batch_metrics: "MiniBatchPatchLoss-dist=foo": dist must be one of/));
    assert.equal(existsSync(join(root, 'outputs')), false, 'no run folder was written');
    // An output path through a file.
    const file = join(root, 'a-file');
    writeFileSync(file, 'x');
    await assert.rejects(runTraining({ ...tinyConfig(root, missing), outputsDir: join(file, 'sub') }, { log: () => {} }),
      rejects(/^--outputs_dir: .*a-file is a file, not a folder/));
    await assert.rejects(runOtMeans({ dataPath: missing, k: 2, iterations: 1, method: 'weisfeld', imSize: 8, grayScale: true, outputsDir: file, seed: 0, overwrite: false, log: () => {} }),
      rejects(/^--outputs_dir: .*a-file is a file, not a folder/));
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test('default full-batch metrics too large for small images are left out with a note, a real batch larger than the data gets one; the run goes on', async () => {
  const ws = await tinyWorkspace();
  try {
    const lines: string[] = [];
    const r = await runTraining({ ...tinyConfig(ws.root, ws.data), fullBatchMetrics: [...REFERENCE_FULL_BATCH_METRICS], nIterations: 1, logFreq: 1, rBs: 20, fBs: 20 }, { log: (l) => lines.push(l) });
    assert.equal(r.iterations, 1);
    assert.ok(lines.includes('note: --r_bs 20 is larger than the 16 images, so each real batch spans several passes over them (images repeat within a batch)'), lines.join('\n'));
    const notes = lines.filter((l) => /does not fit 8×8 images and is left out/.test(l));
    assert.equal(notes.length, 2, lines.join('\n')); // the two p=16 local patch metrics
    const names = Object.keys(r.evaluations[0].values);
    assert.deepEqual(names, ['MiniBatchLoss-dist=w1_fixed_noise_gen_to_train', 'MiniBatchLoss-dist=swd_fixed_noise_gen_to_train']);
    assert.ok(!names.some((n) => n.includes('p=16')), names.join(', '));
  } finally {
    rmSync(ws.root, { recursive: true, force: true });
  }
});
