// Shared check of an exact transport result: optimal status, at most n + m − 1 entries, exact
// marginals, cost = Σ plan·C = dual objective, dual feasibility. Not a test file itself.
import assert from 'node:assert/strict';
import { densePlan, type emd } from '../../src/ot/lp/emd.js';
import type { Rng } from '../../src/engine/random.js';

export function checkResult(M: Float64Array, n: number, m: number, a: Float64Array, b: Float64Array, r: ReturnType<typeof emd>): void {
  assert.equal(r.status, 'optimal');
  assert.ok(r.plan.mass.length <= n + m - 1, `plan has ${r.plan.mass.length} > n+m-1 entries`);
  const P = densePlan(r, n, m);
  let total = 0, dual = 0;
  for (let i = 0; i < n; i++) { let s = 0; for (let j = 0; j < m; j++) { s += P[i * m + j]; total += P[i * m + j] * M[i * m + j]; } assert.ok(Math.abs(s - a[i]) <= 1e-12, `row ${i} marginal ${s} vs ${a[i]}`); }
  for (let j = 0; j < m; j++) { let s = 0; for (let i = 0; i < n; i++) s += P[i * m + j]; assert.ok(Math.abs(s - b[j]) <= 1e-12, `column ${j} marginal ${s} vs ${b[j]}`); }
  for (let i = 0; i < n; i++) dual += a[i] * r.u[i];
  for (let j = 0; j < m; j++) dual += b[j] * r.v[j];
  const scale = Math.max(1e-300, Math.abs(total));
  assert.ok(Math.abs(total - r.cost) <= 1e-12 * scale + 1e-15, `Σ plan·C ${total} vs cost ${r.cost}`);
  assert.ok(Math.abs(dual - r.cost) <= 1e-9 * scale + 1e-12, `dual objective ${dual} vs cost ${r.cost}`);
  let maxC = 0;
  for (let e = 0; e < M.length; e++) maxC = Math.max(maxC, Math.abs(M[e]));
  for (let i = 0; i < n; i++) for (let j = 0; j < m; j++) assert.ok(r.u[i] + r.v[j] <= M[i * m + j] + 1e-9 * (maxC + 1), 'dual infeasible');
}

/** Euclidean costs (K × N, row-major) between K normal centres and N points drawn around the
 *  first K·share of them (clustered: the balancing start leaves work). `farRow` ≥ 0 moves that
 *  centre far from every point. */
export function clusteredCosts(rng: Rng, K: number, N: number, d: number, o: { share: number; spread: number; farRow?: number }): Float64Array {
  const centres = new Float64Array(K * d), pts = new Float64Array(N * d);
  for (let e = 0; e < centres.length; e++) centres[e] = rng.normal();
  if (o.farRow !== undefined && o.farRow >= 0) for (let t = 0; t < d; t++) centres[o.farRow * d + t] += 40;
  for (let j = 0; j < N; j++) {
    const c = rng.int(Math.max(1, Math.floor(K * o.share)));
    for (let t = 0; t < d; t++) pts[j * d + t] = centres[c * d + t] + o.spread * rng.normal();
  }
  const M = new Float64Array(K * N);
  for (let i = 0; i < K; i++) for (let j = 0; j < N; j++) {
    let s = 0;
    for (let t = 0; t < d; t++) { const z = centres[i * d + t] - pts[j * d + t]; s += z * z; }
    M[i * N + j] = Math.sqrt(s);
  }
  return M;
}
