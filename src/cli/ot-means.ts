/**
 * `discrete-gans ot-means` (reference: scripts/ot_means.py): the flags of SPEC §1.3 with the
 * reference's spelling and defaults, plus ours (--seed, --outputs_dir, --overwrite).
 * `--n_workers` is accepted for compatibility and unused. Argument parsing only; the run is
 * src/ot/ot-means-run.ts.
 */
import type { Command } from 'commander';
import '../engine/kernels/wasm/index.js'; // the fast kernels when this runtime has them
import { runOtMeans } from '../ot/ot-means-run.js';
import { OT_MEANS_METHODS, type OtMeansMethod } from '../ot/ot-means.js';
import { choice, nonNegativeInt, positiveInt } from './flags.js';
import { UserError } from '../util/errors.js';

interface Flags {
  data_path?: string;
  center_crop?: number;
  limit_data?: number;
  gray_scale?: boolean;
  k: number;
  im_size: number;
  min_method: OtMeansMethod;
  n_iters: number;
  project_name?: string;
  train_name?: string;
  n_workers?: number;
  seed: number;
  outputs_dir: string;
  overwrite?: boolean;
}

export function register(program: Command): void {
  program
    .command('ot-means')
    .description('OT-means: k centroids minimising the exact transport cost to an image folder')
    .option('--data_path <dir>', 'folder of images (required)')
    .option('--center_crop <n>', 'center crop side before resizing', positiveInt('--center_crop'))
    .option('--limit_data <n>', 'use the first N images in sorted file order', positiveInt('--limit_data'))
    .option('--gray_scale', 'one grey channel (0.2989 R + 0.587 G + 0.114 B, as training)')
    .option('--k <n>', 'number of centroids', positiveInt('--k'), 64)
    .option('--im_size <n>', 'image side in pixels', positiveInt('--im_size'), 64)
    .option('--min_method <name>', `centroid update: ${OT_MEANS_METHODS.join(' | ')}`, choice('--min_method', OT_MEANS_METHODS), 'weisfeld')
    .option('--n_iters <n>', 'iterations', nonNegativeInt('--n_iters'), 10)
    .option('--project_name <name>', 'outputs/<project_name>/<train_name> (default: outputs/<train_name>)')
    .option('--train_name <name>', 'output folder name (default: <data folder>_M-<method>_I-<im_size>_K-<k>)')
    .option('--n_workers <n>', 'accepted for compatibility (loading is always parallel)', nonNegativeInt('--n_workers'))
    .option('--seed <n>', 'seed of the starting centroids and the SWD directions', nonNegativeInt('--seed'), 0)
    .option('--outputs_dir <dir>', 'root of the outputs', 'outputs')
    .option('--overwrite', 'replace an existing output folder')
    .action(async (f: Flags) => {
      if (f.data_path === undefined) throw new UserError('--data_path is required: the folder of images to cluster');
      await runOtMeans({
        dataPath: f.data_path, centerCrop: f.center_crop, limitData: f.limit_data, grayScale: f.gray_scale ?? false,
        k: f.k, imSize: f.im_size, method: f.min_method, iterations: f.n_iters,
        projectName: f.project_name, trainName: f.train_name, outputsDir: f.outputs_dir,
        seed: f.seed, overwrite: f.overwrite ?? false,
      });
    });
}
