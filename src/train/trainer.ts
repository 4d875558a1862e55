/**
 * The state of one training run and its iteration (SPEC §5): the seeded Rng, the prior, the
 * generator and critic with their Adam optimisers, the EMA copy of the generator, the real
 * batch sampler, and the fixed code batches. `step()` performs exactly one iteration:
 *
 *   draw a real batch and f_bs codes; if the critic is enabled and iteration % D_step_every
 *   == 0: critic step on detached fakes (+ gradient penalty), then weight clipping; if
 *   iteration % G_step_every == 0: fresh codes (unless --no_fake_resample) and a generator
 *   step; then the EMA update.
 *
 * Random draws happen in a fixed order from one Rng: the const prior's codes first, then the
 * networks' initialisation (G, then D), the fixed debug codes, the evaluation codes of a
 * continuous prior, the fixed real batch, then the training draws. Evaluations draw from an
 * Rng of their own (seeded by the run's seed and the iteration), so the training stream — and
 * hence a resumed run — does not depend on when evaluations happen.
 *
 * Owns: the iteration and the run's live objects. Knows nothing of files (checkpoint-state.ts
 * turns this state into checkpoint tensors; run.ts writes outputs).
 */
import { Rng, Tensor, tensor, noGrad, grad, add } from '../engine/index.js';
import { Adam, applySpectralNorm, buildDiscriminator, buildGenerator, type Module } from '../nn/index.js';
import { BatchSampler } from '../data/sampler.js';
import type { ImageDataset } from '../data/dataset.js';
import type { GanLoss } from '../losses/types.js';
import { drawAlphas, gradientPenalty } from '../losses/gradient-penalty.js';
import { ScalarWindow } from '../report/metrics-log.js';
import type { TrainConfig } from './config.js';
import { Prior, parsePrior } from './prior.js';
import { ParameterAverage, clipParameters } from './parameter-ops.js';
import { isCriticStep, isGeneratorStep, type ScheduleOptions } from './schedule.js';

/** Generated images per forward pass at evaluation (bounds memory). */
const EVAL_CHUNK = 256;

export class Trainer {
  readonly rng: Rng;
  readonly prior: Prior;
  readonly G: Module;
  readonly D: Module | null;
  readonly optG: Adam;
  readonly optD: Adam | null;
  readonly ema: ParameterAverage;
  readonly sampler: BatchSampler;
  readonly window = new ScalarWindow();
  readonly schedule: ScheduleOptions;
  /** The f_bs codes of the debug grid, drawn once. */
  fixedCodes: Float32Array;
  /** The codes every evaluation generates from. */
  evalCodes: Float32Array;
  /** Indices of the fixed real batch shown once as images/debug_fixed_reals.png. */
  fixedRealIndices: Int32Array;
  /** Completed iterations. */
  completed = 0;
  readonly imageShape: readonly [number, number, number];

  constructor(readonly config: TrainConfig, readonly dataset: ImageDataset, readonly loss: GanLoss) {
    const c = config;
    this.rng = new Rng(c.seed);
    this.prior = new Prior(parsePrior(c.zPrior), c.zDim, this.rng);
    this.imageShape = [dataset.channels, dataset.size, dataset.size];
    const ctx = { zDim: c.zDim, channels: dataset.channels, imSize: dataset.size, rng: this.rng };
    this.G = buildGenerator(c.genArch, ctx);
    const criticOn = loss.needsCritic && c.dStepEvery > 0;
    this.D = criticOn ? buildDiscriminator(c.discArch, ctx) : null;
    if (this.D && c.spectralNormalization) applySpectralNorm(this.D, this.rng);
    this.optG = new Adam(this.G.parameters(), { lr: c.lrG, betas: [0.5, 0.9] });
    this.optD = this.D ? new Adam(this.D.parameters(), { lr: c.lrD, betas: [0.5, 0.9] }) : null;
    this.ema = new ParameterAverage(this.G.namedParameters(), c.avgUpdateFactor);
    this.fixedCodes = this.prior.sample(c.fBs, this.rng);
    this.evalCodes = this.prior.evaluationCodes(this.prior.evaluationCount(dataset.count, c.maxEvalImages), this.rng);
    const perm = this.rng.permutation(dataset.count);
    this.fixedRealIndices = perm.slice(0, Math.min(dataset.count, c.rBs));
    this.sampler = new BatchSampler(dataset.count, c.rBs, this.rng);
    this.schedule = { dStepEvery: criticOn ? c.dStepEvery : 0, gStepEvery: c.gStepEvery, logFreq: c.logFreq, nIterations: c.nIterations };
    this.G.train();
    this.D?.train();
  }

