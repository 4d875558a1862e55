/**
 * The settings of one training run (SPEC §1.2), in library form: what `discrete-gans train`
 * parses its flags into, with the reference's defaults, and the checks that must pass before
 * anything is loaded or written.
 *
 * Owns: the TrainConfig shape, its defaults, and the sentence for each invalid combination
 * (naming the flag). Knows nothing of the command line's syntax or of networks.
 */
import { UserError } from '../util/errors.js';
import type { GridScaling } from '../report/grid.js';

/** The reference's default `--full_batch_metrics`. Those our metric registry lacks are
 *  dropped with a notice until the optimal-transport issue adds them (see evaluation.ts). */
export const REFERENCE_FULL_BATCH_METRICS = [
  'MiniBatchLoss-dist=w1',
  'MiniBatchLoss-dist=swd',
  'MiniBatchLocalPatchLoss-dist=swd-p=16-s=8',
  'MiniBatchLocalPatchLoss-dist=full_dim_swd-p=16-s=8',
] as const;

export interface TrainConfig {
  // Data
  dataPath: string;
  limitData?: number;
  centerCrop?: number;
  grayScale: boolean;
  // Model
  genArch: string;
  discArch: string;
  imSize: number;
  zDim: number;
  zPrior: string;
  spectralNormalization: boolean;
  weightClipping?: number;
  gpWeight: number;
  /** Ours: one α per batch in the gradient penalty, as the reference (default: one per sample). */
  gpOneAlpha: boolean;
  // Training
  rBs: number;
  fBs: number;
  lossFunction: string;
  lrG: number;
  lrD: number;
  avgUpdateFactor: number;
  dStepEvery: number;
  gStepEvery: number;
  nIterations: number;
  noFakeResample: boolean;
  // Evaluation
  logFreq: number;
  saveEvery: boolean;
  fullBatchMetrics: string[];
  // Other
  outputsDir: string;
  projectName: string;
  trainName?: string;
  loadG?: string;
  resumeLastCkpt: boolean;
  overwrite: boolean;
  seed: number;
  logEvery: number;
  maxEvalImages: number;
  gridScaling: GridScaling;
  /** Refresh plots every this many iterations (SPEC: 100). */
  plotEvery: number;
  /** What args.txt records (the command line writes the flags under their reference names);
   *  default: this config. */
  recordedArgs?: Record<string, unknown>;
}

export const TRAIN_DEFAULTS: Omit<TrainConfig, 'dataPath'> = {
  grayScale: false,
  genArch: 'DCGAN',
  discArch: 'DCGAN',
  imSize: 64,
  zDim: 64,
  zPrior: 'normal',
  spectralNormalization: false,
  gpWeight: 0,
  gpOneAlpha: false,
  rBs: 64,
  fBs: 64,
  lossFunction: 'NonSaturatingGANLoss',
  lrG: 1e-4,
  lrD: 1e-4,
  avgUpdateFactor: 1,
  dStepEvery: 1,
  gStepEvery: 1,
  nIterations: 1_000_000,
  noFakeResample: false,
  logFreq: 1000,
  saveEvery: false,
  fullBatchMetrics: [...REFERENCE_FULL_BATCH_METRICS],
  outputsDir: 'outputs',
  projectName: 'train_results',
  resumeLastCkpt: false,
  overwrite: false,
  seed: 0,
  logEvery: 10,
  maxEvalImages: 10_000,
  gridScaling: 'scale-each',
  plotEvery: 100,
};

function positiveInt(v: number | undefined, flag: string): void {
  if (v === undefined) return;
  if (!Number.isSafeInteger(v) || v <= 0) throw new UserError(`${flag} must be a positive integer, got ${v}`);
}

function positiveNumber(v: number, flag: string): void {
  if (!Number.isFinite(v) || v <= 0) throw new UserError(`${flag} must be a positive number, got ${v}`);
}

/** Checks that need no data and no network; each failure is one sentence naming the flag. */
export function validateConfig(c: TrainConfig): void {
  if (!c.dataPath) throw new UserError('--data_path is required: a folder of images');
  positiveInt(c.limitData, '--limit_data');
  positiveInt(c.centerCrop, '--center_crop');
  positiveInt(c.imSize, '--im_size');
  positiveInt(c.zDim, '--z_dim');
  positiveInt(c.rBs, '--r_bs');
  positiveInt(c.fBs, '--f_bs');
  positiveInt(c.nIterations, '--n_iterations');
  positiveInt(c.logFreq, '--log_freq');
  positiveInt(c.logEvery, '--log_every');
  positiveInt(c.maxEvalImages, '--max_eval_images');
  positiveInt(c.gStepEvery, '--G_step_every');
  positiveInt(c.plotEvery, 'the plot interval');
  if (!Number.isSafeInteger(c.dStepEvery)) throw new UserError(`--D_step_every must be an integer, got ${c.dStepEvery}`);
  if (!Number.isSafeInteger(c.seed)) throw new UserError(`--seed must be an integer, got ${c.seed}`);
  positiveNumber(c.lrG, '--lrG');
  positiveNumber(c.lrD, '--lrD');
  if (!(c.avgUpdateFactor > 0 && c.avgUpdateFactor <= 1)) throw new UserError(`--avg_update_factor must be in (0, 1] (1 means no averaging), got ${c.avgUpdateFactor}`);
  if (c.weightClipping !== undefined) positiveNumber(c.weightClipping, '--weight_clipping');
  if (!Number.isFinite(c.gpWeight) || c.gpWeight < 0) throw new UserError(`--gp_weight must be a non-negative number, got ${c.gpWeight}`);
  if (c.gpWeight > 0 && c.rBs !== c.fBs) {
    throw new UserError(`the gradient penalty pairs real and fake images one to one, so --r_bs (${c.rBs}) and --f_bs (${c.fBs}) must be equal when --gp_weight is given`);
  }
  if (c.gpWeight > 0 && c.dStepEvery <= 0) throw new UserError('--gp_weight penalises the critic, but --D_step_every disables it');
  if (c.resumeLastCkpt && c.loadG) throw new UserError('--resume_last_ckpt continues a run with its own generator; it cannot be combined with --loadG');
  if (c.resumeLastCkpt && c.overwrite) throw new UserError('--resume_last_ckpt and --overwrite contradict each other: choose one');
  for (const name of [c.projectName, c.trainName]) {
    if (name !== undefined && (name === '' || /[/\\]/.test(name) || name === '.' || name === '..')) throw new UserError(`--project_name and --train_name must be plain folder names, got "${name}"`);
  }
}
