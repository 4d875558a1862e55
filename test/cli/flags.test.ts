// Shared flag helpers (src/cli/flags.ts): reference spellings, hyphen aliases, nargs='*' lists,
// and validators that throw a UserError naming the flag.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Command } from 'commander';
import { canonicalFlagSpellings, choice, colour, finiteFloat, integer, listValue, nonNegativeInt, positiveFloat, positiveInt } from '../../src/cli/flags.js';
import { UserError } from '../../src/util/errors.js';

const names = (re: RegExp) => (e: unknown): boolean => e instanceof UserError && re.test(e.message);

test('validators accept good values and name the flag on bad ones', () => {
  assert.equal(positiveInt('--im_size')('64'), 64);
  for (const bad of ['0', '-1', '2.5', 'abc', '', '1e3', '99999999999999999999']) assert.throws(() => positiveInt('--im_size')(bad), names(/^--im_size must be a positive integer, got "/), bad);
  assert.equal(nonNegativeInt('--offset')('0'), 0);
  assert.throws(() => nonNegativeInt('--offset')('-1'), names(/--offset/));
  assert.equal(integer('--D_step_every')('-1'), -1);
  assert.throws(() => integer('--D_step_every')('x'), names(/--D_step_every must be an integer/));
  assert.equal(finiteFloat('--lrD')('1e-4'), 1e-4);
  assert.throws(() => finiteFloat('--lrD')('fast'), names(/--lrD must be a number/));
  assert.throws(() => finiteFloat('--lrD')('Infinity'), names(/--lrD/));
  assert.equal(positiveFloat('--weight_clipping')('0.01'), 0.01);
  assert.throws(() => positiveFloat('--weight_clipping')('0'), names(/--weight_clipping must be a positive number/));
  assert.deepEqual(colour('--background')('7'), [7, 7, 7]);
  assert.deepEqual(colour('--background')('1,2,3'), [1, 2, 3]);
  for (const bad of ['256', '1,2', 'red', '-1']) assert.throws(() => colour('--background')(bad), names(/--background/), bad);
  assert.equal(choice('--min_method', ['weisfeld', 'mean', 'sgd'])('mean'), 'mean');
  assert.throws(() => choice('--min_method', ['weisfeld', 'mean', 'sgd'])('median'), names(/--min_method must be one of weisfeld, mean, sgd/));
});

function program(): Command {
  const p = new Command('x').exitOverride();
  p.command('train')
    .option('--data_path <dir>')
    .option('--D_step_every <n>', '', integer('--D_step_every'), 1)
    .option('--full_batch_metrics [metrics...]')
    .option('--gray_scale')
    .option('--no_fake_resample');
  return p;
}

async function parse(argv: string[]): Promise<Record<string, unknown>> {
  const p = program();
  let got: Record<string, unknown> = {};
  p.commands[0].action((opts: Record<string, unknown>) => {
    got = opts;
  });
  await p.parseAsync(canonicalFlagSpellings(argv, p), { from: 'user' });
  return got;
}

test('reference spellings are the option keys, hyphenated aliases map onto them', async () => {
  const a = await parse(['train', '--data_path', 'd', '--D_step_every', '-1', '--gray_scale', '--no_fake_resample']);
  assert.deepEqual([a.data_path, a.D_step_every, a.gray_scale, a.no_fake_resample], ['d', -1, true, true]);
  const b = await parse(['train', '--data-path=e', '--D-step-every', '5', '--gray-scale', '--no-fake-resample']);
  assert.deepEqual([b.data_path, b.D_step_every, b.gray_scale, b.no_fake_resample], ['e', 5, true, true]);
  // Values and anything after `--` are left alone.
  assert.deepEqual(canonicalFlagSpellings(['train', '--data_path', '--not-a-flag-value'], program()), ['train', '--data_path', '--not-a-flag-value']);
  assert.deepEqual(canonicalFlagSpellings(['train', '--', '--data-path'], program()), ['train', '--', '--data-path']);
  // Unknown hyphenated flags stay as written, so commander reports them as typed.
  assert.deepEqual(canonicalFlagSpellings(['train', '--frob-nicate'], program()), ['train', '--frob-nicate']);
  await assert.rejects(parse(['train', '--frob-nicate']), /unknown option '--frob-nicate'/);
});

test("nargs='*' lists: absent → default, the flag alone → [], values → the list", async () => {
  const defaults = ['MiniBatchLoss-dist=w1', 'MiniBatchLoss-dist=swd'];
  assert.deepEqual(listValue((await parse(['train'])).full_batch_metrics, defaults), defaults);
  assert.deepEqual(listValue((await parse(['train', '--full_batch_metrics'])).full_batch_metrics, defaults), []);
  assert.deepEqual(listValue((await parse(['train', '--full_batch_metrics', '--gray_scale'])).full_batch_metrics, defaults), []);
  assert.deepEqual(listValue((await parse(['train', '--full_batch_metrics', 'A', 'B-p=1', 'C'])).full_batch_metrics, defaults), ['A', 'B-p=1', 'C']);
  assert.deepEqual(listValue((await parse(['train', '--full-batch-metrics', 'A'])).full_batch_metrics, defaults), ['A']);
});
