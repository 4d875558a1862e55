/**
 * Entropic transport (`epsilon` > 0): Sinkhorn iterations with ε-scaling (start at a large ε,
 * halve it down to the target, warm-starting the dual potentials), stabilised by absorption
 * (Schmitzer's scheme: potentials f, g in the log domain, a kernel rebuilt from them, and cheap
 * multiplicative scalings in between that are absorbed into f, g before they over- or
 * underflow), so small ε neither overflows nor underflows and an iteration costs two products
 * instead of two n×m passes of exp. The convergence flag is honest: it is true only
 * when the plan's row marginals match a to `tol` (L1) at the target ε; the columns match b
 * exactly after each g update.
 *
 * Owns: the iterations and the plan. Knows nothing of points or training. Weights as in
 * `emd`: arrays, or counts meaning uniform.
 */
import { toWeights, type Weights } from './lp/emd.js';
import { firstNonFinite } from './finite.js';
import { select } from './lp/dual-select.js';

export interface SinkhornOptions {
  /** Iteration cap at the target ε (default 1000); intermediate ε stages run at most 100. */
  maxIter?: number;
  /** L1 marginal error at which to stop (default 1e-9). */
  tol?: number;
}

export interface SinkhornResult {
  /** Σ P·M for the entropic plan P (as POT's sinkhorn2). */
  readonly cost: number;
  /** Dense n×m plan. */
  readonly plan: Float64Array;
  /** Dual potentials f (n) and g (m). */
  readonly f: Float64Array;
  readonly g: Float64Array;
  readonly converged: boolean;
  readonly iterations: number;
  readonly marginalError: number;
}

/** ε-scaling's first ε is at most this many times the median cost (see sinkhorn). */
const EPS_RANGE = 1e6;

/** The median of |M| over at most 65,536 evenly spaced entries. */
function sampledMedianAbs(M: Float64Array): number {
  const step = Math.max(1, Math.floor(M.length / 65536));
  const sample = new Float64Array(Math.ceil(M.length / step));
  for (let e = 0, k = 0; e < M.length; e += step) sample[k++] = Math.abs(M[e]);
  const k = sample.length >> 1;
  select(sample, k);
  return sample[k];
}

/** Weights as a distribution (summing to 1) and their sum before normalising; a RangeError
 *  names any count or weight that is not usable. */
function weights(w: Weights, name: 'a' | 'b'): { w: Float64Array; sum: number } {
  if (typeof w === 'number') {
    if (!(Number.isInteger(w) && w >= 1)) throw new RangeError(`sinkhorn: ${name} must be a positive count or an array of weights, got ${w}`);
    return { w: new Float64Array(w).fill(1 / w), sum: 1 };
  }
  const out = toWeights(w, w.length, name, 'sinkhorn');
  let s = 0;
  for (let i = 0; i < out.length; i++) s += out[i];
  if (!(s > 0)) throw new RangeError(`sinkhorn: the weights ${name} need a positive sum (got ${s} over ${out.length} points)`);
  for (let i = 0; i < out.length; i++) out[i] /= s;
  return { w: out, sum: s };
}

/**
 * Entropic transport between weights a (n) and b (m) for the n×m row-major cost M. Weights are
 * counts (uniform) or arrays with equal positive sums, normalised to sum 1: the plan has unit
 * mass. Every cost must be finite; maxIter ≥ 1 and tol > 0 (RangeErrors otherwise).
 */