  get evaluationCount(): number {
    return this.evalCodes.length / this.config.zDim;
  }

  private codes(b: number): Tensor {
    return tensor(this.prior.sample(b, this.rng), [b, this.config.zDim]);
  }

  private realBatch(): Tensor {
    const idx = this.sampler.next();
    const [c, h, w] = this.imageShape;
    return tensor(this.dataset.batch(idx), [idx.length, c, h, w]);
  }

  /** One iteration; returns the scalars it logged (also added to the window). */
  step(): Record<string, number> {
    const c = this.config;
    const it = this.completed;
    const scalars: Record<string, number> = {};
    const real = this.realBatch();
    let z = this.codes(c.fBs);
    if (this.D && this.optD && isCriticStep(it, this.schedule)) {
      const D = this.D;
      const fake = noGrad(() => this.G.forward(z)).detach();
      const scoreFn = (x: Tensor): Tensor => D.forward(x);
      const out = this.loss.criticLoss(scoreFn(real), scoreFn(fake), this.rng);
      Object.assign(scalars, out.scalars);
      let total = out.loss;
      if (c.gpWeight > 0) {
        const alphas = drawAlphas(real.shape[0], c.gpOneAlpha, this.rng);
        const gp = gradientPenalty(scoreFn, real, fake, alphas, c.gpWeight);
        total = add(total, gp.penalty);
        scalars.gradient_norm = gp.gradientNorm;
        if (out.scalars.W1 !== undefined) scalars['normalized W1'] = out.scalars.W1 / gp.gradientNorm;
      }
      const params = D.parameters();
      this.optD.step(grad([total], params, { allowUnused: true }));
      if (c.weightClipping !== undefined) clipParameters(D.namedParameters(), c.weightClipping);
    }
    if (isGeneratorStep(it, this.schedule)) {
      if (!c.noFakeResample) z = this.codes(c.fBs);
      const fake = this.G.forward(z);
      const out = this.loss.generatorLoss({ scoresFake: this.D ? this.D.forward(fake) : undefined, real, fake, rng: this.rng });
      Object.assign(scalars, out.scalars);
      this.optG.step(grad([out.loss], this.G.parameters(), { allowUnused: true }));
    }
    this.ema.update();
    this.completed++;
    this.window.add(scalars);
    return scalars;
  }

  /** G (with the EMA weights, in evaluation mode) on `codes` (n·zDim values): n images, NCHW. */
  generate(codes: Float32Array): Float32Array {
    const z = this.config.zDim;
    const n = codes.length / z;
    const per = this.imageShape[0] * this.imageShape[1] * this.imageShape[2];
    const out = new Float32Array(n * per);
    this.G.eval();
    try {
      this.ema.withAveraged(() => noGrad(() => {
        for (let s = 0; s < n; s += EVAL_CHUNK) {
          const b = Math.min(EVAL_CHUNK, n - s);
          const y = this.G.forward(tensor(codes.subarray(s * z, (s + b) * z), [b, z]));
          out.set(y.data, s * per);
        }
      }));
    } finally {
      this.G.train();
    }
    return out;
  }

  /** The Rng an evaluation at `completed` iterations draws from (random projections, …). */
  evaluationRng(): Rng {
    return new Rng(((this.config.seed * 1_000_003) ^ (this.completed * 7919 + 12345)) | 0);
  }
}
