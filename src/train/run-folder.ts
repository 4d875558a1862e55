/**
 * The run folder `outputs/<project_name>/<train_name>/` (SPEC §1.4, §8) and its layout:
 * `args.txt`, `metrics.jsonl`, `images/`, `plots/`, `models/`.
 *
 * Owns: the composed run name, the folder's paths, the refusal to reuse a folder that already
 * holds a checkpoint (unless resuming or overwriting), and creating the folders. Knows nothing
 * of networks or training.
 */
import { existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
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

  writeArgs(args: Record<string, unknown>): void {
    writeFileSync(this.args, JSON.stringify(args, null, 2) + '\n');
  }
}
