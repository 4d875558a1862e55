/**
 * The few-sources exact solver on its own (issue 6): 64 centres against 10,000 and 60,000
 * points (Euclidean costs in 16 dimensions; "mixture": the points gather around 16 of the
 * centres, so the balancing start leaves work; "uniform": points and centres from one box),
 * uniform weights as `emd(64, N, C)` passes them; "weighted": the mixture with masses drawn
 * from 1..4 on both sides (the weighted balancing start). Each case runs in a fresh child process:
 * seconds of the first (cold, as in a one-shot CLI run) and best of 5 solves, augmentations, and the growth of the peak resident set
 * during the first solve against the cost matrix's own size (the issue allows one n × m
 * float64 matrix plus O(n + m) beyond the inputs).
 *
 * Usage: npm run bench few-sources [--quick]   (--quick skips the 60,000 cases)
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { fewSources } from '../src/ot/lp/few-sources.js';
import { Rng } from '../src/engine/random.js';

const K = 64, D = 16;

function costs(rng: Rng, N: number, mixture: boolean): Float64Array {
  const c = new Float64Array(K * D), p = new Float64Array(N * D);
  for (let t = 0; t < c.length; t++) c[t] = rng.normal();
  for (let j = 0; j < N; j++) {
    if (mixture) { const k = rng.int(16); for (let t = 0; t < D; t++) p[j * D + t] = c[k * D + t] + 0.8 * rng.normal(); } else for (let t = 0; t < D; t++) p[j * D + t] = rng.normal();
  }
  const M = new Float64Array(K * N);
  for (let i = 0; i < K; i++) for (let j = 0; j < N; j++) {
    let s = 0;
    for (let t = 0; t < D; t++) { const z = c[i * D + t] - p[j * D + t]; s += z * z; }
    M[i * N + j] = Math.sqrt(s);
  }
  return M;
}

const MB = (bytes: number): string => (bytes / 2 ** 20).toFixed(1);

function child(kind: string, N: number): void {
  const rng = new Rng(N + (kind === 'uniform' ? 2 : 1));
  const M = costs(rng, N, kind !== 'uniform');
  const a = new Float64Array(K).fill(N), b = new Float64Array(N).fill(K); // emd's integer units
  if (kind === 'weighted') {
    for (let i = 0; i < K; i++) a[i] = 1 + rng.int(4);
    for (let j = 0; j < N; j++) b[j] = 1 + rng.int(4);
    const sa = a.reduce((s, v) => s + v, 0), sb = b.reduce((s, v) => s + v, 0);
    for (let i = 0; i < K; i++) a[i] *= sb; // equal totals, in integers
    for (let j = 0; j < N; j++) b[j] *= sa;
  }
  const peak0 = process.resourceUsage().maxRSS * 1024;
  let best = Infinity, first = 0, growth = 0, iterations = 0;
  for (let r = 0; r < 5; r++) {
    const t = performance.now();
    const res = fewSources(a, b, M, K, N);
    const s = (performance.now() - t) / 1000;
    best = Math.min(best, s);
    if (r === 0) { first = s; growth = process.resourceUsage().maxRSS * 1024 - peak0; iterations = res.log.iterations; }
  }
  console.log(`few-sources: ${kind.padEnd(8)} ${K}×${N}`.padEnd(34) + `first ${first.toFixed(3)} s, best ${best.toFixed(3)} s  ${iterations} augmentations  ` +
    `peak memory +${MB(growth)} MB during the first solve (cost matrix ${MB(M.byteLength)} MB)`);
}

export async function run(args: string[]): Promise<void> {
  if (args[0] === '--child') { child(args[1], Number(args[2])); return; }
  const runner = fileURLToPath(new URL('./run.js', import.meta.url));
  const sizes = args.includes('--quick') ? [10000] : [10000, 60000];
  for (const N of sizes) {
    for (const kind of ['mixture', 'uniform', 'weighted']) {
      const r = spawnSync(process.execPath, [runner, 'few-sources', '--child', kind, String(N)], { encoding: 'utf8' });
      process.stdout.write(r.status === 0 ? r.stdout : `few-sources: ${kind} ${K}×${N} failed: ${r.stderr}\n`);
    }
  }
}
