/**
 * `emd(a, b, M)`: exact optimal transport, POT's argument order (weights a, weights b, cost M).
 *
 * Owns: checking the weights, turning uniform weights into exact integers (m per source and n
 * per target, so every flow is an integer and marginals are exact), and choosing a solver:
 * the assignment solver for n = m uniform, the few-sources solver for k × N with small k, the
 * network simplex otherwise. A solver that stops early ('max_iter') is reported as such, and
 * `emd2` refuses to return its cost. Knows nothing of points, images or training.
 */
import { networkSimplex, centreDuals, type TransportResult } from './network-simplex.js';
import { assignment } from './assignment.js';
import { fewSources } from './few-sources.js';

export type { TransportResult, SparsePlan, TransportStatus } from './network-simplex.js';

/** Weights: an array of non-negative masses, or a count n meaning uniform 1/n. */
export type Weights = ArrayLike<number> | number;

export const EMD_SOLVERS = ['auto', 'network-simplex', 'assignment', 'few-sources'] as const;
export type EmdSolver = typeof EMD_SOLVERS[number];

export interface EmdOptions {
  /** Force one solver (for tests and benchmarks); 'auto' picks by shape. */
  solver?: EmdSolver;
  /** Pivot cap for the network simplex; 0 (default) means none. */
  maxIter?: number;
}

/** Few-sources solver is used when the small side has at most this many points … */
const FEW_MAX = 512;
/** … and the large side is at least this many times bigger. */
const FEW_RATIO = 8;

function isUniform(w: Weights): w is number {
  return typeof w === 'number';
}

/**
 * Exact transport plan between weights a (n) and b (m) for the n×m row-major cost M.
 * Uniform weights (given as counts) are solved in exact integer units and scaled back.
 */
export function emd(a: Weights, b: Weights, M: Float64Array, options: EmdOptions = {}): TransportResult {
  const n = isUniform(a) ? a : a.length;
  const m = isUniform(b) ? b : b.length;
  if (!Number.isInteger(n) || !Number.isInteger(m) || n <= 0 || m <= 0) throw new RangeError(`emd: both sides need at least one point (got ${n} and ${m})`);
  if (M.length !== n * m) throw new RangeError(`emd: the cost matrix holds ${M.length} values, not ${n}×${m}`);
  for (let e = 0; e < M.length; e++) if (!Number.isFinite(M[e])) throw new RangeError('emd: the cost matrix holds a NaN or infinite value');
  const uniform = isUniform(a) && isUniform(b);
  let wa: Float64Array, wb: Float64Array, scale: number;
  if (uniform) {
    // m units per source, n per target: totals n·m on both sides, all integers.
    wa = new Float64Array(n).fill(m);
    wb = new Float64Array(m).fill(n);
    scale = n * m;
  } else {
    wa = toWeights(a, n, 'a');
    wb = toWeights(b, m, 'b');
    let sa = 0, sb = 0;
    for (let i = 0; i < n; i++) sa += wa[i];
    for (let j = 0; j < m; j++) sb += wb[j];
    if (!(sa > 0) || Math.abs(sa - sb) > 1e-7 * Math.max(sa, sb)) {
      throw new RangeError(`emd: the weights must have equal positive sums (got ${sa} and ${sb})`);
    }
    scale = 1;
  }
  let solver = options.solver ?? 'auto';
  if (!(EMD_SOLVERS as readonly string[]).includes(solver)) throw new RangeError(`emd: unknown solver "${solver}" (known: ${EMD_SOLVERS.join(', ')})`);
  if (options.maxIter !== undefined && !(Number.isInteger(options.maxIter) && options.maxIter >= 0)) throw new RangeError(`emd: maxIter must be a non-negative integer (0: no cap), got ${options.maxIter}`);
  if (solver === 'auto') {
    if (uniform && n === m) solver = 'assignment';
    else if (Math.min(n, m) <= FEW_MAX && Math.max(n, m) >= FEW_RATIO * Math.min(n, m)) solver = 'few-sources';
    else solver = 'network-simplex';
  }
  let r: TransportResult;
  if (solver === 'assignment') {
    if (!(uniform && n === m)) throw new RangeError('emd: the assignment solver needs n = m uniform weights');
    r = assignment(M, n);
    scale = n; // each assigned pair carries 1/n
  } else if (solver === 'few-sources') {
    r = fewSources(wa, wb, M, n, m);
  } else {
    r = networkSimplex(wa, wb, M, n, m, options.maxIter ?? 0);
  }
  if (scale === 1) return r;
  const mass = r.plan.mass;
  for (let k = 0; k < mass.length; k++) mass[k] /= scale;
  // Duals of the scaled problem are the same (the objective is homogeneous in the masses).
  let cost = 0;
  for (let k = 0; k < mass.length; k++) cost += mass[k] * M[r.plan.rows[k] * m + r.plan.cols[k]];
  centreDuals(r.u, r.v);
  return { ...r, cost };
}

/** The exact transport cost Σ plan·M; throws unless the solver proved optimality. */
export function emd2(a: Weights, b: Weights, M: Float64Array, options: EmdOptions = {}): number {
  const r = emd(a, b, M, options);
  if (r.status !== 'optimal') throw new Error(`emd2: the solver stopped with status ${r.status}; the plan is not optimal`);
  return r.cost;
}

/** The weights as a Float64Array (a count: uniform, 1/len each), every one checked finite and
 *  non-negative; RangeErrors start with `what` (emd, sinkhorn). */
export function toWeights(w: Weights, len: number, name: string, what = 'emd'): Float64Array {
  const out = new Float64Array(len);
  if (typeof w === 'number') return out.fill(1 / len);
  for (let i = 0; i < len; i++) {
    const v = w[i];
    if (!(v >= 0) || !Number.isFinite(v)) throw new RangeError(`${what}: weight ${name}[${i}] = ${v} is not a finite non-negative number`);
    out[i] = v;
  }
  return out;
}

/** Dense n×m plan from a sparse one (for tests and small problems). */
export function densePlan(r: TransportResult, n: number, m: number): Float64Array {
  const P = new Float64Array(n * m);
  for (let k = 0; k < r.plan.mass.length; k++) P[r.plan.rows[k] * m + r.plan.cols[k]] += r.plan.mass[k];
  return P;
}
