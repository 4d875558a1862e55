/**
 * `discrete-gans mnist-to-png`: the four MNIST-format IDX files of a folder → PNG folders
 * (SPEC §2.2; reference: scripts/store_mnist_as_png.py). Argument parsing and the progress
 * bar only; the work is src/data/mnist.ts.
 */
import type { Command } from 'commander';
import cliProgress from 'cli-progress';
import { mnistToPng } from '../data/mnist.js';

interface Flags {
  raw_dir: string;
  out_dir: string;
  overwrite?: boolean;
}

export function register(program: Command): void {
  program
    .command('mnist-to-png')
    .description('convert MNIST-format IDX files (plain or .gz) to OUT/training/<i>_<label>.png and OUT/testing/...')
    .requiredOption('--raw_dir <dir>', 'folder holding train-images-idx3-ubyte, train-labels-idx1-ubyte, t10k-images-idx3-ubyte, t10k-labels-idx1-ubyte (or .gz)')
    .requiredOption('--out_dir <dir>', 'output folder')
    .option('--overwrite', 'replace an existing non-empty output folder')
    .action(async (f: Flags) => {
      const bar = process.stderr.isTTY
        ? new cliProgress.SingleBar({ stream: process.stderr, format: 'mnist-to-png [{bar}] {value}/{total} images, eta {eta}s' }, cliProgress.Presets.shades_classic)
        : null;
      let started = false;
      try {
        const n = await mnistToPng({
          rawDir: f.raw_dir,
          outDir: f.out_dir,
          overwrite: f.overwrite ?? false,
          onProgress: (done, total) => {
            if (!bar) return;
            if (!started) {
              bar.start(total, 0);
              started = true;
            }
            if (done % 200 === 0 || done === total) bar.update(done);
          },
        });
        bar?.stop();
        process.stdout.write(`wrote ${n.training} training and ${n.testing} testing images to ${f.out_dir}\n`);
      } finally {
        if (started) bar?.stop();
      }
    });
}
