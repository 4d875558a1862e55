/**
 * OT-means whole-process speed (issue 8), side by side with an anchor in one run:
 * - squares (64×64 grey, k = 64, 5 Weiszfeld iterations): `discrete-gans ot-means` with an empty
 *   decoded-set cache (cold) and again with it filled (warm), against bench/ot_means_pot.py
 *   (NumPy + POT's ot.emd, the same algorithm) and the reference's 6.4 s (RESEARCH.md).
 *   Goals: final W1 ≤ 12.30 (reference 12.249), whole process ≤ half the reference's time.
 * - Fashion-MNIST (60,000 at 28×28, k = 64, 10 iterations) when its PNG folder exists, cold
 *   cache. Goal: under 120 s (POT needs ~10 s per solve there, and Weiszfeld solves 50).
 *
 * Usage: npm run bench ot-means [squares|fmnist|all] [FMNIST_FOLDER]
 * (default all; FMNIST_FOLDER defaults to /tmp/fmnist/training). Wall and CPU seconds of the
 * child process come from /usr/bin/time when present.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeSquares } from '../src/data/squares.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const bin = join(root, 'bin', 'discrete-gans.js');
const W1_KEY = 'MiniBatchLoss-dist=w1_fixed_noise_gen_to_train';
const TIME = existsSync('/usr/bin/time') ? '/usr/bin/time' : null;

interface Timed { wall: number; cpu: number | null; stdout: string; stderr: string; code: number | null }

function timed(cmd: string, args: string[], env: NodeJS.ProcessEnv): Timed {
  const t = performance.now();
  const r = TIME
    ? spawnSync(TIME, ['-f', 'TIME %e %U %S', cmd, ...args], { encoding: 'utf8', env, maxBuffer: 1 << 26 })
    : spawnSync(cmd, args, { encoding: 'utf8', env, maxBuffer: 1 << 26 });
  const wall = (performance.now() - t) / 1000;
  const m = /TIME ([\d.]+) ([\d.]+) ([\d.]+)/.exec(r.stderr ?? '');
  return { wall, cpu: m ? Number(m[2]) + Number(m[3]) : null, stdout: r.stdout, stderr: r.stderr, code: r.status };
}

function finalW1(run: string): number {
  const lines = readFileSync(join(run, 'metrics.jsonl'), 'utf8').trim().split('\n');
  return JSON.parse(lines[lines.length - 1])[W1_KEY] as number;
}

function otMeansCli(data: string, flags: string[], work: string, cache: string, name: string): Timed & { w1: number } {
  const args = [bin, 'ot-means', '--data_path', data, ...flags, '--outputs_dir', join(work, 'outputs'), '--train_name', name, '--overwrite'];
  const r = timed(process.execPath, args, { ...process.env, DISCRETE_GANS_CACHE: cache });
  if (r.code !== 0) throw new Error(`ot-means failed: ${r.stderr}`);
  return { ...r, w1: finalW1(join(work, 'outputs', name)) };
}

function fmt(r: { wall: number; cpu: number | null }): string {
  return `${r.wall.toFixed(2)} s wall${r.cpu !== null ? `, ${r.cpu.toFixed(2)} s CPU` : ''}`;
}

async function squares(work: string): Promise<void> {
  const data = join(work, 'squares');
  await writeSquares(data);
  const flags = ['--gray_scale', '--im_size', '64', '--k', '64', '--n_iters', '5'];
  const cache = join(work, 'cache-squares');
  const cold = otMeansCli(data, flags, work, cache, 'cold');
  const warm = otMeansCli(data, flags, work, cache, 'warm');
  console.log(`ot-means squares k=64 5 it: cold ${fmt(cold)}, W1 ${cold.w1.toFixed(4)}  [goal W1 ≤ 12.30, reference 12.249]`);
  console.log(`ot-means squares k=64 5 it: warm ${fmt(warm)}, W1 ${warm.w1.toFixed(4)}`);
  console.log(`ot-means squares: cold / reference 6.4 s = ${(cold.wall / 6.4).toFixed(2)}, warm / reference = ${(warm.wall / 6.4).toFixed(2)}  [goal ≤ 0.5]`);
  const py = timed('/usr/bin/python3', [join(root, 'bench', 'ot_means_pot.py'), data, '64', '5', '64'], process.env);
  if (py.code === 0) {
    const res = JSON.parse(py.stdout.trim().split('\n').pop() ?? '{}') as { w1: number; seconds: number; solves: number };
    console.log(`ot-means squares: NumPy+POT anchor ${fmt(py)}, W1 ${res.w1.toFixed(4)}, ${res.solves} solves`);
    console.log(`ot-means squares: ours cold / POT anchor = ${(cold.wall / py.wall).toFixed(2)}, warm / POT anchor = ${(warm.wall / py.wall).toFixed(2)} (same run, same load)`);
  } else {
    console.log(`ot-means squares: POT anchor unavailable (${(py.stderr ?? '').trim().split('\n').pop()})`);
  }
}

function fmnist(work: string, folder: string): void {
  if (!existsSync(folder)) {
    console.log(`ot-means fmnist: ${folder} not found; make it with: discrete-gans mnist-to-png --raw_dir /usr/share/datasets/fashion-mnist --out_dir /tmp/fmnist`);
    return;
  }
  const flags = ['--gray_scale', '--im_size', '28', '--k', '64', '--n_iters', '10'];
  const cold = otMeansCli(folder, flags, work, join(work, 'cache-fmnist'), 'fmnist');
  console.log(`ot-means fmnist 60k k=64 10 it (cold cache): ${fmt(cold)}, W1 ${cold.w1.toFixed(4)}  [goal < 120 s, ratio ${(cold.wall / 120).toFixed(2)}]`);
}

export async function run(args: string[]): Promise<void> {
  const which = args[0] ?? 'all';
  const work = mkdtempSync(join(tmpdir(), 'dg-bench-otmeans-'));
  try {
    if (which === 'squares' || which === 'all') await squares(work);
    if (which === 'fmnist' || which === 'all') fmnist(work, args[1] ?? '/tmp/fmnist/training');
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
