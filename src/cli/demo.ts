/**
 * `discrete-gans demo`: a discrete WGAN on the squares, end to end, in a couple of minutes.
 * Argument parsing only; the work is src/train/demo.ts.
 */
import type { Command } from 'commander';
import '../engine/kernels/wasm/index.js'; // the fast kernels when this runtime has them
import { demoReport, runDemo } from '../train/demo.js';
import { integer, positiveInt } from './flags.js';

interface Flags {
  n_iterations: number;
  seed: number;
  outputs_dir: string;
}

export function register(program: Command): void {
  program
    .command('demo')
    .description('train a discrete WGAN-GP (64 fixed codes) on the squares dataset (written to <outputs_dir>/demo/), and show where the results are')
    .option('--n_iterations <n>', 'iterations to run', positiveInt('--n_iterations'), 2000)
    .option('--seed <n>', 'seed of every random draw', integer('--seed'), 0)
    .option('--outputs_dir <dir>', 'root of the outputs (the run goes to <dir>/demo/…)', 'outputs')
    .action(async (f: Flags) => {
      const r = await runDemo({ nIterations: f.n_iterations, seed: f.seed, outputsDir: f.outputs_dir });
      process.stdout.write(demoReport(r) + '\n');
    });
}
