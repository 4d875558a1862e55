/**
 * Optimal transport speed (issue 6), ours and POT's side by side in one run.
 *
 * Exact W1 (uniform weights, Euclidean cost) timed as our whole `discrete-gans metrics` process
 * (start-up and .npy loading included) against POT's in-process ot.dist + ot.emd2 (iteration
 * cap raised) on the same .npy files: 64 vs 10,000 points of dimension 4096 (a mixture, and
 * the Fashion-MNIST test images upscaled to 64×64: real images, a harder problem for both
 * solvers), 64 vs the 60,000 Fashion-MNIST training images (784), 2000 × 2000 of dimension 64. Exactness at 4000² and
 * 8000²: our exact cost against POT's default cap (which stops early with a warning).
 * Patch SWD loss (p=16, s=1, 64 vs 64 grey 64×64, 128 directions) forward + backward in-process,
 * against a PyTorch implementation of the same loss and the reference's ~7.2 s (RESEARCH.md).
 * Training's four default full-batch metrics, 64 generated images vs the 2,704 squares.
 * The floor: what any whole process spends on 64 vs 10,000 at d=4096 before its solver starts
 * (start-up, reading, the product), beside half of POT's in-process time.
 *
 * Usage: npm run bench ot [--quick]   (--quick skips 8000² and the 60,000-point case)
 * Inputs are written by bench/ot_pot.py into a temporary folder. POT/PyTorch columns say
 * "skipped" when /usr/bin/python3 cannot import them.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Rng } from '../src/engine/random.js';
import { parseMetric } from '../src/ot/metrics.js';
import { makeSquares } from '../src/data/squares.js';
import { fastGemm, allocPoints } from '../src/ot/gemm.js';
import { readNpy } from '../src/ot/io/npy.js';

const PY = '/usr/bin/python3';
const SCRIPT = join(process.cwd(), 'bench/ot_pot.py');

/** One JSON line from bench/ot_pot.py, with `wall`: the seconds its whole process took
 *  (interpreter start-up, imports and .npy loading included). */
function python(args: string[]): Record<string, unknown> | null {
  const t = performance.now();
  const r = spawnSync(PY, [SCRIPT, ...args], { encoding: 'utf8', maxBuffer: 1 << 24 });
  const wall = (performance.now() - t) / 1000;
  if (r.status !== 0) return null;
  try { return { ...(JSON.parse(r.stdout.trim().split('\n').pop() ?? '') as Record<string, unknown>), wall }; } catch { return null; }
}

function potAvailable(module: string): boolean {
  return spawnSync(PY, ['-c', `import ${module}`], { encoding: 'utf8' }).status === 0;
}

function ours(a: string, b: string): { seconds: number; value: number } {
  const t = performance.now();
  const r = spawnSync(process.execPath, [join(process.cwd(), 'bin/discrete-gans.js'), 'metrics', a, b, '--metrics', 'MiniBatchLoss-dist=w1', '--json'], { encoding: 'utf8', maxBuffer: 1 << 24 });
  const seconds = (performance.now() - t) / 1000;
  if (r.status !== 0) throw new Error(`metrics failed: ${r.stderr}`);
  return { seconds, value: (JSON.parse(r.stdout) as Record<string, number>)['MiniBatchLoss-dist=w1'] };
}

const fmt = (v: number, digits = 2): string => v.toFixed(digits);

