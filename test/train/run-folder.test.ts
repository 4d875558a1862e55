import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RunFolder, composeRunName } from '../../src/train/run-folder.js';
import { UserError } from '../../src/util/errors.js';

test('composed run name as SPEC §1.4', () => {
  const base = { dataPath: '/data/black_S-10_O-1_S-1/', imSize: 64, genArch: 'FC', discArch: 'FC-nf=1024', grayScale: true,
    lossFunction: 'WGANLoss', zDim: 64, zPrior: 'const=64', rBs: 64, fBs: 64 };
  assert.equal(composeRunName(base), 'black_S-10_O-1_S-1_I-64x64_G-FC_D-FC-nf=1024_GS_L-WGANLoss_Z-64xconst=64_B-64-64');
  assert.equal(composeRunName({ ...base, grayScale: false, centerCrop: 90, dataPath: 'ffhq' }),
    'ffhq_I-64x64_G-FC_D-FC-nf=1024_CC-90_L-WGANLoss_Z-64xconst=64_B-64-64');
});

test('a folder holding a checkpoint is refused unless resuming or overwriting', () => {
  const dir = mkdtempSync(join(tmpdir(), 'dg-run-'));
  try {
    const run = RunFolder.at(dir, 'p', 't');
    run.checkUsable({ resume: false, overwrite: false }); // fresh: fine
    assert.throws(() => run.checkUsable({ resume: true, overwrite: false }), UserError); // nothing to resume
    run.prepare({ resume: false });
    writeFileSync(run.metrics, '{"iteration":0,"time":0}\n');
    writeFileSync(run.lastCheckpoint, 'x');
    assert.throws(() => run.checkUsable({ resume: false, overwrite: false }), (e: unknown) => e instanceof UserError && /--overwrite/.test(e.message));
    run.checkUsable({ resume: true, overwrite: false });
    run.checkUsable({ resume: false, overwrite: true });
    run.prepare({ resume: false }); // overwrite: earlier outputs removed
    assert.ok(!existsSync(run.lastCheckpoint) && !existsSync(run.metrics) && existsSync(run.models));
    mkdirSync(run.images, { recursive: true });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
