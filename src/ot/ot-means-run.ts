/**
 * The `ot-means` command's run (SPEC §1.3, §7, §8): load the image folder as training does
 * (SPEC §2; `--gray_scale` uses the same formula 0.2989·R + 0.587·G + 0.114·B as training,
 * where the reference's script averages the three channels), run `otMeans`, and write
 * `outputs/[<project_name>/]<train_name>/`:
 * - `args.txt` (the settings under the reference's flag names, JSON);
 * - `images/otMeans-<i>.png`: grid of the first 64 centroids after i completed iterations
 *   (0 = the starting noise), as torchvision's save_image draws it;
 * - `images/centroids/<i>.png`: every final centroid as its own image (any k; i zero-padded);
 * - `metrics.jsonl`: one line per iteration with the keys training uses for its evaluations
 *   (`MiniBatchLoss-dist=w1_fixed_noise_gen_to_train`, `…swd…`), and `ot_cost` = Σ P·C;
 * - `plots/Losses.png`: those three curves (rendered by src/report in a worker thread started
 *   first, so that loading Vega overlaps the computation).
 * Every check (flags, folder, k against the number of images, an existing run) happens before
 * anything is written; each file is written whole (temporary name, then rename).
 *
 * Owns: that orchestration. Knows nothing of flag syntax; the algorithm is ot-means.ts.
 */
