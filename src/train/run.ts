/**
 * A whole training run (SPEC §5, §8): check the settings, load the data, build the trainer, set
 * up `outputs/<project_name>/<train_name>/` (refusing a folder that holds a checkpoint unless
 * resuming or overwriting), then iterate exactly `n_iterations` times with the training lines,
 * plots, evaluations and checkpoints on their schedule, and report training speed and
 * evaluation time separately.
 *
 * Everything that can be wrong with the request (flags, names, data, architecture against the
 * data) fails with a UserError before the run folder is created.
 *
 * Owns: the order of those steps and the outputs' timing. Knows nothing of flag syntax.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { loadImageFolder } from '../data/image-folder.js';
import { checkDiscriminator, checkGenerator, discriminatorNames, generatorNames } from '../nn/index.js';
import { buildLoss } from '../losses/registry.js';
import { saveImageGrid } from '../report/grid.js';
import { MetricsLog } from '../report/metrics-log.js';
import { writePlots } from '../report/plots.js';
import { parseSpec, SpecError } from '../util/named-spec.js';
import { UserError } from '../util/errors.js';
import { checkFolderWritable } from '../util/folders.js';
import { parseMetric } from '../ot/metrics.js';
import { readCheckpoint, writeCheckpoint } from './checkpoint.js';
import { captureCheckpoint, loadGenerator, restoreCheckpoint, type CheckpointMeta } from './checkpoint-state.js';
import { REFERENCE_FULL_BATCH_METRICS, validateConfig, type TrainConfig } from './config.js';
import { runEvaluation, type FullBatchMetric } from './evaluation.js';
import { resolveFullBatchMetrics } from './full-batch-metrics.js';
import { parsePrior } from './prior.js';
import { Progress } from './progress.js';
import { RunFolder, composeRunName } from './run-folder.js';
import { isEvaluation } from './schedule.js';
import { Trainer } from './trainer.js';

export interface RunHooks {
  /** Where messages go (default: stderr). */
  log?: (line: string) => void;
  /** Show a progress bar (default: stderr is a TTY). */
  tty?: boolean;
  /** Called after each evaluation with its iteration and values. */
  onEvaluation?: (iteration: number, values: Readonly<Record<string, number>>) => void;
}

export interface RunSummary {
  readonly folder: string;
  readonly iterations: number;
  readonly trainingSeconds: number;
  readonly secondsPerIteration: number;
  readonly evaluationSeconds: number;
  readonly evaluations: ReadonlyArray<{ iteration: number; values: Record<string, number> }>;
}

/** Refuse an unknown architecture name, key or value, or one that cannot work at this image
 *  size and channel count, before any data are decoded. */
/** fn(), with a spec or user error it throws prefixed by `flag` unless its message already
 *  starts with a flag (FastGAN's size checks name two). */
function naming<T>(flag: string, fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    if (e instanceof SpecError || (e instanceof UserError && !e.message.startsWith('--'))) throw new UserError(`${flag}: ${e.message}`);
    throw e;
  }
}

function checkArch(kind: 'generator' | 'discriminator', flag: string, text: string, c: TrainConfig): void {
  const known = kind === 'generator' ? generatorNames() : discriminatorNames();
  const name = naming(flag, () => parseSpec(text).name);
  if (!known.includes(name)) throw new UserError(`${flag} ${text}: unknown ${kind} architecture "${name}" (available: ${known.join(', ')})`);
  const ctx = { zDim: c.zDim, channels: c.grayScale ? 1 : 3, imSize: c.imSize };
  naming(flag, () => { if (kind === 'generator') checkGenerator(text, ctx); else checkDiscriminator(text, ctx); });
}

/** A patch metric or loss whose patches cannot fit the --im_size images is refused now, not at
 *  its first evaluation. */
function checkPatchFit(flag: string, text: string, imSize: number): void {
  if (!text.startsWith('MiniBatchPatchLoss') && !text.startsWith('MiniBatchLocalPatchLoss')) return;
  let p: number;
  try { p = parseMetric(text).params.p as number; } catch (e) {
    if (e instanceof SpecError) throw new UserError(`${flag}: ${e.message}`);
    throw e;
  }
  if (p > imSize) throw new UserError(`${flag} ${text}: patches of ${p}×${p} do not fit images of ${imSize}×${imSize} (--im_size ${imSize}); choose p ≤ ${imSize}`);
}

/** The --full_batch_metrics to evaluate: a patch metric too large for the images is refused
 *  when written by the user, and left out with a note when it came with the default list. */