export async function run(args: string[]): Promise<void> {
  const quick = args.includes('--quick');
  const hasPot = potAvailable('ot');
  const dir = mkdtempSync(join(tmpdir(), 'dg-bench-ot-'));
  try {
    const made = python(['make', dir]);
    if (made === null) { console.log('ot: could not write the inputs (needs /usr/bin/python3 with numpy)'); return; }
    const f = (name: string): string => join(dir, `${name}.npy`);
    console.log(`ot: POT ${hasPot ? 'available' : 'not importable: POT columns skipped'}`);
    console.log(`ot: exact W1; ours is the whole \`metrics\` process. POT in-process: ot.dist + ot.emd2 on arrays already loaded; POT whole: its whole process (start-up, import, np.load too)${quick ? '' : '; medians of 3 alternated runs'}`);
    console.log('ot: case                           ours s   POT in-process s  ratio   POT whole s  ratio   |W1 ours − POT|/POT');
    const fmnist = made.fmnist === true ? 'FMNIST' : 'mixture';
    const cases: Array<[string, string, string]> = [
      ['64 vs 10,000, d=4096', 'x64_4096', 'y10k_4096'],
      ...(existsSync(f('y10k_fm4096')) ? [['64 vs 10k FMNIST at 64², d=4096', 'x64_fm4096', 'y10k_fm4096'] as [string, string, string]] : []),
      ...(quick ? [] : [[`64 vs 60,000 ${fmnist}, d=784`, 'x64_784', 'y60k_784'] as [string, string, string]]),
      ['2000 vs 2000, d=64', 'a2000', 'b2000'],
    ];
    const potInProcess = new Map<string, number>();
    // Each side three times, alternated, and the medians (one run with --quick): single runs
    // on this shared machine vary by ±30 %.
    const repeats = quick ? 1 : 3;
    for (const [label, a, b] of cases) {
      const os: Array<{ seconds: number; value: number }> = [], pots: Array<Record<string, unknown> | null> = [];
      for (let r = 0; r < repeats; r++) {
        os.push(ours(f(a), f(b)));
        pots.push(hasPot ? python(['w1', f(a), f(b), '100000000']) : null);
      }
      const o = { seconds: median(os.map((x) => x.seconds)), value: os[0].value };
      const p = pots.every((x) => x !== null) && hasPot ? pots[0] : null;
      const ps = p ? median(pots.map((x) => x!.seconds as number)) : NaN, pw = p ? median(pots.map((x) => x!.wall as number)) : NaN;
      if (p) potInProcess.set(a, ps);
      const rel = p ? Math.abs(o.value - (p.cost as number)) / (p.cost as number) : NaN;
      const col = (v: number, w: number): string => (p ? fmt(v).padStart(w) : 'skipped'.padStart(w));
      console.log(`ot: ${label.padEnd(30)} ${fmt(o.seconds).padStart(6)}   ${col(ps, 10)}       ${p ? fmt(ps / o.seconds).padStart(5) : '  -  '}   ${col(pw, 8)}     ${p ? fmt(pw / o.seconds).padStart(5) : '  -  '}   ${p ? rel.toExponential(1) : '-'}`);
    }
    floor(f, potInProcess);
    console.log('ot: exactness                       ours W1 (exact)   s      POT default cap W1      s    POT excess   POT warning');
    for (const n of quick ? [4000] : [4000, 8000]) {
      const o = ours(f(`a${n}`), f(`b${n}`));
      const p = hasPot ? python(['w1', f(`a${n}`), f(`b${n}`), '0']) : null;
      const excess = p ? ((p.cost as number) - o.value) / o.value : NaN;
      console.log(`ot: ${`${n} vs ${n}, d=64`.padEnd(30)} ${o.value.toFixed(8)} ${fmt(o.seconds).padStart(7)}      ${p ? (p.cost as number).toFixed(8) : 'skipped   '} ${p ? fmt(p.seconds as number).padStart(7) : ''}    ${p ? excess.toExponential(1) : '-'}   ${p ? String(p.warning || 'none').slice(0, 60) : ''}`);
    }
    // Patch SWD loss forward + backward.
    const rng = new Rng(0);
    const x = new Float32Array(64 * 64 * 64), y = new Float32Array(64 * 64 * 64);
    rng.fillUniform(x, -1, 1); rng.fillUniform(y, -1, 1);
    const metric = parseMetric('MiniBatchPatchLoss-dist=swd-p=16-s=1');
    const shape = { n: 64, m: 64, c: 1, h: 64, w: 64 };
    metric.evaluateWithGradient(x.subarray(0, 4 * 4096), y.subarray(0, 4 * 4096), { ...shape, n: 4, m: 4 }, new Rng(1)); // warm-up
    // Two evaluations, as in training's loop: the first pays the large allocations' page faults.
    const runs: Array<{ s: number; cpu: number; value: number }> = [];
    for (let k = 0; k < 2; k++) {
      const t = performance.now(), c0 = process.cpuUsage();
      const r = metric.evaluateWithGradient(x, y, shape, new Rng(1));
      const cpu = process.cpuUsage(c0);
      runs.push({ s: (performance.now() - t) / 1000, cpu: (cpu.user + cpu.system) / 1e6, value: r.value });
    }
    const ts = runs[1].s;
    const torch = potAvailable('torch') ? python(['patchswd']) : null;
    console.log(`ot: patch SWD p=16 s=1 fwd+bwd: ours ${fmt(runs[0].s)} s first, ${fmt(ts)} s second (${fmt(runs[1].cpu)} s CPU; value ${runs[1].value.toFixed(5)}); reference ~7.2 s → ratio ${fmt(7.2 / ts)} (goal ≥ 3)` +
      (torch ? `; PyTorch same loss here ${fmt(torch.seconds as number)} s (${torch.threads} threads) → ratio ${fmt((torch.seconds as number) / ts)}` : '; PyTorch skipped'));
    defaultEvaluation();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const median = (xs: number[]): number => [...xs].sort((p, q) => p - q)[Math.floor(xs.length / 2)];

/** What any whole `metrics` process must spend on 64 vs 10,000 at d=4096 before its solver
 *  starts, each part a median of three: Node and our start-up (a `metrics` process on 64 vs the
 *  same 64 points: imports, wasm, threads, a 64×64 solve), reading the 164 MB file (in-process,
 *  page cache warm) and the 64×10,000×4096 float32 product (in-process, warm, all threads).
 *  Set beside half of POT's in-process time: the whole-process budget that a 2× target allows. */
function floor(f: (name: string) => string, potInProcess: Map<string, number>): void {
  if (fastGemm === null) { console.log('ot: floor skipped (no wasm product)'); return; }
  const g = fastGemm;
  const time = (fn: () => void): number => { const t = performance.now(); fn(); return (performance.now() - t) / 1000; };
  const startUp = median([0, 1, 2].map(() => ours(f('x64_4096'), f('x64_4096')).seconds));
  const bare = median([0, 1, 2].map(() => time(() => spawnSync(process.execPath, ['-e', '0']))));
  const read = median([0, 1, 2].map(() => time(() => { const r = readNpy(f('y10k_4096'), allocPoints); if (r.data instanceof Float32Array) g.release(r.data); })));
  const a = g.alloc(64 * 4096), b = g.alloc(10000 * 4096), c = g.alloc(64 * 10000);
  new Rng(5).fillUniform(a, -1, 1); new Rng(6).fillUniform(b, -1, 1);
  g.gemm(false, true, 64, 10000, 4096, a, b, c, false); // threads started, pages touched
  const product = median([0, 1, 2].map(() => time(() => g.gemm(false, true, 64, 10000, 4096, a, b, c, false))));
  g.release(a); g.release(b); g.release(c);
  const total = startUp + read + product;
  console.log(`ot: floor, 64 vs 10,000 at d=4096, before any solve: start-up ${fmt(startUp)} s (node -e 0 alone ${fmt(bare)}) + read ${fmt(read)} s + product ${fmt(product)} s (${fmt(2 * 64 * 10000 * 4096 / product / 1e9, 0)} GFLOP/s) = ${fmt(total)} s`);
  for (const [key, label] of [['x64_4096', 'mixture'], ['x64_fm4096', 'FMNIST']] as const) {
    const p = potInProcess.get(key);
    if (p !== undefined) console.log(`ot:   2× POT in-process (${label}) needs a whole process ≤ ${fmt(p / 2)} s: ${total < p / 2 ? `${fmt(p / 2 - total)} s left for the solve` : `already ${fmt(total - p / 2)} s over before the solve`}`);
  }
}

/** Training's four default full-batch metrics between 64 generated grey 64×64 images and the
 *  2,704 squares, in-process (wall and CPU time). */
function defaultEvaluation(): void {
  const sq = makeSquares();
  const m = sq.images.length, hw = 64 * 64;
  const y = new Float32Array(m * hw);
  for (let b = 0; b < m; b++) for (let k = 0; k < hw; k++) y[b * hw + k] = sq.images[b][3 * k] / 127.5 - 1;
  const x = new Float32Array(64 * hw);
  new Rng(3).fillUniform(x, -1, 1);
  const shape = { n: 64, m, c: 1, h: 64, w: 64 };
  const names = ['MiniBatchLoss-dist=w1', 'MiniBatchLoss-dist=swd', 'MiniBatchLocalPatchLoss-dist=swd-p=16-s=8', 'MiniBatchLocalPatchLoss-dist=full_dim_swd-p=16-s=8'];
  const parts: string[] = [];
  const t = performance.now(), c = process.cpuUsage();
  for (const name of names) {
    const t1 = performance.now();
    parseMetric(name).evaluate(x, y, shape, new Rng(4));
    parts.push(`${name.replace('MiniBatch', '').replace('-dist=', ' ')} ${fmt((performance.now() - t1) / 1000)}`);
  }
  const cpu = process.cpuUsage(c);
  console.log(`ot: default evaluation metrics, 64 vs ${m} squares: ${fmt((performance.now() - t) / 1000)} s wall, ${fmt((cpu.user + cpu.system) / 1e6)} s CPU (${parts.join(', ')})`);
}