import { mkdirSync, existsSync, readdirSync, rmSync, writeFileSync, renameSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { Worker } from 'node:worker_threads';
import cliProgress from 'cli-progress';
import { Rng } from '../engine/random.js';
import { loadImageFolder } from '../data/image-folder.js';
import { encodePng } from '../data/png.js';
import { makeGrid, saveImageGrid } from '../report/grid.js';
import { MetricsLog, type MetricsRecord } from '../report/metrics-log.js';
import { checkFolderWritable } from '../util/folders.js';
import { UserError } from '../util/errors.js';
import { otMeans, OT_MEANS_METHODS, type OtMeansMethod, type OtMeansResult } from './ot-means.js';

export interface OtMeansRunConfig {
  dataPath: string;
  centerCrop?: number;
  limitData?: number;
  grayScale: boolean;
  k: number;
  imSize: number;
  method: OtMeansMethod;
  iterations: number;
  projectName?: string;
  trainName?: string;
  outputsDir: string;
  seed: number;
  overwrite: boolean;
  /** Where notices and per-iteration lines go (default stderr); the progress bar draws on
   *  stderr instead when it is a TTY. */
  log?: (line: string) => void;
  /** Where the final summary (Σ P·C, W1, the folder) goes (default stdout). */
  out?: (line: string) => void;
  tty?: boolean;
  /** false disables the decoded-set cache (tests). */
  cache?: boolean | string;
}

export const W1_KEY = 'MiniBatchLoss-dist=w1_fixed_noise_gen_to_train';
export const SWD_KEY = 'MiniBatchLoss-dist=swd_fixed_noise_gen_to_train';
export const OT_COST_KEY = 'ot_cost';

export function defaultOtMeansName(c: Pick<OtMeansRunConfig, 'dataPath' | 'method' | 'imSize' | 'k'>): string {
  return `${basename(resolve(c.dataPath))}_M-${c.method}_I-${c.imSize}_K-${c.k}`;
}

function checkName(name: string | undefined, flag: string): void {
  if (name !== undefined && (name === '' || /[/\\]/.test(name) || name === '.' || name === '..')) {
    throw new UserError(`${flag} must be a plain folder name, got "${name}"`);
  }
}

/** Write a file whole: a temporary name, then rename. */
function writeWhole(path: string, data: string | Buffer): void {
  writeFileSync(`${path}.tmp`, data);
  renameSync(`${path}.tmp`, path);
}

export async function runOtMeans(c: OtMeansRunConfig): Promise<{ folder: string; result: OtMeansResult }> {
  const t0 = performance.now();
  const log = c.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  if (!OT_MEANS_METHODS.includes(c.method)) throw new UserError(`--min_method must be one of ${OT_MEANS_METHODS.join(', ')}, got "${c.method}"`);
  if (!Number.isInteger(c.k) || c.k < 1) throw new UserError(`--k must be a positive integer, got ${c.k}`);
  if (!Number.isInteger(c.iterations) || c.iterations < 0) throw new UserError(`--n_iters must be a non-negative integer, got ${c.iterations}`);
  checkName(c.projectName, '--project_name');
  checkName(c.trainName, '--train_name');
  const trainName = c.trainName ?? defaultOtMeansName(c);
  checkFolderWritable(c.outputsDir, '--outputs_dir');
  const folder = c.projectName !== undefined ? join(c.outputsDir, c.projectName, trainName) : join(c.outputsDir, trainName);
  if (existsSync(folder) && readdirSync(folder).length > 0 && !c.overwrite) {
    const stopped = existsSync(join(folder, INCOMPLETE));
    throw new UserError(`the output folder ${folder} ${stopped ? 'holds a run that was stopped before it finished' : 'already exists and is not empty'}; pass --overwrite to replace it, or choose another --train_name`);
  }

  const plotter = startPlotter();
  try {
    return await runChecked(c, t0, log, trainName, folder, plotter);
  } finally {
    void plotter?.terminate();
  }
}

/** The file that marks a run folder whose run has not finished. */
export const INCOMPLETE = 'INCOMPLETE.txt';

const dead = new WeakSet<Worker>();

/** The plot worker, or null where worker threads cannot start (then the plot renders here). */
function startPlotter(): Worker | null {
  try {
    const w = new Worker(new URL('./ot-means-plot-worker.js', import.meta.url));
    w.unref(); // never keeps the process alive on its own
    const mark = (): void => { dead.add(w); };
    w.on('error', mark); // then the plot is rendered in this thread instead
    w.on('exit', mark);
    return w;
  } catch {
    return null;
  }
}

async function runChecked(c: OtMeansRunConfig, t0: number, log: (line: string) => void, trainName: string,
  folder: string, plotter: Worker | null): Promise<{ folder: string; result: OtMeansResult }> {
  const ds = await loadImageFolder({
    dataPath: c.dataPath, imSize: c.imSize, centerCrop: c.centerCrop, grayScale: c.grayScale, limitData: c.limitData,
    cache: c.cache, log: (m) => log(`discrete-gans: ${m}`),
  });
  if (c.k > ds.count) {
    throw new UserError(`--k ${c.k} is larger than the number of images (${ds.count}) in ${c.dataPath}${c.limitData !== undefined ? ` with --limit_data ${c.limitData}` : ''}`);
  }

  // Everything is checked: from here on we write.
  if (c.overwrite && existsSync(folder)) rmSync(folder, { recursive: true, force: true });
  const images = join(folder, 'images');
  mkdirSync(join(images, 'centroids'), { recursive: true });
  mkdirSync(join(folder, 'plots'), { recursive: true });
  // The flags under their names, unset ones left out (as train's args.txt).
  const args = Object.fromEntries(Object.entries({
    data_path: c.dataPath, center_crop: c.centerCrop, limit_data: c.limitData, gray_scale: c.grayScale,
    k: c.k, im_size: c.imSize, min_method: c.method, n_iters: c.iterations, project_name: c.projectName,
    train_name: trainName, seed: c.seed, outputs_dir: c.outputsDir, overwrite: c.overwrite,
  }).filter(([, v]) => v !== undefined && v !== null && v !== false));
  // Labels the folder until the last output is written: a run stopped half-way (Ctrl-C) is
  // never taken for a finished one, and a rerun into it says so.
  writeWhole(join(folder, INCOMPLETE), `This OT-means run has not finished (or was stopped): its centroids/ and plots/Losses.png are missing or partial. Rerun with --overwrite to replace it.\n`);
  writeWhole(join(folder, 'args.txt'), JSON.stringify(args, null, 2) + '\n');
  const metrics = new MetricsLog(join(folder, 'metrics.jsonl'));

  const ch = ds.channels, side = ds.size, d = ds.imageLength;
  const shown = Math.min(64, c.k);
  const pending: Promise<void>[] = [];
  const records: MetricsRecord[] = [];
  const tty = c.tty ?? process.stderr.isTTY === true;
  const bar = tty ? new cliProgress.SingleBar({
    format: ' ot-means {bar} {value}/{total} iterations | W1 {w1} | {eta_formatted} left',
    hideCursor: true, stream: process.stderr,
  }, cliProgress.Presets.shades_classic) : null;
  bar?.start(c.iterations, 0, { w1: '-' });

  const index = new Int32Array(ds.count);
  for (let i = 0; i < ds.count; i++) index[i] = i;
  const result = otMeans({ n: ds.count, d, fill: (out) => { ds.batch(index, out); } }, c.k, {
    method: c.method, iterations: c.iterations, rng: new Rng(c.seed),
    onIteration: (it) => {
      const rec: MetricsRecord = {
        iteration: it.iteration, time: Math.round(performance.now() - t0) / 1000, // milliseconds, as training writes
        [W1_KEY]: it.w1, [SWD_KEY]: it.swd, [OT_COST_KEY]: it.otCost,
      };
      metrics.append(rec);
      records.push(rec);
      const batch = new Float32Array(shown * d);
      for (let e = 0; e < batch.length; e++) batch[e] = it.centroids[e];
      const path = join(images, `otMeans-${it.iteration}.png`);
      pending.push(saveImageGrid(`${path}.tmp`, batch, [shown, ch, side, side]).then(() => renameSync(`${path}.tmp`, path)));
      const line = `iteration ${it.iteration}/${c.iterations}  W1 ${it.w1.toPrecision(6)}  SWD ${it.swd.toPrecision(4)}  OT cost ${it.otCost.toPrecision(6)}`;
      if (bar) bar.update(it.iteration, { w1: it.w1.toPrecision(6) });
      else log(line);
    },
  });
  bar?.stop();

  // Every final centroid as its own image, each min-max scaled on its own (as the grids).
  const digits = String(c.k - 1).length;
  for (let i = 0; i < c.k; i++) {
    const grid = makeGrid(result.centroids.subarray(i * d, (i + 1) * d), [1, ch, side, side]);
    writeWhole(join(images, 'centroids', `${String(i).padStart(digits, '0')}.png`), encodePng(grid.data, grid.width, grid.height, 3));
  }
  await Promise.all(pending);
  await writeLossesPlot(join(folder, 'plots', 'Losses.png'), records, plotter);
  rmSync(join(folder, INCOMPLETE), { force: true });
  (c.out ?? ((line: string) => process.stdout.write(`${line}\n`)))(`OT cost Σ P·C = ${result.otCost.toPrecision(8)} (C = ‖c − x‖ / ${d}); W1 = ${result.w1.toPrecision(8)} after ${c.iterations} iterations of ${c.method}; outputs in ${folder} (${((performance.now() - t0) / 1000).toFixed(1)} s)`);
  return { folder, result };
}

/** One panel per logged curve (W1, SWD, OT cost) against the iteration, rendered by src/report. */
async function writeLossesPlot(path: string, records: readonly MetricsRecord[], plotter: Worker | null): Promise<void> {
  const keys = [W1_KEY, SWD_KEY, OT_COST_KEY];
  const panels = keys.map((key) => {
    const values = records.filter((r) => Number.isFinite(r[key])).map((r) => ({ iteration: r.iteration, value: r[key] }));
    const last = values[values.length - 1];
    return {
      width: 360, height: 220,
      title: { text: `${key} (last ${last ? Number(last.value.toPrecision(6)) : '-'})`, fontSize: 12 },
      data: { values },
      mark: { type: 'line', point: { filled: true, size: 40, color: '#d62728' }, color: '#d62728' },
      encoding: {
        x: { field: 'iteration', type: 'quantitative', title: 'iteration', axis: { tickMinStep: 1, format: 'd' } },
        y: { field: 'value', type: 'quantitative', title: key.replace('_fixed_noise_gen_to_train', ''), scale: { zero: false } },
      },
    };
  });
  const spec = { background: 'white', hconcat: panels };
  if (plotter !== null && await renderInWorker(plotter, path, spec)) return;
  const { renderSvg, svgToPng } = await import('../report/plots.js');
  writeWhole(path, await svgToPng(await renderSvg(spec as unknown as Parameters<typeof renderSvg>[0])));
}

/** true once the worker wrote the plot; false if it failed (the caller then renders here). */
function renderInWorker(plotter: Worker, path: string, spec: object): Promise<boolean> {
  if (dead.has(plotter)) return Promise.resolve(false);
  return new Promise((resolvePromise) => {
    const done = (ok: boolean): void => {
      plotter.off('message', onMessage); plotter.off('error', onEnd); plotter.off('exit', onEnd);
      plotter.unref();
      resolvePromise(ok);
    };
    const onMessage = (m: { ok: boolean }): void => done(m.ok);
    const onEnd = (): void => done(false);
    plotter.on('message', onMessage);
    plotter.on('error', onEnd);
    plotter.on('exit', onEnd);
    plotter.ref(); // keep the process alive until the answer
    plotter.postMessage({ path, spec });
  });
}
