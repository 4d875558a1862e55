/**
 * OT-means (SPEC §7): k centroids that minimise the exact transport cost to N data points with
 * uniform weights 1/k and 1/N, the optimum a discrete WGAN with k codes and a fully connected
 * critic converges to. `otMeans(data, k, options)`.
 *
 * Centroids start as 0.5·N(0, I) drawn from the Rng. Cost C(i, j) = ‖c_i − x_j‖ / d (squared
 * distance clamped at 1e-10 before the square root). Each iteration applies one update:
 * - `mean`: P = exact plan; c_i = k · Σ_j P_ij x_j (the plan-weighted mean of its points);
 * - `weisfeld` (Weiszfeld, `innerSteps` = 5): each step recomputes C and P, then
 *   c_i = Σ_j (P_ij / C_ij) x_j / Σ_j P_ij / C_ij, C and the denominator clipped at 1e-6;
 * - `sgd` (`innerSteps` = 5): Adam steps (lr 1, PyTorch's defaults β = (0.9, 0.999), ε = 1e-8;
 *   one optimiser for the whole run) on Σ P·C with P held fixed.
 * After each iteration the plan of the new centroids is solved; its cost gives the exact W1
 * (= d · Σ P·C) and serves as the first plan of the next iteration, so Weiszfeld solves
 * exactly `innerSteps` problems per iteration. Consecutive problems differ little, so each
 * solve is warm-started by shifting row i of the cost by the previous dual u_i (a row shift
 * changes no plan: each row's mass is fixed) — the few-sources solver's nearest-point start is
 * then almost balanced. The sliced distance uses `swdProjections` directions drawn once per run
 * (data projected and sorted once), so its curve is not noisier than the centroids' motion.
 *
 * Owns: the iteration, the three updates, the warm start. Knows nothing of images or files;
 * the transport itself is `emd` (src/ot/lp).
 */
import { Rng } from '../engine/random.js';
import { emd, type SparsePlan } from './lp/emd.js';
import { CentroidCosts } from './ot-means-cost.js';
import { randomDirections, sorted1dW1 } from './sliced.js';
import { makeSortScratch, radixSortFloat32 } from './sort.js';

export const OT_MEANS_METHODS = ['weisfeld', 'mean', 'sgd'] as const;
export type OtMeansMethod = (typeof OT_MEANS_METHODS)[number];

/** N points of dimension d, row-major float32; or a `fill` that writes them (saves a copy). */
export interface OtMeansData {
  readonly n: number;
  readonly d: number;
  readonly values?: Float32Array;
  readonly fill?: (out: Float32Array) => void;
}

export interface OtMeansIteration {
  /** Completed iterations (0: the starting centroids). */
  readonly iteration: number;
  /** The k×d centroids now (a live view: copy it to keep it). */
  readonly centroids: Float64Array;
  /** Σ P·C with C = ‖c − x‖ / d. */
  readonly otCost: number;
  /** Exact W1 between the centroids and the data (uniform weights): d · otCost. */
  readonly w1: number;
  /** Sliced W1 (fixed directions), or NaN when swdProjections is 0. */
  readonly swd: number;
  /** Exact transport problems solved so far. */
  readonly solves: number;
}

export interface OtMeansOptions {
  method?: OtMeansMethod;
  /** Iterations (default 10). */
  iterations?: number;
  /** Weiszfeld or Adam steps per iteration (default 5). */
  innerSteps?: number;
  /** Source of the starting centroids and the SWD directions (default new Rng(0)). */
  rng?: Rng;
  /** k×d starting centroids instead of 0.5·N(0, I). */
  initial?: ArrayLike<number>;
  /** Directions of the sliced distance (default 128; 0 = not computed). */
  swdProjections?: number;
  /** Adam learning rate for `sgd` (default 1). */
  lr?: number;
  /** Called after the start and after every iteration. */
  onIteration?: (it: OtMeansIteration) => void;
}

export interface OtMeansResult {
  readonly k: number;
  readonly d: number;
  /** Final k×d centroids. */
  readonly centroids: Float32Array;
  /** The exact plan between the final centroids and the data (masses sum to 1). */
  readonly plan: SparsePlan;
  readonly otCost: number;
  readonly w1: number;
  /** One entry per logged state (iteration 0 … iterations), without the centroid arrays. */
  readonly history: ReadonlyArray<Omit<OtMeansIteration, 'centroids'>>;
}