export function sinkhorn(a: Weights, b: Weights, M: Float64Array, epsilon: number, options: SinkhornOptions = {}): SinkhornResult {
  if (!(epsilon > 0) || !Number.isFinite(epsilon)) throw new RangeError(`sinkhorn: epsilon must be a positive number, got ${epsilon}`);
  const A = weights(a, 'a'), B = weights(b, 'b');
  if (Math.abs(A.sum - B.sum) > 1e-7 * Math.max(A.sum, B.sum)) throw new RangeError(`sinkhorn: the weights must have equal sums (got ${A.sum} and ${B.sum})`);
  const wa = A.w, wb = B.w;
  const n = wa.length, m = wb.length;
  if (M.length !== n * m) throw new RangeError(`sinkhorn: the cost matrix holds ${M.length} values, not ${n}×${m}`);
  for (let q = 0; q < M.length; q += 1 << 18) {
    const k = firstNonFinite(M, q, Math.min(M.length, q + (1 << 18)));
    if (k >= 0) throw new RangeError(`sinkhorn: the cost matrix holds a NaN or infinite value (at index ${k})`);
  }
  if (options.maxIter !== undefined && !(Number.isInteger(options.maxIter) && options.maxIter >= 1)) throw new RangeError(`sinkhorn: maxIter must be a positive integer, got ${options.maxIter}`);
  if (options.tol !== undefined && !(options.tol > 0 && Number.isFinite(options.tol))) throw new RangeError(`sinkhorn: tol must be a positive number, got ${options.tol}`);
  const maxIter = options.maxIter ?? 1000;
  const tol = options.tol ?? 1e-9;
  const la = wa.map((v) => (v > 0 ? Math.log(v) : -Infinity));
  const lb = wb.map((v) => (v > 0 ? Math.log(v) : -Infinity));
  const f = new Float64Array(n), g = new Float64Array(m);
  let maxC = 0;
  for (let e = 0; e < M.length; e++) if (Math.abs(M[e]) > maxC) maxC = Math.abs(M[e]);
  const colTmp = new Float64Array(m);

  const updateF = (eps: number): void => {
    for (let i = 0; i < n; i++) {
      const o = i * m;
      let mx = -Infinity;
      for (let j = 0; j < m; j++) { const t = (g[j] - M[o + j]) / eps + lb[j]; colTmp[j] = t; if (t > mx) mx = t; }
      let s = 0;
      for (let j = 0; j < m; j++) s += Math.exp(colTmp[j] - mx);
      f[i] = -eps * (mx + Math.log(s));
    }
  };
  const mx2 = new Float64Array(m), s2 = new Float64Array(m);
  const updateG = (eps: number): void => {
    mx2.fill(-Infinity); s2.fill(0);
    for (let i = 0; i < n; i++) {
      const o = i * m, fi = f[i] / eps + la[i];
      for (let j = 0; j < m; j++) { const t = fi - M[o + j] / eps; if (t > mx2[j]) mx2[j] = t; }
    }
    for (let i = 0; i < n; i++) {
      const o = i * m, fi = f[i] / eps + la[i];
      for (let j = 0; j < m; j++) s2[j] += Math.exp(fi - M[o + j] / eps - mx2[j]);
    }
    for (let j = 0; j < m; j++) g[j] = -eps * (mx2[j] + Math.log(s2[j]));
  };
  const rowError = (eps: number): number => {
    let err = 0;
    for (let i = 0; i < n; i++) {
      const o = i * m;
      let s = 0;
      for (let j = 0; j < m; j++) s += Math.exp((f[i] + g[j] - M[o + j]) / eps + la[i] + lb[j]);
      err += Math.abs(s - wa[i]);
    }
    return err;
  };

  // Scaling iterations between absorptions: with K_ij = exp((f_i + g_j − M_ij)/ε) fixed, the
  // log-domain updates are u_i = 1 / Σ_j b_j K_ij v_j and v_j = 1 / Σ_i a_i K_ij u_i (the
  // potentials being f + ε log u and g + ε log v): two products per iteration, no exp. When u or
  // v leave [1e-30, 1e30] (or a sum vanishes) they are absorbed into f and g and K is rebuilt.
  const K = new Float64Array(n * m), u = new Float64Array(n), v = new Float64Array(m);
  const rowSum = new Float64Array(n), colSum = new Float64Array(m);
  /** f += ε log u, g += ε log v (where finite), u = v = 1: K is then stale until rebuilt. */
  const fold = (eps: number): void => {
    for (let i = 0; i < n; i++) { if (u[i] > 0 && Number.isFinite(u[i])) f[i] += eps * Math.log(u[i]); u[i] = 1; }
    for (let j = 0; j < m; j++) { if (v[j] > 0 && Number.isFinite(v[j])) g[j] += eps * Math.log(v[j]); v[j] = 1; }
  };
  const rebuild = (eps: number): void => {
    const inv = 1 / eps;
    for (let i = 0; i < n; i++) {
      const o = i * m, fi = f[i];
      for (let j = 0; j < m; j++) K[o + j] = Math.exp((fi + g[j] - M[o + j]) * inv);
    }
  };
  /** rowSum_i = Σ_j b_j K_ij v_j. */
  const rows = (): void => {
    for (let i = 0; i < n; i++) {
      const o = i * m;
      let t = 0;
      for (let j = 0; j < m; j++) t += K[o + j] * wb[j] * v[j];
      rowSum[i] = t;
    }
  };
  const LIMIT = 1e30;
  /** One u and one v update; false when a sum vanished or a scaling left its range (the
   *  caller absorbs, or falls back to a log-domain update). */
  const scale = (): boolean => {
    rows();
    let ok = true;
    for (let i = 0; i < n; i++) { const t = rowSum[i]; const ui = t > 0 ? 1 / t : Infinity; u[i] = ui; if (!(ui < LIMIT && ui > 1 / LIMIT)) ok = false; }
    colSum.fill(0);
    for (let i = 0; i < n; i++) {
      const o = i * m, c = wa[i] * u[i];
      if (c === 0 || !Number.isFinite(c)) continue;
      for (let j = 0; j < m; j++) colSum[j] += K[o + j] * c;
    }
    for (let j = 0; j < m; j++) { const t = colSum[j]; const vj = t > 0 ? 1 / t : Infinity; v[j] = vj; if (!(vj < LIMIT && vj > 1 / LIMIT)) ok = false; }
    return ok;
  };
  /** L1 error of the row marginals at the current scalings (columns are exact after scale). */
  const scaledRowError = (): number => {
    rows();
    let e = 0;
    for (let i = 0; i < n; i++) e += Math.abs(wa[i] * u[i] * rowSum[i] - wa[i]);
    return e;
  };

  // ε-scaling starts at the largest cost, but at most EPS_RANGE times a typical one: costs
  // spanning many orders of magnitude (one entry at 1e18 among ones) would otherwise give the
  // potentials that magnitude in the first stages, and float64 keeps no digits of the ones.
  const typical = sampledMedianAbs(M);
  let eps = Math.max(epsilon, typical > 0 ? Math.min(maxC, EPS_RANGE * typical) : maxC);
  let iterations = 0;
  let err = Infinity;
  u.fill(1); v.fill(1);
  for (;;) {
    const last = eps <= epsilon;
    const cap = last ? maxIter : 100;
    rebuild(eps);
    for (let it = 0; it < cap; it++) {
      if (!scale()) {
        // Out of range: fold in what is finite, then one log-domain update re-centres f and g.
        fold(eps);
        updateF(eps); updateG(eps);
        rebuild(eps);
      }
      iterations++;
      if (it % 10 === 9 || it === cap - 1) {
        err = scaledRowError();
        if (!Number.isFinite(err)) { fold(eps); rebuild(eps); err = rowError(eps); }
        if (err < tol) break;
      }
    }
    fold(eps); // the potentials themselves, for the next ε and the plan
    if (last) break;
    eps = Math.max(epsilon, eps / 2);
  }
  err = rowError(epsilon);
  const plan = K; // the kernel's storage is free now
  let cost = 0;
  for (let i = 0; i < n; i++) {
    const o = i * m;
    for (let j = 0; j < m; j++) {
      const p = Math.exp((f[i] + g[j] - M[o + j]) / epsilon + la[i] + lb[j]);
      plan[o + j] = p;
      cost += p * M[o + j];
    }
  }
  const converged = Number.isFinite(err) && err < tol;
  return { cost, plan, f, g, converged, iterations, marginalError: err };
}
