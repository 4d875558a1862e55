/**
 * Training benchmark: seconds per iteration of the paper's Figure 5 command (FC generator,
 * FC-nf=1024 critic, WGAN-GP, G step every 5) and Figure 7 (CNN-GAP=True critic) on the squares
 * at 64×64 grey, batch 64, through the real Trainer (data sampling, critic step with the
 * second-order penalty, generator step, EMA), excluding evaluations. Side by side, the same
 * recipe in a minimal PyTorch loop (bench/train_torch.py) when /usr/bin/python3 has torch.
 * Usage: npm run bench -- train [--quick] [--iterations N] [--no-torch]
 * Anchors (RESEARCH.md, the reference on this machine): Figure 5 ~0.25 s/iteration quiet (0.64
 * loaded), Figure 7 ~0.63 (0.9 loaded).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeSquares } from '../src/data/squares.js';
import { loadImageFolder } from '../src/data/image-folder.js';
import { buildLoss } from '../src/losses/registry.js';
import { TRAIN_DEFAULTS, type TrainConfig } from '../src/train/config.js';
import { Trainer } from '../src/train/trainer.js';
import { getBackend } from '../src/engine/index.js';

/** [wall, CPU] seconds per iteration of the PyTorch loop, or null without torch. */
function torchSecondsPerIteration(arch: 'fc' | 'cnn', iterations: number): [number, number] | null {
  const r = spawnSync('/usr/bin/python3', [join(process.cwd(), 'bench/train_torch.py'), arch, String(iterations)], { encoding: 'utf8' });
  if (r.status !== 0) return null;
  const v = (r.stdout.trim().split('\n').pop() ?? '').split(/\s+/).map(Number);
  return v.length === 2 && v.every(Number.isFinite) ? [v[0], v[1]] : null;
}

const fmt = (v: number | undefined): string => (v === undefined ? '-' : v.toFixed(3));

export async function run(args: string[]): Promise<void> {
  const quick = args.includes('--quick');
  const ii = args.indexOf('--iterations');
  const iterations = ii >= 0 ? Number(args[ii + 1]) : quick ? 5 : 15;
  const withTorch = !args.includes('--no-torch');
  try {
    const wasmPath = '../src/engine/kernels/wasm/index.js';
    await import(wasmPath);
  } catch { /* TypeScript kernels only */ }
  const root = mkdtempSync(join(tmpdir(), 'dg-bench-train-'));
  try {
    const data = join(root, 'squares');
    await writeSquares(data, {});
    const ds = await loadImageFolder({ dataPath: data, imSize: 64, grayScale: true, cache: false, log: () => {} });
    const recipes: Array<[string, string, 'fc' | 'cnn']> = [['Figure 5 (FC-nf=1024 critic)', 'FC-nf=1024', 'fc'], ['Figure 7 (CNN-GAP=True critic)', 'CNN-GAP=True', 'cnn']];
    console.log(`training iterations at 64×64 grey, batch 64, const=64, WGAN-GP, G every 5; ${iterations} timed iterations after one warm-up; backend ${getBackend()}`);
    console.log('wall and CPU seconds per iteration (CPU counts every thread; on a loaded machine compare CPU)');
    console.log('recipe                           ours wall  ours CPU  torch wall  torch CPU  wall ratio  CPU ratio');
    for (const [label, disc, torchArch] of recipes) {
      const cfg: TrainConfig = {
        ...TRAIN_DEFAULTS, dataPath: data, grayScale: true, imSize: 64, zPrior: 'const=64', genArch: 'FC', discArch: disc,
        lossFunction: 'WGANLoss', gpWeight: 10, lrD: 1e-3, gStepEvery: 5, nIterations: iterations + 1,
      };
      const t = new Trainer(cfg, ds, buildLoss(cfg.lossFunction));
      t.step();
      const start = performance.now();
      const cpu0 = process.cpuUsage();
      for (let i = 0; i < iterations; i++) t.step();
      const cpu = process.cpuUsage(cpu0);
      const wall = (performance.now() - start) / 1000 / iterations;
      const cpuPer = (cpu.user + cpu.system) / 1e6 / iterations;
      const torch = withTorch ? torchSecondsPerIteration(torchArch, iterations) : null;
      const cols = [fmt(wall), fmt(cpuPer), fmt(torch?.[0]), fmt(torch?.[1]), torch ? (wall / torch[0]).toFixed(2) : '-', torch ? (cpuPer / torch[1]).toFixed(2) : '-'];
      console.log(label.padEnd(31) + cols.map((c, i) => c.padStart(i === 0 ? 11 : 10)).join(' '));
    }
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}