/** Clip applied to costs and denominators in the Weiszfeld step (SPEC §7). */
export const WEISZFELD_CLIP = 1e-6;

export function otMeans(data: OtMeansData, k: number, options: OtMeansOptions = {}): OtMeansResult {
  const { n, d } = data;
  const method = options.method ?? 'weisfeld';
  const iterations = options.iterations ?? 10;
  const inner = options.innerSteps ?? 5;
  const swdProjections = options.swdProjections ?? 128;
  if (!OT_MEANS_METHODS.includes(method)) throw new RangeError(`otMeans: unknown method "${method}" (known: ${OT_MEANS_METHODS.join(', ')})`);
  if (!Number.isInteger(n) || !Number.isInteger(d) || n < 1 || d < 1) throw new RangeError(`otMeans: the data need at least one point of at least one dimension (got ${n}×${d})`);
  if (!Number.isInteger(k) || k < 1 || k > n) throw new RangeError(`otMeans: k must be an integer from 1 to the number of points ${n}, got ${k}`);
  if (!Number.isInteger(iterations) || iterations < 0) throw new RangeError(`otMeans: iterations must be a non-negative integer, got ${iterations}`);
  if (!Number.isInteger(inner) || inner < 1) throw new RangeError(`otMeans: innerSteps must be a positive integer, got ${inner}`);
  const fill = data.fill ?? ((out: Float32Array) => {
    if (!data.values || data.values.length < n * d) throw new RangeError(`otMeans: the data hold fewer than ${n}×${d} values`);
    out.set(data.values.subarray(0, n * d));
  });
  const rng = options.rng ?? new Rng(0);

  const c = new Float64Array(k * d);
  if (options.initial) {
    if (options.initial.length !== k * d) throw new RangeError(`otMeans: initial centroids hold ${options.initial.length} values, not ${k}×${d}`);
    for (let e = 0; e < c.length; e++) c[e] = options.initial[e];
  } else {
    rng.fillNormal(c, 0.5);
  }
  const costs = new CentroidCosts(n, d, k, fill);
  try {
    const sliced = swdProjections > 0 ? new FixedSliced(costs, rng, swdProjections) : null;
    const C = new Float64Array(k * n);
    const shifted = new Float64Array(k * n);
    const u = new Float64Array(k);
    let solves = 0;
    let plan: SparsePlan = { rows: new Int32Array(0), cols: new Int32Array(0), mass: new Float64Array(0) };
    let planCosts = new Float64Array(0);
    let otCost = 0;

    // C and P for the current centroids; warm-started from the previous duals u.
    const solve = (): void => {
      costs.costs(c, d, C);
      let top = -Infinity;
      for (let i = 0; i < k; i++) if (u[i] > top) top = u[i];
      for (let i = 0; i < k; i++) {
        const s = top - u[i], o = i * n; // C ≥ 0, so every entry stays ≥ 0
        for (let j = 0; j < n; j++) shifted[o + j] = C[o + j] + s;
      }
      const r = emd(k, n, shifted);
      if (r.status !== 'optimal') throw new Error(`otMeans: the exact solver ended with status ${r.status}`);
      for (let i = 0; i < k; i++) u[i] += r.u[i];
      plan = r.plan;
      planCosts = new Float64Array(plan.mass.length);
      for (let t = 0; t < planCosts.length; t++) planCosts[t] = C[plan.rows[t] * n + plan.cols[t]];
      otCost = 0;
      for (let t = 0; t < plan.mass.length; t++) otCost += plan.mass[t] * planCosts[t];
      solves++;
    };

    const history: Array<Omit<OtMeansIteration, 'centroids'>> = [];
    const report = (iteration: number): void => {
      const entry = { iteration, otCost, w1: otCost * d, swd: sliced ? sliced.value(c, k) : NaN, solves };
      history.push(entry);
      options.onIteration?.({ ...entry, centroids: c });
    };

    const adam = method === 'sgd' ? new VectorAdam(k * d, options.lr ?? 1) : null;
    const grad = adam ? new Float64Array(k * d) : null;
    solve();
    report(0);
    for (let it = 1; it <= iterations; it++) {
      if (method === 'mean') {
        costs.weightedMeans(plan.rows, plan.cols, plan.mass, 0, c);
      } else if (method === 'weisfeld') {
        for (let s = 0; s < inner; s++) {
          if (s > 0) solve();
          const w = new Float64Array(plan.mass.length);
          for (let t = 0; t < w.length; t++) {
            const ct = planCosts[t];
            w[t] = plan.mass[t] / (ct > WEISZFELD_CLIP ? ct : WEISZFELD_CLIP);
          }
          costs.weightedMeans(plan.rows, plan.cols, w, WEISZFELD_CLIP, c);
        }
      } else if (adam && grad) {
        for (let s = 0; s < inner; s++) {
          planCostGradient(costs, plan, c, d, grad);
          adam.step(c, grad);
        }
      }
      solve();
      report(it);
    }
    const out = new Float32Array(k * d);
    for (let e = 0; e < out.length; e++) out[e] = c[e];
    return { k, d, centroids: out, plan, otCost, w1: otCost * d, history };
  } finally {
    costs.dispose();
  }
}

