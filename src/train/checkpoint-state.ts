/**
 * What a checkpoint holds (SPEC §8), and putting it back: a Trainer's state as safetensors
 * tensors plus a JSON document.
 *
 * Tensors: `G.<state_dict name>` and `D.<…>` (PyTorch's dotted names, buffers included),
 * `G_ema.<parameter name>` (the averaged generator), `optG.<parameter name>.exp_avg` /
 * `.exp_avg_sq` and the same for `optD`, `prior.codes` (a const prior's M codes),
 * `eval.codes`, `fixed.codes`, `fixed.real_indices`, `sampler.permutation`.
 * JSON (`discrete_gans` metadata): iteration, elapsed training seconds, the Rng state, the
 * sampler's position, the optimisers' step counts, the open window of logged scalars, and the
 * settings that must match on resume (architectures, prior, sizes).
 *
 * Owns: those names and the compatibility checks of a resume or a `--loadG`. Knows nothing of
 * files (checkpoint.ts) or of the loop (run.ts).
 */
import { Rng, type RngState } from '../engine/random.js';
import type { Module } from '../nn/index.js';
import type { Adam } from '../nn/index.js';
import { UserError } from '../util/errors.js';
import type { ScalarWindowState } from '../report/metrics-log.js';
import type { CheckpointContent } from './checkpoint.js';
import type { SafeTensor } from './safetensors.js';
import type { Trainer } from './trainer.js';

export interface CheckpointMeta {
  iteration: number;
  elapsedSeconds: number;
  rng: RngState;
  sampler: { position: number; epoch: number; hasPermutation: boolean; count: number; batchSize: number };
  optGSteps: number[];
  optDSteps: number[] | null;
  window: ScalarWindowState;
  settings: RunSettings;
}

/** Settings a resumed run must share with the checkpoint. */
export interface RunSettings {
  genArch: string;
  discArch: string | null;
  zDim: number;
  zPrior: string;
  imSize: number;
  channels: number;
  datasetCount: number;
  rBs: number;
  fBs: number;
  lossFunction: string;
}

function f32(data: ArrayLike<number>, shape: readonly number[]): SafeTensor {
  return { data: data instanceof Float32Array ? data : Float32Array.from(data), shape };
}

function moduleTensors(out: Map<string, SafeTensor>, prefix: string, m: Module): void {
  for (const [k, t] of m.stateDict()) out.set(`${prefix}.${k}`, f32(t.data, t.shape));
}

function optimiserTensors(out: Map<string, SafeTensor>, prefix: string, m: Module, opt: Adam): number[] {
  const s = opt.exportState();
  m.namedParameters().forEach(([name, p], i) => {
    out.set(`${prefix}.${name}.exp_avg`, f32(s.expAvg[i], p.shape));
    out.set(`${prefix}.${name}.exp_avg_sq`, f32(s.expAvgSq[i], p.shape));
  });
  return s.steps;
}

export function settingsOf(t: Trainer): RunSettings {
  const c = t.config;
  return {
    genArch: c.genArch, discArch: t.D ? c.discArch : null, zDim: c.zDim, zPrior: t.prior.toString(), imSize: t.imageShape[1],
    channels: t.imageShape[0], datasetCount: t.dataset.count, rBs: c.rBs, fBs: c.fBs, lossFunction: c.lossFunction,
  };
}

export function captureCheckpoint(t: Trainer, elapsedSeconds: number): CheckpointContent<CheckpointMeta> {
  const tensors = new Map<string, SafeTensor>();
  moduleTensors(tensors, 'G', t.G);
  for (const [name, p] of t.G.namedParameters()) tensors.set(`G_ema.${name}`, f32(t.ema.copies.get(name)!, p.shape));
  if (t.D) moduleTensors(tensors, 'D', t.D);
  const optGSteps = optimiserTensors(tensors, 'optG', t.G, t.optG);
  const optDSteps = t.D && t.optD ? optimiserTensors(tensors, 'optD', t.D, t.optD) : null;
  const z = t.config.zDim;
  if (t.prior.codes) tensors.set('prior.codes', f32(t.prior.codes, [t.prior.codes.length / z, z]));
  tensors.set('eval.codes', f32(t.evalCodes, [t.evalCodes.length / z, z]));
  tensors.set('fixed.codes', f32(t.fixedCodes, [t.fixedCodes.length / z, z]));
  tensors.set('fixed.real_indices', { data: Int32Array.from(t.fixedRealIndices), shape: [t.fixedRealIndices.length] });
  const s = t.sampler.getState();
  if (s.permutation) tensors.set('sampler.permutation', { data: Int32Array.from(s.permutation), shape: [s.permutation.length] });
  return {
    tensors,
    meta: {
      iteration: t.completed,
      elapsedSeconds,
      rng: t.rng.getState(),
      sampler: { position: s.position, epoch: s.epoch, hasPermutation: s.permutation !== null, count: s.count, batchSize: s.batchSize },
      optGSteps,
      optDSteps,
      window: t.window.getState(),
      settings: settingsOf(t),
    },
  };
}

function need(tensors: ReadonlyMap<string, SafeTensor>, name: string, path: string): SafeTensor {
  const t = tensors.get(name);
  if (!t) throw new UserError(`the checkpoint ${path} lacks the tensor "${name}"`);
  return t;
}