function fittingMetrics(c: TrainConfig, log: (line: string) => void): string[] {
  const isDefault = c.fullBatchMetrics.length === REFERENCE_FULL_BATCH_METRICS.length && c.fullBatchMetrics.every((t, i) => t === REFERENCE_FULL_BATCH_METRICS[i]);
  return c.fullBatchMetrics.filter((t) => {
    if (!isDefault) { checkPatchFit('--full_batch_metrics', t, c.imSize); return true; }
    try { checkPatchFit('--full_batch_metrics', t, c.imSize); return true; } catch { log(`note: the default full-batch metric ${t} does not fit ${c.imSize}×${c.imSize} images and is left out`); return false; }
  });
}

/** Keys whose flag is not the plain snake_case of the config name. */
const FLAG_NAMES: Record<string, string> = { lrG: 'lrG', lrD: 'lrD', loadG: 'loadG', dStepEvery: 'D_step_every', gStepEvery: 'G_step_every' };

/** The config under train's flag names (as the command line records them), for args.txt of
 *  runs started from the library or the demo. */
export function flagNamed(c: TrainConfig): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(c)) {
    // plotEvery has no flag; gridScaling is the --plain_images switch.
    if (k === 'recordedArgs' || k === 'plotEvery' || v === undefined) continue;
    if (k === 'gridScaling') { if (v === 'plain') out.plain_images = true; continue; }
    out[FLAG_NAMES[k] ?? k.replace(/[A-Z]/g, (ch) => `_${ch.toLowerCase()}`)] = v;
  }
  return out;
}

