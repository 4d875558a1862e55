/**
 * `discrete-gans metrics A B [--metrics NAME...] [--json] [--seed S]`: the distances of SPEC §6
 * between two sets, each a folder of images (train's data flags) or a .npy file. Argument
 * parsing only; the work is src/ot/io/load-set.ts and src/ot/metrics.ts.
 */
import type { Command } from 'commander';
import { UserError } from '../util/errors.js';
import { parseMetric } from '../ot/metrics.js';
import { listValue, nonNegativeInt, positiveInt } from './flags.js';

/** The reference's default --full_batch_metrics (SPEC §1.2). */
export const DEFAULT_METRICS = [
  'MiniBatchLoss-dist=w1',
  'MiniBatchLoss-dist=swd',
  'MiniBatchLocalPatchLoss-dist=swd-p=16-s=8',
  'MiniBatchLocalPatchLoss-dist=full_dim_swd-p=16-s=8',
];

interface Flags {
  metrics?: string[] | string | true;
  json?: boolean;
  seed: number;
  im_size?: number;
  gray_scale?: boolean;
  center_crop?: number;
  limit_data?: number;
}

export function register(program: Command): void {
  program
    .command('metrics')
    .description('distances between two image folders or .npy files (A: generated, B: data), as --full_batch_metrics computes them')
    // Optional for commander so that the action can explain the commonest slip: the sets
    // written after --metrics, which takes every following word as a metric string.
    .argument('[A]', 'first set: folder of images or .npy (float32/float64/uint8; N×D or N×C×H×W)')
    .argument('[B]', 'second set, same kinds')
    .option('--metrics <names...>', `metric strings (default: ${DEFAULT_METRICS.join(' ')})`)
    .option('--json', 'print one JSON object {metric string: value}')
    .option('--seed <n>', 'seed of the random directions', nonNegativeInt('--seed'), 0)
    .option('--im_size <n>', 'resize folder images to this side (default: the size of the first image in file-name order; images of other sizes are resized to it)', positiveInt('--im_size'))
    .option('--gray_scale', 'read folder images as one grey channel')
    .option('--center_crop <n>', 'center crop side before resizing', positiveInt('--center_crop'))
    .option('--limit_data <n>', 'use the first N samples of each set', positiveInt('--limit_data'))
    .action(async (a: string | undefined, b: string | undefined, f: Flags) => {
      const names = [...new Set(listValue(f.metrics, DEFAULT_METRICS))]; // a repeated name is computed once
      if (a === undefined || b === undefined) {
        const swallowed = names.filter((n) => !/^MiniBatch/.test(n));
        if (swallowed.length > 0) throw new UserError(`--metrics took ${swallowed.map((n) => `"${n}"`).join(' and ')} as ${swallowed.length > 1 ? 'metric names' : 'a metric name'}: write the two sets A and B before --metrics (it takes every word after it)`);
        throw new UserError(`metrics needs two sets, A and B (folders of images or .npy files); got ${a === undefined ? 'none' : 'only one'}`);
      }
      if (names.length === 0) throw new UserError('--metrics was given no metric names');
      for (const n of names) parseMetric(n); // unknown names fail before any loading
      const { evaluateMetricFiles } = await import('../ot/io/load-set.js');
      (await import('../ot/lp/short-run-jit.js')).favourShortRunJit(); // one or two solves, then exit
      const opts = { imSize: f.im_size, grayScale: f.gray_scale, centerCrop: f.center_crop, limitData: f.limit_data };
      const values = await evaluateMetricFiles(names, a, b, opts, f.seed);
      if (f.json) {
        const out: Record<string, number> = {};
        names.forEach((n, i) => { out[n] = values[i]; });
        process.stdout.write(JSON.stringify(out) + '\n');
      } else {
        const width = Math.max(...names.map((n) => n.length));
        names.forEach((n, i) => process.stdout.write(`${n.padEnd(width)}  ${values[i].toPrecision(10)}\n`));
      }
    });
}
