/** Shared set-up of the training tests: a tiny squares folder and a tiny run config. */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeSquares } from '../../src/data/squares.js';
import { TRAIN_DEFAULTS, type TrainConfig } from '../../src/train/config.js';

/** A temporary folder with 16 squares of 8×8 (2×2 squares at corners 1..4) and a cache folder. */
export async function tinyWorkspace(): Promise<{ root: string; data: string }> {
  const root = mkdtempSync(join(tmpdir(), 'dg-train-'));
  process.env.DISCRETE_GANS_CACHE = join(root, 'cache');
  const data = join(root, 'squares');
  await writeSquares(data, { imSize: 8, squareSize: 2, offset: 1, stride: 1 });
  return { root, data };
}

export function tinyConfig(root: string, data: string, over: Partial<TrainConfig> = {}): TrainConfig {
  return {
    ...TRAIN_DEFAULTS,
    dataPath: data,
    imSize: 8,
    grayScale: true,
    genArch: 'FC-nf=16',
    discArch: 'FC-nf=16',
    zDim: 4,
    zPrior: 'const=6',
    rBs: 4,
    fBs: 4,
    lossFunction: 'WGANLoss',
    gpWeight: 10,
    lrD: 1e-3,
    lrG: 1e-3,
    nIterations: 7,
    logFreq: 3,
    logEvery: 2,
    plotEvery: 100,
    fullBatchMetrics: ['MiniBatchLoss-dist=w1'],
    outputsDir: join(root, 'outputs'),
    trainName: 'run',
    ...over,
  };
}

export const quiet = { log: (): void => {}, tty: false };