/** g = ∂/∂c Σ_t P_t ‖c_{i_t} − x_{j_t}‖ / d over the plan's support (P held fixed). */
function planCostGradient(costs: CentroidCosts, plan: SparsePlan, c: Float64Array, d: number, g: Float64Array): void {
  g.fill(0);
  const { rows, cols, mass } = plan;
  const diff = new Float64Array(d);
  for (let t = 0; t < mass.length; t++) {
    if (mass[t] === 0) continue;
    const i = rows[t];
    costs.difference(c, i, cols[t], diff);
    let sq = 0;
    for (let q = 0; q < d; q++) sq += diff[q] * diff[q];
    if (sq <= 1e-10) continue; // the clamped square root is flat there
    const s = mass[t] / (d * Math.sqrt(sq)), a = i * d;
    for (let q = 0; q < d; q++) g[a + q] += s * diff[q];
  }
}

/** Adam on one float64 vector, as torch.optim.Adam (β = (0.9, 0.999), ε = 1e-8). */
class VectorAdam {
  private readonly m: Float64Array;
  private readonly v: Float64Array;
  private t = 0;
  constructor(size: number, private readonly lr: number, private readonly b1 = 0.9, private readonly b2 = 0.999, private readonly eps = 1e-8) {
    this.m = new Float64Array(size);
    this.v = new Float64Array(size);
  }
  step(p: Float64Array, g: Float64Array): void {
    this.t++;
    const { m, v, b1, b2, eps } = this;
    const bc1 = 1 - b1 ** this.t, sqrtBc2 = Math.sqrt(1 - b2 ** this.t);
    const stepSize = this.lr / bc1;
    for (let e = 0; e < p.length; e++) {
      const ge = g[e];
      m[e] = b1 * m[e] + (1 - b1) * ge;
      v[e] = b2 * v[e] + (1 - b2) * ge * ge;
      p[e] -= stepSize * m[e] / (Math.sqrt(v[e]) / sqrtBc2 + eps);
    }
  }
}

/** Sliced W1 against the data with directions fixed for the run (data projected and sorted once). */
class FixedSliced {
  private readonly dirs: Float32Array;
  private readonly sortedData: Float32Array;
  constructor(private readonly costs: CentroidCosts, rng: Rng, private readonly p: number) {
    const { n, d } = costs;
    this.dirs = randomDirections(rng, p, d);
    const proj = costs.projectData(this.dirs, p);
    this.sortedData = new Float32Array(p * n);
    const scratch = makeSortScratch(n);
    const col = new Float32Array(n);
    for (let q = 0; q < p; q++) {
      radixSortFloat32(proj, q, p, n, col, null, scratch);
      this.sortedData.set(col, q * n);
    }
  }

  value(c: Float64Array, k: number): number {
    const { n } = this.costs;
    const { p } = this;
    const proj = this.costs.projectCentroids(c, this.dirs, p);
    const scratch = makeSortScratch(k);
    const xs = new Float32Array(k);
    let total = 0;
    for (let q = 0; q < p; q++) {
      radixSortFloat32(proj, q, p, k, xs, null, scratch);
      total += sorted1dW1(xs, k, this.sortedData.subarray(q * n, (q + 1) * n), n);
    }
    return total / p;
  }
}
