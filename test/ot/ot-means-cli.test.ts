// `discrete-gans ot-means` end to end on a tiny squares folder: the outputs of SPEC §7/§8, the
// default and project run names, and bad input (k above the image count, an empty folder, an
// unknown method, an existing run) ending in one sentence, exit 2, and nothing written.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeSquares } from '../../src/data/squares.js';

const bin = fileURLToPath(new URL('../../../bin/discrete-gans.js', import.meta.url));

function cli(args: string[], cwd: string): { code: number | null; out: string; err: string } {
  const r = spawnSync(process.execPath, [bin, 'ot-means', ...args], {
    cwd, encoding: 'utf8', timeout: 120_000, env: { ...process.env, DISCRETE_GANS_CACHE: join(cwd, 'cache') },
  });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

function oneSentence(err: string, re: RegExp): void {
  const lines = err.trim().split('\n');
  assert.equal(lines.length, 1, `stderr should be one line: ${err}`);
  assert.match(lines[0], /^discrete-gans: /);
  assert.match(lines[0], re);
}

async function setup(): Promise<{ dir: string; data: string; remove: () => void }> {
  const dir = mkdtempSync(join(tmpdir(), 'dg-otmeans-'));
  const data = join(dir, 'sq');
  // 16×16, 4×4 squares at corners 1, 4, 7, 10 on both axes: 16 images.
  await writeSquares(data, { imSize: 16, squareSize: 4, offset: 1, stride: 3 });
  return { dir, data, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

test('ot-means writes grids, every centroid, metrics.jsonl and the plot under outputs/<train_name>', async () => {
  const { dir, data, remove } = await setup();
  try {
    const r = cli(['--data_path', data, '--gray_scale', '--im_size', '16', '--k', '5', '--n_iters', '2', '--min_method', 'mean'], dir);
    assert.equal(r.code, 0, r.err);
    assert.match(r.out, /^OT cost Σ P·C = [\d.e-]+ .*W1 = [\d.e-]+ after 2 iterations of mean/);
    const run = join(dir, 'outputs', 'sq_M-mean_I-16_K-5');
    assert.ok(existsSync(run), `no ${run}: ${readdirSync(join(dir, 'outputs'))}`);
    assert.deepEqual(readdirSync(join(run, 'images')).sort(), ['centroids', 'otMeans-0.png', 'otMeans-1.png', 'otMeans-2.png']);
    assert.deepEqual(readdirSync(join(run, 'images', 'centroids')).sort(), ['0.png', '1.png', '2.png', '3.png', '4.png']);
    assert.ok(existsSync(join(run, 'plots', 'Losses.png')));
    assert.ok(!existsSync(join(run, 'INCOMPLETE.txt')), 'a finished run is not marked incomplete');
    const args = JSON.parse(readFileSync(join(run, 'args.txt'), 'utf8'));
    assert.equal(args.k, 5);
    assert.equal(args.min_method, 'mean');
    assert.equal(args.train_name, 'sq_M-mean_I-16_K-5');
    for (const unset of ['center_crop', 'limit_data', 'project_name', 'overwrite']) assert.ok(!(unset in args), `${unset} is unset, so left out as train leaves it out`);
    const lines = readFileSync(join(run, 'metrics.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    assert.deepEqual(lines.map((l) => l.iteration), [0, 1, 2]);
    for (const l of lines) {
      for (const key of ['time', 'MiniBatchLoss-dist=w1_fixed_noise_gen_to_train', 'MiniBatchLoss-dist=swd_fixed_noise_gen_to_train', 'ot_cost']) {
        assert.equal(typeof l[key], 'number', `${key} in ${JSON.stringify(l)}`);
      }
      assert.ok(Math.abs(l['MiniBatchLoss-dist=w1_fixed_noise_gen_to_train'] - 256 * l.ot_cost) < 1e-9 * l.ot_cost * 256);
    }
    assert.ok(lines[2].ot_cost < lines[0].ot_cost);
    // The same command again is refused (the folder holds a run) unless --overwrite.
    const again = cli(['--data_path', data, '--gray_scale', '--im_size', '16', '--k', '5', '--n_iters', '2', '--min_method', 'mean'], dir);
    assert.equal(again.code, 2);
    oneSentence(again.err, /already exists and is not empty.*--overwrite/);
  } finally {
    remove();
  }
});

test('a run stopped half-way (SIGINT) leaves its folder marked INCOMPLETE.txt, and a rerun says it was stopped', async () => {
  const { dir, data, remove } = await setup();
  try {
    const args = ['--data_path', data, '--gray_scale', '--im_size', '16', '--k', '5', '--n_iters', '1000000', '--min_method', 'mean', '--train_name', 'cut'];
    const child = spawn(process.execPath, [bin, 'ot-means', ...args], { cwd: dir, stdio: 'ignore' });
    const metrics = join(dir, 'outputs', 'cut', 'metrics.jsonl');
    for (let t = 0; t < 600 && !(existsSync(metrics) && readFileSync(metrics, 'utf8').includes('"iteration":3')); t++) await new Promise((r) => setTimeout(r, 50));
    const exit = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGINT');
    await exit;
    const run = join(dir, 'outputs', 'cut');
    assert.ok(existsSync(join(run, 'INCOMPLETE.txt')), `not marked: ${readdirSync(run)}`);
    const again = cli(args.map((a) => (a === '1000000' ? '2' : a)), dir);
    assert.equal(again.code, 2);
    oneSentence(again.err, /outputs\/cut holds a run that was stopped before it finished; pass --overwrite to replace it/);
  } finally {
    remove();
  }
});

test('ot-means with --project_name and --train_name, k above 64 (one image per centroid)', async () => {
  const { dir, data, remove } = await setup();
  try {
    const r = cli(['--data_path', data, '--k', '16', '--im_size', '16', '--n_iters', '1', '--project_name', 'p', '--train_name', 'mine'], dir);
    assert.equal(r.code, 0, r.err);
    const run = join(dir, 'outputs', 'p', 'mine');
    assert.equal(readdirSync(join(run, 'images', 'centroids')).length, 16);
    const lines = readFileSync(join(run, 'metrics.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    // k = N: the centroids land on the images, so W1 falls to the clamped floor 1e-5.
    assert.ok(lines[1]['MiniBatchLoss-dist=w1_fixed_noise_gen_to_train'] < 1e-4, JSON.stringify(lines[1]));
  } finally {
    remove();
  }
});

test('bad input: one sentence, exit 2, nothing written', async () => {
  const { dir, data, remove } = await setup();
  try {
    const empty = join(dir, 'empty');
    mkdirSync(empty);
    const cases: Array<[string[], RegExp]> = [
      [['--data_path', data, '--k', '17', '--im_size', '16'], /--k 17 is larger than the number of images \(16\)/],
      [['--data_path', data, '--k', '8', '--im_size', '16', '--limit_data', '5'], /--k 8 is larger than the number of images \(5\).*--limit_data 5/],
      [['--data_path', empty, '--k', '2'], /empty/],
      [['--data_path', data, '--min_method', 'median'], /--min_method must be one of weisfeld, mean, sgd, got "median"/],
      [['--k', '3'], /--data_path is required/],
      [['--data_path', join(dir, 'missing'), '--k', '3'], /does not exist/],
      [['--data_path', data, '--k', '0'], /--k must be a positive integer/],
    ];
    for (const [args, re] of cases) {
      const r = cli(args, dir);
      assert.equal(r.code, 2, `${args.join(' ')}: ${r.err}`);
      oneSentence(r.err, re);
      assert.ok(!existsSync(join(dir, 'outputs')), `${args.join(' ')} wrote outputs`);
    }
  } finally {
    remove();
  }
});
