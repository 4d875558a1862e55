import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const bin = join(process.cwd(), 'bin', 'discrete-gans.js');

function train(args: string[], cwd: string): { status: number | null; stderr: string } {
  const r = spawnSync(process.execPath, [bin, 'train', ...args], { cwd, encoding: 'utf8', env: { ...process.env, DISCRETE_GANS_CACHE: join(cwd, 'cache') } });
  return { status: r.status, stderr: r.stderr };
}

test('train refuses bad requests with one sentence, exit 2, before writing anything', () => {
  const cwd = mkdtempSync(join(tmpdir(), 'dg-cli-'));
  try {
    const base = ['--data_path', join(cwd, 'nowhere'), '--gen_arch', 'FC', '--disc_arch', 'FC', '--loss_function', 'WGANLoss'];
    const cases: Array<[string[], RegExp]> = [
      [['--gen_arch', 'FC'], /--data_path is required/],
      [[...base, '--gp_weight', '10', '--r_bs', '8', '--f_bs', '4'], /--r_bs \(8\) and --f_bs \(4\) must be equal/],
      [[...base, '--im_size', '0'], /--im_size must be a positive integer/],
      [[...base, '--lrD', '-1'], /--lrD must be a positive number/],
      [['--data_path', cwd], /the data folder .* is empty/],
      [[...base, '--disc_arch', 'Nope-x=1'], /unknown discriminator architecture "Nope"/],
      [[...base, '--full_batch_metrics', 'MiniBatchLoss-dist=w9'], /--full_batch_metrics/],
      [[...base, '--no_such_flag'], /unknown option/],
      [[...base], /nowhere/],
    ];
    for (const [args, re] of cases) {
      const r = train(args, cwd);
      // Our UserErrors exit 2; commander's own (unknown option) exit 1.
      assert.equal(r.status, 2, `${args.join(' ')} → ${r.status}: ${r.stderr}`);
      assert.match(r.stderr, re, args.join(' '));
      assert.equal(r.stderr.trim().split('\n').filter((l) => l.startsWith('discrete-gans:')).length >= 1, true);
      assert.ok(!existsSync(join(cwd, 'outputs')), `outputs written for ${args.join(' ')}`);
    }
  } finally {
    rmSync(cwd, { recursive: true, force: true });
  }
});

test('compatibility flags say what they do in one line each; hyphenated spellings work', () => {
  const cwd = mkdtempSync(join(tmpdir(), 'dg-cli-'));
  try {
    const r = train(['--data-path', join(cwd, 'nowhere'), '--gen-arch', 'FC', '--disc-arch', 'FC', '--loss-function', 'WGANLoss', '--device', 'cuda:0', '--wandb', '--n_workers', '4', '--load_data_to_memory'], cwd);
    assert.match(r.stderr, /--device cuda:0: this build runs on the CPU/);
    assert.match(r.stderr, /--wandb: nothing is sent/);
    assert.match(r.stderr, /nowhere/); // got as far as the data folder: every flag was accepted
  } finally {
    rmSync(cwd, { recursive: true, force: true });
  }
});
