/**
 * Entropic transport (`epsilon` > 0): Sinkhorn iterations in the log domain with ε-scaling
 * (start at a large ε, halve it down to the target, warm-starting the dual potentials), so
 * small ε neither overflows nor underflows. The convergence flag is honest: it is true only
 * when the plan's row marginals match a to `tol` (L1) at the target ε; the columns match b
 * exactly after each g update.
 *
 * Owns: the iterations and the plan. Knows nothing of points or training. Weights as in
 * `emd`: arrays, or counts meaning uniform.
 */
import type { Weights } from './lp/emd.js';

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

function weights(w: Weights): Float64Array {
  if (typeof w === 'number') return new Float64Array(w).fill(1 / w);
  const out = Float64Array.from(w as ArrayLike<number>);
  let s = 0;
  for (let i = 0; i < out.length; i++) s += out[i];
  for (let i = 0; i < out.length; i++) out[i] /= s;
  return out;
}

export function sinkhorn(a: Weights, b: Weights, M: Float64Array, epsilon: number, options: SinkhornOptions = {}): SinkhornResult {
  if (!(epsilon > 0) || !Number.isFinite(epsilon)) throw new RangeError(`sinkhorn: epsilon must be a positive number, got ${epsilon}`);
  const wa = weights(a), wb = weights(b);
  const n = wa.length, m = wb.length;
  if (M.length !== n * m) throw new RangeError(`sinkhorn: the cost matrix holds ${M.length} values, not ${n}×${m}`);
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

  let eps = Math.max(epsilon, maxC);
  let iterations = 0;
  let err = Infinity;
  for (;;) {
    const last = eps <= epsilon;
    const cap = last ? maxIter : 100;
    for (let it = 0; it < cap; it++) {
      updateF(eps); updateG(eps); iterations++;
      if (it % 10 === 9 || it === cap - 1) {
        err = rowError(eps);
        if (err < tol) break;
      }
    }
    if (last) break;
    eps = Math.max(epsilon, eps / 2);
  }
  err = rowError(epsilon);
  const plan = new Float64Array(n * m);
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