function prefixed(tensors: ReadonlyMap<string, SafeTensor>, prefix: string): Map<string, ArrayLike<number>> {
  const out = new Map<string, ArrayLike<number>>();
  for (const [k, v] of tensors) if (k.startsWith(prefix + '.')) out.set(k.slice(prefix.length + 1), v.data);
  return out;
}

function loadModule(m: Module, tensors: ReadonlyMap<string, SafeTensor>, prefix: string, path: string): void {
  try {
    m.loadStateDict(prefixed(tensors, prefix));
  } catch (err) {
    throw new UserError(`the checkpoint ${path} does not fit this run's ${prefix === 'G' ? 'generator' : 'critic'} (${err instanceof Error ? err.message : String(err)})`);
  }
}

/** Each setting as the flags that set it. */
const SETTING_FLAGS: Record<keyof RunSettings, string> = {
  genArch: '--gen_arch', discArch: '--disc_arch', zDim: '--z_dim', zPrior: '--z_prior', imSize: '--im_size',
  channels: 'image channels (--gray_scale)', datasetCount: 'images (--data_path, --limit_data)', rBs: '--r_bs', fBs: '--f_bs',
  lossFunction: '--loss_function',
};

function checkSettings(saved: RunSettings, now: RunSettings, path: string, keys: ReadonlyArray<keyof RunSettings>, purpose: string): void {
  for (const k of keys) {
    if (saved[k] === now[k]) continue;
    const flag = SETTING_FLAGS[k];
    const said = flag.startsWith('--') ? `${flag} ${saved[k]}, this run has ${flag} ${now[k]}` : `${saved[k]} ${flag}, this run has ${now[k]}`;
    throw new UserError(`the checkpoint ${path} was made with ${said}; pass the same settings to ${purpose}`);
  }
}

/** Put a whole checkpoint back into `t` (--resume_last_ckpt). Returns the elapsed seconds. */
export function restoreCheckpoint(t: Trainer, content: CheckpointContent<CheckpointMeta>, path: string): number {
  const { tensors, meta } = content;
  checkSettings(meta.settings, settingsOf(t), path, ['genArch', 'discArch', 'zDim', 'zPrior', 'imSize', 'channels', 'datasetCount', 'rBs', 'fBs', 'lossFunction'], 'continue it');
  loadModule(t.G, tensors, 'G', path);
  if (t.D) loadModule(t.D, tensors, 'D', path);
  for (const [name] of t.G.namedParameters()) t.ema.copies.get(name)!.set(need(tensors, `G_ema.${name}`, path).data);
  const restoreOpt = (m: Module, opt: Adam, prefix: string, steps: number[]): void => {
    const names = m.namedParameters().map(([n]) => n);
    opt.importState({
      steps,
      expAvg: names.map((n) => Float32Array.from(need(tensors, `${prefix}.${n}.exp_avg`, path).data)),
      expAvgSq: names.map((n) => Float32Array.from(need(tensors, `${prefix}.${n}.exp_avg_sq`, path).data)),
    });
  };
  restoreOpt(t.G, t.optG, 'optG', meta.optGSteps);
  if (t.D && t.optD && meta.optDSteps) restoreOpt(t.D, t.optD, 'optD', meta.optDSteps);
  if (t.prior.codes) t.prior.setCodes(Float32Array.from(need(tensors, 'prior.codes', path).data));
  t.evalCodes = Float32Array.from(need(tensors, 'eval.codes', path).data);
  t.fixedCodes = Float32Array.from(need(tensors, 'fixed.codes', path).data);
  t.fixedRealIndices = Int32Array.from(need(tensors, 'fixed.real_indices', path).data);
  const perm = meta.sampler.hasPermutation ? Array.from(need(tensors, 'sampler.permutation', path).data) : null;
  t.sampler.setState({ count: meta.sampler.count, batchSize: meta.sampler.batchSize, permutation: perm, position: meta.sampler.position, epoch: meta.sampler.epoch });
  t.rng.setState(meta.rng);
  t.window.setState(meta.window);
  t.completed = meta.iteration;
  return meta.elapsedSeconds;
}

/** `--loadG`: the generator's weights (averaged copy included) and the prior's codes only. */
export function loadGenerator(t: Trainer, content: CheckpointContent<CheckpointMeta>, path: string): void {
  checkSettings(content.meta.settings, settingsOf(t), path, ['genArch', 'zDim', 'zPrior', 'imSize', 'channels'], 'load its generator (--loadG)');
  loadModule(t.G, content.tensors, 'G', path);
  for (const [name] of t.G.namedParameters()) {
    const ema = content.tensors.get(`G_ema.${name}`);
    t.ema.copies.get(name)!.set(ema ? ema.data : content.tensors.get(`G.${name}`)!.data);
  }
  if (t.prior.codes) {
    t.prior.setCodes(Float32Array.from(need(content.tensors, 'prior.codes', path).data));
    t.evalCodes = t.prior.codes.slice();
    // The debug batch is redrawn from the loaded codes (a fixed stream, so runs repeat).
    t.fixedCodes = t.prior.sample(t.config.fBs, new Rng(t.config.seed));
  }
}
