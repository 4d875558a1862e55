/**
 * The run folder `outputs/<project_name>/<train_name>/` (SPEC §1.4, §8) and its layout:
 * `args.txt`, `metrics.jsonl`, `images/`, `plots/`, `models/`.
 *
 * Owns: the composed run name, the folder's paths, the refusal to reuse a folder that already
 * holds a checkpoint (unless resuming or overwriting), and creating the folders. Knows nothing
 * of networks or training.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { UserError } from '../util/errors.js';

export interface RunNameParts {
  readonly dataPath: string;
  readonly imSize: number;
  readonly genArch: string;
  readonly discArch: string;
  readonly grayScale: boolean;
  readonly centerCrop?: number;
  readonly lossFunction: string;
  readonly zDim: number;
  readonly zPrior: string;
  readonly rBs: number;
  readonly fBs: number;
}

/** `<basename(data_path)>_I-<im>x<im>_G-<gen>_D-<disc>[_GS][_CC-<crop>]_L-<loss>_Z-<z_dim>x<prior>_B-<r_bs>-<f_bs>` */
export function composeRunName(p: RunNameParts): string {
  const data = basename(resolve(p.dataPath));
  return `${data}_I-${p.imSize}x${p.imSize}_G-${p.genArch}_D-${p.discArch}` +
    (p.grayScale ? '_GS' : '') + (p.centerCrop !== undefined ? `_CC-${p.centerCrop}` : '') +
    `_L-${p.lossFunction}_Z-${p.zDim}x${p.zPrior}_B-${p.rBs}-${p.fBs}`;
}

/** Flags a resumed run may change: the length of the run, where it lives, and what it reports
 *  (evaluations draw from their own seeded generator, so none of these touch the training). */
const RESUME_MAY_CHANGE = new Set(['n_iterations', 'resume_last_ckpt', 'overwrite', 'outputs_dir', 'project_name', 'train_name',
  'save_every', 'wandb', 'log_freq', 'log_every', 'full_batch_metrics', 'max_eval_images', 'plain_images']);

export class RunFolder {
  readonly images: string;
  readonly plots: string;
  readonly models: string;
  readonly metrics: string;
  readonly args: string;

  constructor(readonly root: string) {
    this.images = join(root, 'images');
    this.plots = join(root, 'plots');
    this.models = join(root, 'models');
    this.metrics = join(root, 'metrics.jsonl');
    this.args = join(root, 'args.txt');
  }

  static at(outputsDir: string, projectName: string, trainName: string): RunFolder {
    return new RunFolder(join(outputsDir, projectName, trainName));
  }

  get lastCheckpoint(): string {
    return join(this.models, 'last.safetensors');
  }

  checkpointAt(iteration: number): string {
    return join(this.models, `${iteration}.safetensors`);
  }

  hasCheckpoint(): boolean {
    return existsSync(this.models) && readdirSync(this.models).some((f) => f.endsWith('.safetensors'));
  }

  /**
   * Check that the folder may be used, before anything is written: a folder holding a
   * checkpoint is refused unless `resume` or `overwrite`; `resume` needs a `last` checkpoint.
   */
  checkUsable(mode: { resume: boolean; overwrite: boolean }): void {
    if (mode.resume) {
      if (!existsSync(this.lastCheckpoint)) throw new UserError(`--resume_last_ckpt: there is no checkpoint ${this.lastCheckpoint} to resume from`);
      return;
    }
    if (this.hasCheckpoint() && !mode.overwrite) {
      throw new UserError(`the run folder ${this.root} already holds a checkpoint; pass --resume_last_ckpt to continue that run, --overwrite to start it again, or choose another --train_name`);
    }
  }

  /** Create the folders. A fresh start (not a resume) first removes earlier outputs: those of
   *  an overwritten run, or the leftovers of one that never reached a checkpoint. */
  prepare(mode: { resume: boolean }): void {
    if (!mode.resume && existsSync(this.root)) {
      for (const p of [this.images, this.plots, this.models, this.metrics, this.args]) rmSync(p, { recursive: true, force: true });
    }
    for (const d of [this.root, this.images, this.plots, this.models]) mkdirSync(d, { recursive: true });
  }

  /**
   * --resume_last_ckpt continues the run recorded in args.txt: a command whose flags differ
   * from it (other than those that only extend or locate the run) would continue one run
   * with another's settings, and leave args.txt describing neither. Throws a UserError naming
   * every differing flag; nothing to compare (null) when args.txt is missing or unreadable.
   * Returns what args.txt should hold for the resumed run.
   */
  checkResumedArgs(now: Record<string, unknown>): Record<string, unknown> | null {
    let saved: Record<string, unknown>;
    try { saved = JSON.parse(readFileSync(this.args, 'utf8')) as Record<string, unknown>; } catch { return null; }
    if (saved === null || typeof saved !== 'object') return null;
    const unset = (v: unknown): boolean => v === undefined || v === null || v === false;
    const same = (a: unknown, b: unknown): boolean => (unset(a) && unset(b)) || JSON.stringify(a) === JSON.stringify(b);
    const show = (v: unknown): string => (unset(v) ? 'unset' : Array.isArray(v) ? (v.length > 0 ? v.join(' ') : 'none') : String(v));
    const differ = [...new Set([...Object.keys(saved), ...Object.keys(now)])]
      .filter((k) => !RESUME_MAY_CHANGE.has(k) && !same(saved[k], now[k]))
      .map((k) => `--${k} ${show(saved[k])} there, ${show(now[k])} now`);
    if (differ.length > 0) {
      throw new UserError(`--resume_last_ckpt: ${this.args} records the run with other flags (${differ.join('; ')}); resume with the run's flags, or start a new run with another --train_name`);
    }
    // What args.txt should say from now on: the run's flags with the changes allowed (a longer
    // --n_iterations, another --log_freq), but not the resume switch itself.
    const merged: Record<string, unknown> = { ...saved };
    for (const k of RESUME_MAY_CHANGE) {
      if (k === 'resume_last_ckpt' || k === 'overwrite' || same(saved[k], now[k])) continue;
      if (unset(now[k])) delete merged[k]; else merged[k] = now[k];
    }
    return merged;
  }

  writeArgs(args: Record<string, unknown>): void {
    // Whole or not at all: a resumed run rewrites it.
    writeFileSync(`${this.args}.tmp`, JSON.stringify(args, null, 2) + '\n');
    renameSync(`${this.args}.tmp`, this.args);
  }
}
