/**
 * `discrete-gans demo`: the product's main job on an embedded default. It writes the squares
 * dataset (SPEC §2.1, at 32×32 with 5×5 squares: 625 images) beside the run
 * (`<outputs_dir>/demo/black_S-5_O-1_S-1_32`, reused by later demos), trains a
 * discrete WGAN-GP on it (64 fixed codes, FC generator, FC critic of width 256, the Figure 5
 * recipe otherwise: lrD 1e-3, 5 critic steps per generator step, λ = 10; lrG 1e-3 so that the
 * squares appear within the time), and reports where the images, plots and metrics are and
 * how the full-batch W1 between the 64 generated images and the dataset moved.
 *
 * Owns: the demo's settings and its closing summary. Knows nothing of flag syntax.
 */
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { writeSquares } from '../data/squares.js';
import { checkFolderWritable } from '../util/folders.js';
import { TRAIN_DEFAULTS, type TrainConfig } from './config.js';
import { runTraining, type RunSummary } from './run.js';

export interface DemoOptions {
  outputsDir?: string;
  nIterations?: number;
  seed?: number;
  log?: (line: string) => void;
  tty?: boolean;
}

export const DEMO_W1 = 'MiniBatchLoss-dist=w1';

export function demoConfig(dataPath: string, o: DemoOptions = {}): TrainConfig {
  const n = o.nIterations ?? 2000;
  return {
    ...TRAIN_DEFAULTS,
    dataPath,
    grayScale: true,
    imSize: 32,
    zPrior: 'const=64',
    genArch: 'FC',
    discArch: 'FC-nf=256',
    lossFunction: 'WGANLoss',
    gpWeight: 10,
    lrD: 1e-3,
    lrG: 1e-3,
    gStepEvery: 5,
    nIterations: n,
    logFreq: Math.max(1, Math.ceil(n / 4)),
    fullBatchMetrics: [DEMO_W1, 'MiniBatchLoss-dist=swd'],
    outputsDir: o.outputsDir ?? 'outputs',
    projectName: 'demo',
    trainName: 'squares32_discrete_WGAN-GP',
    overwrite: true,
    seed: o.seed ?? 0,
  };
}

export interface DemoResult {
  summary: RunSummary;
  firstW1: number;
  lastW1: number;
}

/** The demo's squares: 625 images, 32×32, 5×5 squares at every corner. */
const DEMO_SQUARES = { imSize: 32, squareSize: 5, offset: 1, stride: 1 };
const DEMO_COUNT = 625;

export async function runDemo(o: DemoOptions = {}): Promise<DemoResult> {
  const log = o.log ?? ((l: string) => process.stderr.write(l + '\n'));
  const config = demoConfig(join(o.outputsDir ?? 'outputs', 'demo', 'black_S-5_O-1_S-1_32'), o);
  // The data stay beside the run (about 0.2 MB), so its args.txt names a folder that exists and
  // the run can be extended with `train … --resume_last_ckpt`; a later demo reuses them.
  const data = config.dataPath;
  checkFolderWritable(data, '--outputs_dir');
  const pngs = existsSync(data) ? readdirSync(data).filter((f) => f.endsWith('.png')).length : 0;
  if (pngs !== DEMO_COUNT) await writeSquares(data, DEMO_SQUARES, true);
  const run = join(config.outputsDir, config.projectName, config.trainName!);
  if (existsSync(join(run, 'models'))) log(`demo: replacing the earlier demo run in ${run}`);
  log(`demo: ${DEMO_COUNT} squares images (32×32) in ${data}; training a discrete WGAN-GP with 64 fixed codes`);
  const summary = await runTraining(config, { log, tty: o.tty });
  const key = `${DEMO_W1}_fixed_noise_gen_to_train`;
  const w1s = summary.evaluations.map((e) => e.values[key]);
  return { summary, firstW1: w1s[0], lastW1: w1s[w1s.length - 1] };
}

/** The closing lines the command prints. */
export function demoReport(r: DemoResult): string {
  const s = r.summary;
  const path = (p: string): string => join(s.folder, p);
  const steps = s.evaluations.map((e) => `${e.iteration}: ${e.values[`${DEMO_W1}_fixed_noise_gen_to_train`].toFixed(3)}`).join(', ');
  return [
    `full-batch W1 (64 generated images vs the 625 squares) moved from ${r.firstW1.toFixed(3)} to ${r.lastW1.toFixed(3)} (×${(r.lastW1 / r.firstW1).toFixed(2)}); by iteration: ${steps}`,
    `images:  ${path('images')}  (one grid per evaluation, <iteration>.png; the data in debug_fixed_reals.png)`,
    `plots:   ${path('plots')}`,
    `metrics: ${path('metrics.jsonl')}`,
    `model:   ${path('models/last.safetensors')}`,
  ].join('\n');
}