export async function runTraining(config: TrainConfig, hooks: RunHooks = {}): Promise<RunSummary> {
  const log = hooks.log ?? ((l: string) => process.stderr.write(l + '\n'));
  const c = config;
  validateConfig(c);
  naming('--z_prior', () => parsePrior(c.zPrior)); // a bad --z_prior fails before the data are decoded
  const loss = naming('--loss_function', () => buildLoss(c.lossFunction));
  checkArch('generator', '--gen_arch', c.genArch, c);
  if (loss.needsCritic && c.dStepEvery > 0) checkArch('discriminator', '--disc_arch', c.discArch, c);
  if (!loss.needsCritic && c.gpWeight > 0) throw new UserError(`--gp_weight penalises a critic, but ${c.lossFunction} trains the generator directly without one`);
  if (!loss.needsCritic && c.dStepEvery > 0 && !c.resumeLastCkpt) log(`note: ${c.lossFunction} needs no critic, so none is built (--D_step_every is ignored)`);
  if (loss.needsCritic && c.dStepEvery <= 0) {
    throw new UserError(`--D_step_every ${c.dStepEvery} disables the critic, but ${c.lossFunction} trains the generator through one: give --D_step_every a positive value, or choose a loss without a critic (such as MiniBatchLoss-dist=w1)`);
  }
  checkPatchFit('--loss_function', c.lossFunction, c.imSize);
  const metrics: FullBatchMetric[] = resolveFullBatchMetrics(fittingMetrics(c, log), log);
  const trainName = c.trainName ?? composeRunName({ ...c, zPrior: c.zPrior });
  checkFolderWritable(c.outputsDir, '--outputs_dir');
  const folder = RunFolder.at(c.outputsDir, c.projectName, trainName);
  const mode = { resume: c.resumeLastCkpt, overwrite: c.overwrite };
  folder.checkUsable(mode);
  const resumedArgs = c.resumeLastCkpt ? folder.checkResumedArgs(c.recordedArgs ?? flagNamed(c)) : null;
  if (c.loadG && !existsSync(c.loadG)) throw new UserError(`--loadG: there is no checkpoint file ${c.loadG}`);

  const dataset = await loadImageFolder({ dataPath: c.dataPath, imSize: c.imSize, centerCrop: c.centerCrop, grayScale: c.grayScale, limitData: c.limitData, log });
  if (c.rBs > dataset.count) log(`note: --r_bs ${c.rBs} is larger than the ${dataset.count} images, so each real batch spans several passes over them (images repeat within a batch)`);
  const trainer = new Trainer(c, dataset, loss);
  let elapsedBase = 0;
  if (c.resumeLastCkpt) {
    elapsedBase = restoreCheckpoint(trainer, readCheckpoint<CheckpointMeta>(folder.lastCheckpoint), folder.lastCheckpoint);
    if (trainer.completed >= c.nIterations) {
      throw new UserError(`the run in ${folder.root} already completed ${trainer.completed} iterations; pass a larger --n_iterations to continue it`);
    }
  } else if (c.loadG) {
    loadGenerator(trainer, readCheckpoint<CheckpointMeta>(c.loadG), c.loadG);
  }

  // From here on the run folder is written.
  folder.prepare({ resume: c.resumeLastCkpt });
  const metricsLog = new MetricsLog(folder.metrics);
  if (c.resumeLastCkpt) {
    metricsLog.truncateAfter(trainer.completed);
    log(`resuming ${folder.root} at iteration ${trainer.completed}`);
    if (resumedArgs !== null) folder.writeArgs(resumedArgs); // a longer --n_iterations, another --log_freq, …
  } else {
    folder.writeArgs(c.recordedArgs ?? flagNamed(c));
  }
  if (!trainer.prior.isDiscrete && dataset.count > c.maxEvalImages) {
    log(`evaluations generate ${c.maxEvalImages} images (--max_eval_images) against the ${dataset.count} of the dataset`);
  }
  const generatedCount = trainer.evaluationCount;
  const costBytes = 8 * generatedCount * dataset.count;
  if (metrics.some((m) => m.text.startsWith('MiniBatchLoss-dist=w1')) && costBytes >= 1 << 30) {
    log(`note: each evaluation's W1 between ${generatedCount} generated and ${dataset.count} real images builds a ${(costBytes / 2 ** 30).toFixed(1)} GB cost matrix and can take minutes`);
  }
  const realAll = dataset.all();
  const [ch, h, w] = trainer.imageShape;
  const debugReals = join(folder.images, 'debug_fixed_reals.png');
  if (!existsSync(debugReals)) {
    const idx = trainer.fixedRealIndices;
    await saveImageGrid(debugReals, dataset.batch(idx), [idx.length, ch, h, w], { scaling: c.gridScaling });
  }

  const start = performance.now();
  const now = (): number => Math.round((elapsedBase + (performance.now() - start) / 1000) * 1000) / 1000;
  let trainingSeconds = 0;
  let evaluationSeconds = 0;
  const evaluations: Array<{ iteration: number; values: Record<string, number> }> = [];
  const progress = new Progress({ total: c.nIterations, start: trainer.completed, every: c.plotEvery, tty: hooks.tty ?? process.stderr.isTTY === true, write: log });

  // Plots refresh every plotEvery iterations, but never take more than ~10% of the run's time.
  let plotEndedAt = -Infinity;
  let plotSeconds = 0;
  const refreshPlots = async (force: boolean): Promise<void> => {
    const t0 = performance.now();
    if (!force && (t0 - plotEndedAt) / 1000 < 10 * plotSeconds) return;
    await writePlots(folder.plots, metricsLog.read());
    plotEndedAt = performance.now();
    plotSeconds = (plotEndedAt - t0) / 1000;
  };

  const evaluate = async (): Promise<void> => {
    const r = await runEvaluation(trainer, metrics, realAll, folder.images, c.gridScaling);
    evaluationSeconds += r.seconds;
    metricsLog.append({ iteration: trainer.completed, time: now(), ...r.values });
    evaluations.push({ iteration: trainer.completed, values: r.values });
    const shown = Object.entries(r.values).map(([k, v]) => `${k} ${Number(v.toPrecision(5))}`).join('  ');
    progress.note(`evaluation at iteration ${trainer.completed} (${r.seconds.toFixed(1)} s): ${shown || 'no full-batch metrics'}`);
    hooks.onEvaluation?.(trainer.completed, r.values);
    const content = captureCheckpoint(trainer, now());
    writeCheckpoint(folder.lastCheckpoint, content);
    if (c.saveEvery) writeCheckpoint(folder.checkpointAt(trainer.completed), content);
    await refreshPlots(true);
  };

  const startCompleted = trainer.completed;
  try {
    if (!c.resumeLastCkpt) await evaluate();
    while (trainer.completed < c.nIterations) {
      const t0 = performance.now();
      const scalars = trainer.step();
      const dt = (performance.now() - t0) / 1000;
      trainingSeconds += dt;
      const done = trainer.completed;
      if (done % c.logEvery === 0 && !trainer.window.empty) {
        metricsLog.append({ iteration: done, time: now(), ...trainer.window.means() });
        trainer.window.reset();
      }
      progress.tick(done, dt, scalars);
      if (isEvaluation(done, trainer.schedule)) await evaluate();
      else if (done % c.plotEvery === 0) await refreshPlots(false);
    }
  } finally {
    progress.stop();
  }
  const iterations = trainer.completed - startCompleted;
  const secondsPerIteration = iterations > 0 ? trainingSeconds / iterations : 0;
  log(`training: ${iterations} iterations in ${trainingSeconds.toFixed(1)} s (${secondsPerIteration.toFixed(3)} s/iteration); evaluations: ${evaluations.length} in ${evaluationSeconds.toFixed(1)} s`);
  return { folder: folder.root, iterations, trainingSeconds, secondsPerIteration, evaluationSeconds, evaluations };
}
