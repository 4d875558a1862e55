/**
 * The metric names of SPEC §6 as `Name-key=value` strings: `MiniBatchLoss-dist=w1`,
 * `MiniBatchPatchLoss-dist=swd-p=16-s=1`, `MiniBatchLocalPatchLoss-dist=full_dim_swd-p=16-s=8`,
 * `MiniBatchLoss-dist=w1-epsilon=0.1`, … parsed once into an object that evaluates the
 * distance between generated images x and data y (NCHW, flattened), with the gradient with
 * respect to x for the losses that have one (w1, swd, full_dim_swd).
 *
 * - MiniBatchLoss: the distance between flattened images (d = c·h·w).
 * - MiniBatchPatchLoss (p, s): between the pooled sets of all P×P patches at stride S.
 * - MiniBatchLocalPatchLoss (p, s): between the patch sets at each position, averaged.
 * Keys per distance: w1 (epsilon = 0; max_iter = 1000, Sinkhorn's cap when epsilon > 0, ours;
 * b = block rows, accepted for compatibility: costs are always built in blocks), swd and full_dim_swd (num_proj = 128), projected_w1
 * (dim = 64, num_proj = 16), nn, fd, mmd (sigma = 0.1). Patch losses: p = 8, s = 4 by default.
 *
 * Owns: names, keys, defaults and the patch pooling. Knows nothing of training or files.
 */
import type { Rng } from '../engine/random.js';
import { parseSpec, resolveSpec, SpecError, type SpecKind, type SpecValue } from '../util/named-spec.js';
import { swd, swdF32, fullDimSwd, type DistanceResult } from './sliced.js';
import { w1, projectedW1, nearestNeighbour, frechetDistance, mmd } from './distances.js';
import { unfold, unfoldAt, fold, patchGrid } from './patches.js';
import { allocF32, releaseF32 } from './gemm.js';
import { checkPointSets, type Points } from './cost.js';

export interface ImageSetShape {
  /** Number of images in x (generated) and y (data). */
  readonly n: number;
  readonly m: number;
  readonly c: number;
  readonly h: number;
  readonly w: number;
}

export interface Metric {
  /** The string as given. */
  readonly text: string;
  readonly kind: 'MiniBatchLoss' | 'MiniBatchPatchLoss' | 'MiniBatchLocalPatchLoss';
  readonly dist: DistName;
  /** Resolved keys with defaults. */
  readonly params: Readonly<Record<string, SpecValue>>;
  /** Whether evaluateWithGradient is available. */
  readonly differentiable: boolean;
  /** x and y may be float32 or float64 (whole-image distances then run on the values as
   *  given; patch sets are built in float32). */
  evaluate(x: Points, y: Points, shape: ImageSetShape, rng: Rng, warn?: (message: string) => void): number;
  evaluateWithGradient(x: Points, y: Points, shape: ImageSetShape, rng: Rng): { value: number; gradX: Float32Array };
}

export const DIST_NAMES = ['w1', 'swd', 'full_dim_swd', 'projected_w1', 'nn', 'fd', 'mmd'] as const;
export type DistName = (typeof DIST_NAMES)[number];
const KINDS = ['MiniBatchLoss', 'MiniBatchPatchLoss', 'MiniBatchLocalPatchLoss'] as const;

const DIST_KEYS: Record<DistName, { defaults: Record<string, SpecValue>; kinds: Record<string, SpecKind> }> = {
  w1: { defaults: { epsilon: 0, max_iter: 1000, b: 0 }, kinds: { epsilon: 'float', max_iter: 'int', b: 'int' } },
  swd: { defaults: { num_proj: 128 }, kinds: { num_proj: 'int' } },
  full_dim_swd: { defaults: { num_proj: 128 }, kinds: { num_proj: 'int' } },
  projected_w1: { defaults: { dim: 64, num_proj: 16 }, kinds: { dim: 'int', num_proj: 'int' } },
  nn: { defaults: {}, kinds: {} },
  fd: { defaults: {}, kinds: {} },
  mmd: { defaults: { sigma: 0.1 }, kinds: { sigma: 'float' } },
};
const DIFFERENTIABLE = new Set<DistName>(['w1', 'swd', 'full_dim_swd']);

