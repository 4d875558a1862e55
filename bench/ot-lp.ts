/**
 * The exact LP solvers on their own (issue 6): time and peak memory of one solve, each case in
 * a fresh child process so that its peak resident memory is its own.
 *
 * - network simplex on 2000 × 3000 and 4000 × 4000 (Euclidean costs of random points in 16
 *   dimensions, random non-uniform weights): seconds, pivots, and the growth of the peak
 *   resident set during the solve against the cost matrix's own size (the issue allows one
 *   n × m float64 matrix plus O(n + m) beyond the inputs; the solver should add only O(n + m));
 * - assignment (n = m uniform) on 2000² and 4000² (random points in 64 dimensions): seconds of
 *   the solve, against POT's ot.emd on the same shapes in RESEARCH.md (0.7 s / 4.4 s).
 *
 * Usage: npm run bench ot-lp [--quick]   (--quick skips the 4000 cases)
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { networkSimplex } from '../src/ot/lp/network-simplex.js';
import { assignment } from '../src/ot/lp/assignment.js';
import { Rng } from '../src/engine/random.js';

const POT_ASSIGNMENT_S: Record<number, number> = { 2000: 0.7, 4000: 4.4 };

function euclidean(rng: Rng, n: number, m: number, d: number): Float64Array {
  const x = new Float64Array(n * d), y = new Float64Array(m * d);
  for (let t = 0; t < x.length; t++) x[t] = rng.uniform();
  for (let t = 0; t < y.length; t++) y[t] = rng.uniform();
  const M = new Float64Array(n * m);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < m; j++) {
      let s = 0;
      for (let k = 0; k < d; k++) { const z = x[i * d + k] - y[j * d + k]; s += z * z; }
      M[i * m + j] = Math.sqrt(s);
    }
  }
  return M;
}

function weights(rng: Rng, n: number): Float64Array {
  const w = new Float64Array(n);
  let s = 0;
  for (let i = 0; i < n; i++) { w[i] = 0.5 + rng.uniform(); s += w[i]; }
  for (let i = 0; i < n; i++) w[i] /= s;
  return w;
}

const MB = (bytes: number): string => (bytes / 2 ** 20).toFixed(1);

/** One case, in this (child) process: prints one line. */
function child(kind: string, n: number, m: number): void {
  const rng = new Rng(n * 7919 + m);
  const M = euclidean(rng, n, m, kind === 'ns' ? 16 : 64);
  const a = weights(rng, n), b = weights(rng, m);
  const peak0 = process.resourceUsage().maxRSS * 1024;
  const t = performance.now();
  const r = kind === 'ns' ? networkSimplex(a, b, M, n, m) : assignment(M, n);
  const s = (performance.now() - t) / 1000;
  const growth = process.resourceUsage().maxRSS * 1024 - peak0;
  if (kind === 'ns') {
    console.log(`ot-lp: network simplex ${`${n}×${m}`.padEnd(10)} ${s.toFixed(2).padStart(6)} s  ${r.log.iterations} pivots  ` +
      `peak memory +${MB(growth)} MB during the solve (cost matrix ${MB(M.byteLength)} MB; 9 bytes per entry would be +${MB(9 * n * m)} MB)`);
  } else {
    const pot = POT_ASSIGNMENT_S[n];
    console.log(`ot-lp: assignment ${`${n}×${n}`.padEnd(15)} ${s.toFixed(2).padStart(6)} s  ${r.log.iterations} augmentations  ` +
      `peak memory +${MB(growth)} MB` + (pot ? `  POT ot.emd ${pot} s (RESEARCH.md) → ratio ${(pot / s).toFixed(1)}` : ''));
  }
}

export async function run(args: string[]): Promise<void> {
  if (args[0] === '--child') { child(args[1], Number(args[2]), Number(args[3])); return; }
  const quick = args.includes('--quick');
  const runner = fileURLToPath(new URL('./run.js', import.meta.url));
  const cases: Array<[string, number, number]> = [['ns', 2000, 3000], ['as', 2000, 2000]];
  if (!quick) cases.push(['ns', 4000, 4000], ['as', 4000, 4000]);
  for (const [kind, n, m] of cases) {
    const r = spawnSync(process.execPath, [runner, 'ot-lp', '--child', kind, String(n), String(m)], { encoding: 'utf8' });
    process.stdout.write(r.status === 0 ? r.stdout : `ot-lp: ${kind} ${n}×${m} failed: ${r.stderr}\n`);
  }
}
