/**
 * Direct-minimisation benchmark (README section 2, no critic): seconds per iteration of
 * `MiniBatchLoss-dist=w1` and `MiniBatchPatchLoss-dist=swd-p=16-s=1` with the FC generator on
 * the 64×64 grey squares (const=64 codes, batch 64, lrG 1e-3) through the real Trainer,
 * excluding evaluations; side by side, the same objectives in a minimal PyTorch + POT loop
 * (bench/direct_losses_torch.py) when /usr/bin/python3 has them.
 * Usage: npm run bench -- direct-losses [--w1-iterations N] [--swd-iterations N] [--no-torch]
 * Anchors (RESEARCH.md, the reference on this machine): direct W1 ~0.04 s/iteration, direct
 * patch SWD ~7.2 s/iteration (target: at least 3× faster).
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

function torchSeconds(kind: 'w1' | 'swd', iterations: number): number | null {
  const r = spawnSync('/usr/bin/python3', [join(process.cwd(), 'bench/direct_losses_torch.py'), kind, String(iterations)], { encoding: 'utf8' });
  if (r.status !== 0) return null;
  const v = Number(r.stdout.trim().split('\n').pop());
  return Number.isFinite(v) ? v : null;
}

function flag(args: string[], name: string, dflt: number): number {
  const i = args.indexOf(name);
  return i >= 0 ? Number(args[i + 1]) : dflt;
}

export async function run(args: string[]): Promise<void> {
  const w1Iterations = flag(args, '--w1-iterations', 100);
  const swdIterations = flag(args, '--swd-iterations', 3);
  const withTorch = !args.includes('--no-torch');
  try {
    const wasmPath = '../src/engine/kernels/wasm/index.js';
    await import(wasmPath);
  } catch { /* TypeScript kernels only */ }
  const root = mkdtempSync(join(tmpdir(), 'dg-bench-direct-'));
  try {
    const data = join(root, 'squares');
    await writeSquares(data, {});
    const ds = await loadImageFolder({ dataPath: data, imSize: 64, grayScale: true, cache: false, log: () => {} });
    console.log(`direct minimisation at 64×64 grey, FC generator, const=64, batch 64; one warm-up iteration; backend ${getBackend()}`);
    console.log('objective                               iterations   ours s/it   PyTorch s/it   PyTorch/ours   ours CPU s/it');
    const recipes: Array<[string, string, 'w1' | 'swd', number]> = [
      ['image W1 (MiniBatchLoss-dist=w1)', 'MiniBatchLoss-dist=w1', 'w1', w1Iterations],
      ['patch SWD (p=16, s=1)', 'MiniBatchPatchLoss-dist=swd-p=16-s=1', 'swd', swdIterations],
    ];
    for (const [label, loss, kind, iterations] of recipes) {
      const cfg: TrainConfig = {
        ...TRAIN_DEFAULTS, dataPath: data, grayScale: true, imSize: 64, zPrior: 'const=64', genArch: 'FC',
        lossFunction: loss, lrG: 1e-3, dStepEvery: -1, nIterations: iterations + 1,
      };
      const t = new Trainer(cfg, ds, buildLoss(loss));
      t.step();
      const cpu0 = process.cpuUsage();
      const start = performance.now();
      for (let i = 0; i < iterations; i++) t.step();
      const ours = (performance.now() - start) / 1000 / iterations;
      const cpu = process.cpuUsage(cpu0);
      const cpuPer = (cpu.user + cpu.system) / 1e6 / iterations;
      const torch = withTorch ? torchSeconds(kind, iterations) : null;
      console.log(`${label.padEnd(40)}${String(iterations).padStart(10)}${ours.toFixed(3).padStart(12)}${(torch === null ? '-' : torch.toFixed(3)).padStart(15)}${(torch === null ? '-' : (torch / ours).toFixed(2)).padStart(15)}${cpuPer.toFixed(3).padStart(16)}`);
    }
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}
