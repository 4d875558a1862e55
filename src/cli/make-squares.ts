/**
 * `discrete-gans make-squares`: the squares dataset of SPEC §2.1 (reference:
 * scripts/create_squares_dataset.py). Argument parsing only; the work is src/data/squares.ts.
 */
import type { Command } from 'commander';
import { writeSquares, squaresFolderName } from '../data/squares.js';
import { colour, nonNegativeInt, positiveInt } from './flags.js';

interface Flags {
  out_dir?: string;
  im_size: number;
  square_size: number;
  offset: number;
  stride: number;
  background: [number, number, number];
  foreground: [number, number, number];
  overwrite?: boolean;
}

export function register(program: Command): void {
  program
    .command('make-squares')
    .description('write the squares dataset: one white square on black per image, at every position (the paper\'s synthetic dataset)')
    .option('--out_dir <dir>', 'output folder (default: ./black_S-10_O-1_S-1, named after the settings)')
    .option('--im_size <n>', 'image side in pixels', positiveInt('--im_size'), 64)
    .option('--square_size <n>', 'square side in pixels', positiveInt('--square_size'), 10)
    .option('--offset <n>', 'first corner position, and margin kept at the far side', nonNegativeInt('--offset'), 1)
    .option('--stride <n>', 'step between corner positions', positiveInt('--stride'), 1)
    .option('--background <v>', 'background colour: grey level 0..255 or R,G,B', colour('--background'), [0, 0, 0])
    .option('--foreground <v>', 'square colour: grey level 0..255 or R,G,B', colour('--foreground'), [255, 255, 255])
    .option('--overwrite', 'replace an existing non-empty output folder')
    .action(async (f: Flags) => {
      const settings = { imSize: f.im_size, squareSize: f.square_size, offset: f.offset, stride: f.stride, background: f.background, foreground: f.foreground };
      const outDir = f.out_dir ?? squaresFolderName(settings);
      const n = await writeSquares(outDir, settings, f.overwrite ?? false);
      process.stdout.write(`wrote ${n} images to ${outDir}\n`);
    });
}