type PointDistance = (x: Points, n: number, y: Points, m: number, d: number, rng: Rng, grad: boolean) => DistanceResult;

function pointDistance(dist: DistName, params: Record<string, SpecValue>): PointDistance {
  switch (dist) {
    case 'w1': return (x, n, y, m, d, _r, g) => w1(x, n, y, m, d, { epsilon: params.epsilon as number, maxIter: params.max_iter as number }, g);
    case 'swd': return (x, n, y, m, d, r, g) => swd(x, n, y, m, d, r, params.num_proj as number, g);
    case 'full_dim_swd': return (x, n, y, m, d, r, g) => fullDimSwd(x, n, y, m, d, r, params.num_proj as number, g);
    case 'projected_w1': return (x, n, y, m, d, r) => projectedW1(x, n, y, m, d, r, params.dim as number, params.num_proj as number);
    case 'nn': return (x, n, y, m, d) => nearestNeighbour(x, n, y, m, d);
    case 'fd': return (x, n, y, m, d) => frechetDistance(x, n, y, m, d);
    case 'mmd': return (x, n, y, m, d) => mmd(x, n, y, m, d, params.sigma as number);
  }
}

/** Parse a metric string; SpecError naming the string for unknown names, keys or values. */
export function parseMetric(text: string): Metric {
  if (typeof text === 'string' && text.includes(',')) throw new SpecError(`"${text}": give several metric strings separated by spaces, not commas`);
  const spec = parseSpec(text);
  if (!(KINDS as readonly string[]).includes(spec.name)) {
    throw new SpecError(`"${text}": unknown metric "${spec.name}" (known: ${KINDS.join(', ')})`);
  }
  const kind = spec.name as Metric['kind'];
  const distText = spec.raw.get('dist');
  if (distText === undefined) {
    const other = [...spec.raw.keys()];
    throw new SpecError(`"${text}": the key dist is required (one of ${DIST_NAMES.join(', ')})` + (other.length ? `; got only ${other.map((k) => `"${k}"`).join(', ')} (keys are case-sensitive)` : ''));
  }
  if (!(DIST_NAMES as readonly string[]).includes(distText)) throw new SpecError(`"${text}": dist must be one of ${DIST_NAMES.join(', ')}, got "${distText}"`);
  const dist = distText as DistName;
  const patch = kind !== 'MiniBatchLoss';
  const defaults: Record<string, SpecValue> = { dist: distText, ...DIST_KEYS[dist].defaults, ...(patch ? { p: 8, s: 4 } : {}) };
  const kinds: Record<string, SpecKind> = { dist: 'string', ...DIST_KEYS[dist].kinds, ...(patch ? { p: 'int', s: 'int' } : {}) };
  const params = resolveSpec(spec, defaults, kinds);
  for (const key of ['num_proj', 'dim', 'p', 's', 'max_iter'] as const) {
    if (key in params && !((params[key] as number) >= 1)) throw new SpecError(`"${text}": ${key} must be at least 1`);
  }
  if ('epsilon' in params && !((params.epsilon as number) >= 0)) throw new SpecError(`"${text}": epsilon must be zero or positive`);
  if ('sigma' in params && !((params.sigma as number) > 0)) throw new SpecError(`"${text}": sigma must be positive`);
  const inner = pointDistance(dist, params);
  const differentiable = DIFFERENTIABLE.has(dist);
  // Sinkhorn runs that missed their tolerance during one evaluation (one per patch position
  // for local patch losses), reported once at its end.
  let unconverged = 0, runs = 0, worstError = 0, lastIterations = 0, tolerance = 0;
  const fn: PointDistance = (x, n, y, m, d, r, g) => {
    const res = inner(x, n, y, m, d, r, g);
    if (res.sinkhorn) {
      runs++;
      if (!res.sinkhorn.converged) { unconverged++; worstError = Math.max(worstError, res.sinkhorn.marginalError); lastIterations = res.sinkhorn.iterations; tolerance = res.sinkhorn.tol; }
    }
    return res;
  };
  const report = (warn: ((message: string) => void) | undefined): void => {
    if (unconverged > 0 && warn) {
      const where = runs > 1 ? ` in ${unconverged} of its ${runs} transport problems` : '';
      warn(`${text}: Sinkhorn did not converge${where} within max_iter=${params.max_iter} iterations at epsilon ${params.epsilon} (${lastIterations} with the ε-scaling stages; marginal error ${worstError.toExponential(1)}, tolerance ${tolerance.toExponential(0)}); the value is approximate (raise max_iter, or use a larger epsilon)`);
    }
    unconverged = runs = 0; worstError = 0;
  };

  const run = (x: Points, y: Points, shape: ImageSetShape, rng: Rng, grad: boolean): { value: number; gradX: Float64Array | null } => {
    const { n, m, c, h, w } = shape;
    const d = c * h * w;
    if (!(n >= 1 && m >= 1)) throw new RangeError(`${text}: both image sets must be non-empty (got ${n} and ${m})`);
    if (x.length !== n * d || y.length !== m * d) throw new RangeError(`${text}: the arrays hold ${x.length} and ${y.length} values, not ${n} and ${m} images of ${c}×${h}×${w}`);
    if (kind === 'MiniBatchLoss') return fn(x, n, y, m, d, rng, grad);
    checkPointSets(dist, x, n, y, m, d); // once here: the patch sets are copies of these values
    const p = params.p as number, s = params.s as number;
    const img = { c, h, w };
    const { oh, ow, dim } = patchGrid(img, p, s);
    const L = oh * ow;
    if (kind === 'MiniBatchPatchLoss') {
      // Patch sets are large (153,664 × 256 for 64 images of 64×64 at p=16, s=1): build them
      // where the fast product reads them in place, and hand the memory back afterwards.
      const px = unfold(x, n, img, p, s, -1, allocF32), py = unfold(y, m, img, p, s, -1, allocF32);
      let r: { value: number; gradX: Float32Array | Float64Array | null };
      try {
        // swd keeps its patch gradient (n·L × dim) in float32 scratch: no float64 copy of it.
        r = dist === 'swd' ? swdF32(px, n * L, py, m * L, dim, rng, params.num_proj as number, grad) : fn(px, n * L, py, m * L, dim, rng, grad);
      } finally { releaseF32(py); releaseF32(px); }
      let gradX: Float64Array | null = null;
      if (r.gradX) {
        gradX = new Float64Array(n * d);
        fold(r.gradX, n, img, p, s, gradX);
        if (r.gradX instanceof Float32Array) releaseF32(r.gradX);
      }
      return { value: r.value, gradX };
    }
    let total = 0;
    const gradX = grad ? new Float64Array(n * d) : null;
    // One pair of patch buffers, refilled at each position (where the fast product reads them).
    const px = allocF32(n * dim), py = allocF32(m * dim);
    try {
      for (let l = 0; l < L; l++) {
        unfoldAt(x, n, img, p, s, l, px);
        unfoldAt(y, m, img, p, s, l, py);
        const r = fn(px, n, py, m, dim, rng, grad);
        total += r.value;
        if (gradX && r.gradX) {
          for (let k = 0; k < r.gradX.length; k++) r.gradX[k] /= L;
          fold(r.gradX, n, img, p, s, gradX, l);
        }
      }
    } finally { releaseF32(py); releaseF32(px); }
    return { value: total / L, gradX };
  };

  return {
    text, kind, dist, params, differentiable,
    evaluate: (x, y, shape, rng, warn) => {
      try { return run(x, y, shape, rng, false).value; } finally { report(warn); }
    },
    evaluateWithGradient: (x, y, shape, rng) => {
      if (!differentiable) throw new Error(`${text}: ${dist} has no gradient (only w1, swd and full_dim_swd do)`);
      try {
        const r = run(x, y, shape, rng, true);
        return { value: r.value, gradX: new Float32Array(r.gradX!) };
      } finally { report(undefined); }
    },
  };
}
