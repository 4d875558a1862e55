import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { runTraining } from '../../src/train/run.js';
import { readCheckpoint } from '../../src/train/checkpoint.js';
import { UserError } from '../../src/util/errors.js';
import { readMetrics } from '../../src/report/metrics-log.js';
import { quiet, tinyConfig, tinyWorkspace } from './helpers.js';

const W1KEY = 'MiniBatchLoss-dist=w1_fixed_noise_gen_to_train';

function withoutTime(path: string): unknown[] {
  return readMetrics(path).map(({ time: _t, ...rest }) => rest);
}

test('a run writes every output on schedule: evaluations at 0, every log_freq and the end; training lines every log_every', async () => {
  const { root, data } = await tinyWorkspace();
  try {
    const summary = await runTraining(tinyConfig(root, data), quiet);
    const dir = summary.folder;
    const recs = readMetrics(join(dir, 'metrics.jsonl'));
    assert.deepEqual(recs.filter((r) => W1KEY in r).map((r) => r.iteration), [0, 3, 6, 7]);
    assert.deepEqual(recs.filter((r) => 'W1' in r).map((r) => r.iteration), [2, 4, 6]);
    for (const r of recs.filter((x) => 'W1' in x)) {
      assert.deepEqual(Object.keys(r), ['iteration', 'time', 'W1', 'gradient_norm', 'normalized W1', 'Gloss']);
    }
    assert.deepEqual(readdirSync(join(dir, 'images')).sort(), ['0.png', '3.png', '6.png', '7.png', 'debug_fixed_reals.png']);
    assert.ok(readdirSync(join(dir, 'plots')).includes('W1.png'));
    assert.ok(readdirSync(join(dir, 'plots')).includes(`${W1KEY}.png`));
    assert.deepEqual(readdirSync(join(dir, 'models')), ['last.safetensors']);
    const args = JSON.parse(readFileSync(join(dir, 'args.txt'), 'utf8'));
    assert.equal(args.n_iterations, 7); // train's flag names, as the command line records them
    assert.equal(args.D_step_every, 1);
    assert.equal(args.lrG, 1e-3);
    assert.equal(args.gray_scale, true);
    const ck = readCheckpoint<{ iteration: number }>(join(dir, 'models', 'last.safetensors'));
    assert.equal(ck.meta.iteration, 7);
    assert.ok(ck.tensors.has('prior.codes') && ck.tensors.has('G_ema.main.0.weight') === ck.tensors.has('G.main.0.weight'));
    assert.equal(summary.iterations, 7);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test('two runs with the same seed write identical metrics.jsonl apart from time; another seed differs', async () => {
  const { root, data } = await tinyWorkspace();
  try {
    const a = await runTraining(tinyConfig(root, data, { trainName: 'a' }), quiet);
    const b = await runTraining(tinyConfig(root, data, { trainName: 'b' }), quiet);
    const c = await runTraining(tinyConfig(root, data, { trainName: 'c', seed: 1 }), quiet);
    assert.deepEqual(withoutTime(join(a.folder, 'metrics.jsonl')), withoutTime(join(b.folder, 'metrics.jsonl')));
    assert.notDeepEqual(withoutTime(join(a.folder, 'metrics.jsonl')), withoutTime(join(c.folder, 'metrics.jsonl')));
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test('resuming from the last checkpoint continues exactly as the uninterrupted run', async () => {
  const { root, data } = await tinyWorkspace();
  try {
    const full = await runTraining(tinyConfig(root, data, { trainName: 'full', nIterations: 8, logFreq: 3, avgUpdateFactor: 0.5 }), quiet);
    // Interrupted after 3 iterations (an evaluation, so a checkpoint), then resumed to 8.
    await runTraining(tinyConfig(root, data, { trainName: 'split', nIterations: 3, logFreq: 3, avgUpdateFactor: 0.5 }), quiet);
    const resumed = await runTraining(tinyConfig(root, data, { trainName: 'split', nIterations: 8, logFreq: 3, avgUpdateFactor: 0.5, resumeLastCkpt: true }), quiet);
    assert.deepEqual(withoutTime(join(resumed.folder, 'metrics.jsonl')), withoutTime(join(full.folder, 'metrics.jsonl')));
    const a = readCheckpoint(join(full.folder, 'models', 'last.safetensors'));
    const b = readCheckpoint(join(resumed.folder, 'models', 'last.safetensors'));
    assert.deepEqual([...a.tensors.keys()], [...b.tensors.keys()]);
    for (const [k, t] of a.tensors) assert.deepEqual([...b.tensors.get(k)!.data], [...t.data], k);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test('a folder holding a checkpoint is refused (nothing written); --overwrite starts again', async () => {
  const { root, data } = await tinyWorkspace();
  try {
    const cfg = tinyConfig(root, data, { nIterations: 2, logFreq: 5 });
    const first = await runTraining(cfg, quiet);
    const before = readFileSync(join(first.folder, 'metrics.jsonl'), 'utf8');
    await assert.rejects(runTraining(cfg, quiet), (e: unknown) => e instanceof UserError && /already holds a checkpoint/.test(e.message));
    assert.equal(readFileSync(join(first.folder, 'metrics.jsonl'), 'utf8'), before);
    await runTraining({ ...cfg, overwrite: true }, quiet);
    assert.equal(readMetrics(join(first.folder, 'metrics.jsonl')).filter((r) => W1KEY in r).length, 2);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test('bad requests fail with one sentence before any run folder exists', async () => {
  const { root, data } = await tinyWorkspace();
  try {
    const bad: Array<[Partial<Parameters<typeof tinyConfig>[2]>, RegExp]> = [
      [{ fBs: 5 }, /--r_bs \(4\) and --f_bs \(5\) must be equal/],
      [{ genArch: 'Nope' }, /unknown generator architecture "Nope"/],
      [{ genArch: 'DCGAN' }, /DCGAN/],
      [{ discArch: 'CNN-depth=5' }, /leave nothing/],
      [{ lossFunction: 'FooLoss' }, /unknown loss "FooLoss"/],
      [{ imSize: 0 }, /--im_size must be a positive integer/],
      [{ rBs: -1 }, /--r_bs must be a positive integer/],
      [{ fullBatchMetrics: ['MiniBatchLoss-dist=w7'] }, /--full_batch_metrics/],
      [{ dataPath: join(root, 'missing') }, /missing/],
      [{ resumeLastCkpt: true }, /no checkpoint/],
      [{ zPrior: 'const=0' }, /--z_prior/],
      // Spec syntax errors name their flag too (they quoted only the string).
      [{ discArch: 'FC-nf=-3' }, /^--disc_arch: "FC-nf=-3": the piece "nf=" is not of the form key=value/],
      [{ lossFunction: 'WGANLoss-x' }, /^--loss_function: "WGANLoss-x": the piece "x" is not of the form key=value$/],
    ];
    for (const [over, re] of bad) {
      await assert.rejects(runTraining(tinyConfig(root, data, over), quiet), (e: unknown) => {
        assert.ok(e instanceof Error && (e.name === 'UserError' || e.name === 'Error' || e.constructor.name === 'SpecError'), String(e));
        assert.match((e as Error).message, re);
        return true;
      }, JSON.stringify(over));
      assert.ok(!existsSync(join(root, 'outputs')), `outputs created for ${JSON.stringify(over)}`);
    }
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test('--resume_last_ckpt refuses flags that differ from the run\'s args.txt, naming each; a longer --n_iterations continues it', async () => {
  const { root, data } = await tinyWorkspace();
  try {
    const first = await runTraining(tinyConfig(root, data, { trainName: 'r', nIterations: 3, logFreq: 3, fullBatchMetrics: [] }), quiet);
    const before = readFileSync(join(first.folder, 'args.txt'), 'utf8');
    // Both of these used to resume silently, with args.txt still recording the old values.
    await assert.rejects(runTraining(tinyConfig(root, data, { trainName: 'r', nIterations: 5, logFreq: 3, fullBatchMetrics: [], lrD: 0.01, seed: 3, resumeLastCkpt: true }), quiet),
      (e: unknown) => e instanceof UserError && /^--resume_last_ckpt: .*args\.txt records the run with other flags \(--lrD 0\.001 there, 0\.01 now; --seed 0 there, 3 now\); resume with the run's flags/.test(e.message));
    await assert.rejects(runTraining(tinyConfig(root, data, { trainName: 'r', nIterations: 5, logFreq: 3, fullBatchMetrics: [], gpWeight: 1, resumeLastCkpt: true }), quiet),
      /\(--gp_weight 10 there, 1 now\)/);
    assert.equal(readFileSync(join(first.folder, 'args.txt'), 'utf8'), before);
    // Reporting flags may change (evaluations draw from their own generator); args.txt then
    // records the run as it now is: the longer --n_iterations and the new --log_freq.
    const resumed = await runTraining(tinyConfig(root, data, { trainName: 'r', nIterations: 5, logFreq: 2, fullBatchMetrics: [], resumeLastCkpt: true }), quiet);
    assert.equal(readCheckpoint<{ iteration: number }>(join(resumed.folder, 'models', 'last.safetensors')).meta.iteration, 5);
    const after = JSON.parse(readFileSync(join(first.folder, 'args.txt'), 'utf8')) as Record<string, unknown>;
    const expected = { ...(JSON.parse(before) as Record<string, unknown>), n_iterations: 5, log_freq: 2 };
    assert.deepEqual(after, expected);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test('an --outputs_dir where no folder can be made (under /proc) is one sentence, and nothing is written', { skip: !existsSync('/proc/self') }, async () => {
  const { root, data } = await tinyWorkspace();
  try {
    // Node 20's recursive mkdir spins forever on such a path: the run hung at 100% CPU.
    await assert.rejects(runTraining(tinyConfig(root, data, { outputsDir: '/proc/discrete-gans-test/outputs' }), quiet),
      (e: unknown) => e instanceof UserError && e.message === '--outputs_dir: cannot create folders in /proc (ENOENT); give a folder this user can write to');
    assert.ok(!readdirSync(root).some((f) => f.startsWith('.write-check-')));
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test('--save_every keeps one checkpoint per evaluation beside last', async () => {
  const { root, data } = await tinyWorkspace();
  try {
    const s = await runTraining(tinyConfig(root, data, { nIterations: 4, logFreq: 2, saveEvery: true, fullBatchMetrics: [] }), quiet);
    assert.deepEqual(readdirSync(join(s.folder, 'models')).sort(), ['0.safetensors', '2.safetensors', '4.safetensors', 'last.safetensors']);
    assert.equal(readCheckpoint<{ iteration: number }>(join(s.folder, 'models', '2.safetensors')).meta.iteration, 2);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});
