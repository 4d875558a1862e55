/**
 * Kernel benchmark: sgemm GFLOP/s of the wasm backend (1 and 2 threads) and of the TypeScript
 * backend, with PyTorch (2 intra-op threads, /usr/bin/python3) measured in the same run when
 * `import torch` works, and a ratio column (wasm on all threads / PyTorch).
 * Shapes: 1024³ and the FC-1024 critic's products at batch 64 (forward NT, input gradient NN,
 * weight gradient TN), then one FC-1024 WGAN-GP critic step. Every figure is the best of its
 * repetitions, ours and PyTorch's alike. Usage: npm run bench kernels [--quick]
 */
import { spawnSync } from 'node:child_process';
import { tsKernels } from '../src/engine/kernels/ts/index.js';
import { wasmKernels } from '../src/engine/kernels/wasm/backend.js';
import '../src/engine/kernels/wasm/index.js';
import { setBackend } from '../src/engine/index.js';
import { Rng } from '../src/engine/random.js';
import { makeFcCritic, criticStep, stepInputs } from '../test/kernels/fc-critic-step.js';

interface Case { label: string; m: number; n: number; k: number; ta: boolean; tb: boolean }

const CASES: Case[] = [
  { label: '1024³ NN', m: 1024, n: 1024, k: 1024, ta: false, tb: false },
  { label: '64×4096×1024 NN (input grad)', m: 64, n: 4096, k: 1024, ta: false, tb: false },
  { label: '64×1024×4096 NT (forward)', m: 64, n: 1024, k: 4096, ta: false, tb: true },
  { label: '1024×4096×64 TN (weight grad)', m: 1024, n: 4096, k: 64, ta: true, tb: false },
  { label: '64×1024×1024 NT (hidden layer)', m: 64, n: 1024, k: 1024, ta: false, tb: true },
];

/** Best (minimum) seconds of `fn` over repetitions filling about `budget` seconds, after a
 *  warm-up: on a machine shared with other work the minimum is the least noisy statistic. */
function timeIt(fn: () => void, budget: number): number {
  fn();
  const times: number[] = [];
  const start = performance.now();
  while (times.length < 3 || (performance.now() - start < budget * 1000 && times.length < 200)) {
    const t0 = performance.now();
    fn();
    times.push((performance.now() - t0) / 1000);
  }
  return Math.min(...times);
}

const TORCH_SCRIPT = `
import json, sys, time, torch
torch.set_num_threads(2)
out = []
for (m, n, k, ta, tb, budget) in json.loads(sys.argv[1]):
    a = torch.rand(k, m) if ta else torch.rand(m, k)
    b = torch.rand(n, k) if tb else torch.rand(k, n)
    f = lambda: torch.mm(a.t() if ta else a, b.t() if tb else b)
    f(); ts = []; t_start = time.perf_counter()
    while len(ts) < 3 or (time.perf_counter() - t_start < budget and len(ts) < 200):
        t0 = time.perf_counter(); f(); ts.append(time.perf_counter() - t0)
    out.append(min(ts))
print(json.dumps(out))
`;

function torchTimes(cases: Case[], budget: number): number[] | string {
  const probe = spawnSync('/usr/bin/python3', ['-c', 'import torch'], { encoding: 'utf8' });
  if (probe.status !== 0) return 'PyTorch comparison skipped: /usr/bin/python3 cannot import torch';
  const spec = JSON.stringify(cases.map((c) => [c.m, c.n, c.k, c.ta, c.tb, budget]));
  const r = spawnSync('/usr/bin/python3', ['-c', TORCH_SCRIPT, spec], { encoding: 'utf8' });
  if (r.status !== 0) return `PyTorch comparison failed: ${r.stderr.trim().split('\n').pop()}`;
  return JSON.parse(r.stdout) as number[];
}

const TORCH_STEP = `
import sys, time, torch
torch.manual_seed(0)
nf, d_in, b = 1024, 4096, 64
layers = []
dims = [d_in, nf, nf, nf]
for i in range(3): layers += [torch.nn.Linear(dims[i], dims[i + 1]), torch.nn.LeakyReLU(0.2)]
D = torch.nn.Sequential(*layers, torch.nn.Linear(nf, 1))
params = list(D.parameters())
def step():
    real, fake = torch.randn(b, d_in), torch.randn(b, d_in)
    w1 = D(real).mean() - D(fake).mean()
    a = torch.rand(b, 1)
    xh = (a * real + (1 - a) * fake).requires_grad_(True)
    g, = torch.autograd.grad(D(xh).sum(), xh, create_graph=True)
    gp = ((g.norm(2, dim=1) - 1) ** 2).mean() * 10
    torch.autograd.grad(-w1 + gp, params)
for _ in range(2): step()
ts = []
for _ in range(int(sys.argv[1])):
    t0 = time.perf_counter(); step(); ts.append(time.perf_counter() - t0)
print(min(ts), torch.get_num_threads())
`;

/** Best seconds of one FC-1024 critic WGAN-GP step (batch 64, 64×64 grey) on the engine. */
function engineStep(reps: number): number {
  const rng = new Rng(1);
  const net = makeFcCritic(4096, 1024, 4, rng);
  const times: number[] = [];
  for (let i = 0; i < reps + 2; i++) {
    const { real, fake, alphas } = stepInputs(64, 4096, rng);
    const t0 = performance.now();
    criticStep(net, real, fake, alphas);
    if (i >= 2) times.push((performance.now() - t0) / 1000);
  }
  return Math.min(...times);
}

function pad(s: string, w: number): string { return s.length >= w ? s : s + ' '.repeat(w - s.length); }
function lpad(s: string, w: number): string { return s.length >= w ? s : ' '.repeat(w - s.length) + s; }

export async function run(args: string[]): Promise<void> {
  const quick = args.includes('--quick');
  const budget = quick ? 0.3 : 1.0;
  const k = wasmKernels();
  if (k === null) { console.log('wasm backend unavailable: nothing to benchmark'); return; }
  const maxThreads = k.threads;
  const rows: string[][] = [];
  const wasmAll: number[] = [];
  for (const c of CASES) {
    const a = k.alloc('float32', c.m * c.k) as Float32Array;
    const b = k.alloc('float32', c.k * c.n) as Float32Array;
    const out = k.alloc('float32', c.m * c.n) as Float32Array;
    for (let i = 0; i < a.length; i++) a[i] = Math.random();
    for (let i = 0; i < b.length; i++) b[i] = Math.random();
    const flop = 2 * c.m * c.n * c.k;
    const gf = (s: number) => flop / s / 1e9;
    k.setThreads(1);
    const one = gf(timeIt(() => k.gemm(c.ta, c.tb, c.m, c.n, c.k, a, b, out, false), budget));
    k.setThreads(maxThreads, false);
    const all = gf(timeIt(() => k.gemm(c.ta, c.tb, c.m, c.n, c.k, a, b, out, false), budget));
    const tsOut = new Float32Array(c.m * c.n);
    const tsg = gf(timeIt(() => tsKernels.gemm(c.ta, c.tb, c.m, c.n, c.k, a, b, tsOut, false), quick ? 0.1 : 0.3));
    wasmAll.push(all);
    rows.push([c.label, tsg.toFixed(1), one.toFixed(1), all.toFixed(1)]);
    k.release(a); k.release(b); k.release(out);
  }
  const torch = torchTimes(CASES, budget);
  const header = ['sgemm (GFLOP/s)', 'ts', 'wasm 1 thr', `wasm ${maxThreads} thr`, 'torch 2 thr', 'wasm/torch'];
  const table = rows.map((r, i) => {
    if (typeof torch === 'string') return [...r, '-', '-'];
    const tg = 2 * CASES[i].m * CASES[i].n * CASES[i].k / torch[i] / 1e9;
    return [...r, tg.toFixed(1), (wasmAll[i] / tg).toFixed(2)];
  });
  const widths = header.map((h, j) => Math.max(h.length, ...table.map((r) => r[j].length)));
  console.log(`wasm kernels: ${k.variant}, ${maxThreads} thread(s)`);
  console.log(header.map((h, j) => (j === 0 ? pad(h, widths[j]) : lpad(h, widths[j]))).join('  '));
  for (const r of table) console.log(r.map((x, j) => (j === 0 ? pad(x, widths[j]) : lpad(x, widths[j]))).join('  '));
  if (typeof torch === 'string') console.log(torch);

  // One FC-1024 critic WGAN-GP step (forward real/fake, penalty with double backward,
  // parameter gradients); PyTorch as the reference runs it (its default intra-op threads).
  const reps = quick ? 3 : 8;
  setBackend('wasm');
  k.setThreads(1);
  const step1 = engineStep(reps);
  k.setThreads(maxThreads);
  const before = k.poolStats();
  const stepAll = engineStep(reps);
  const after = k.poolStats();
  const serialShare = (after.serial - before.serial) / Math.max(1, after.serial - before.serial + after.parallel - before.parallel);
  let torchStep = '-', ratio = '-', torchNote = '';
  if (typeof torch !== 'string') {
    const r = spawnSync('/usr/bin/python3', ['-c', TORCH_STEP, String(reps)], { encoding: 'utf8' });
    if (r.status === 0) {
      const [sec, thr] = r.stdout.trim().split(/\s+/).map(Number);
      torchStep = sec.toFixed(3);
      ratio = (sec / stepAll).toFixed(2);
      torchNote = ` (PyTorch ran ${thr} intra-op thread(s); ratio = torch time / wasm ${maxThreads}-thread time)`;
    }
  }
  console.log('');
  console.log(`FC-1024 critic WGAN-GP step, batch 64 (s): wasm 1 thr ${step1.toFixed(3)}  wasm ${maxThreads} thr ${stepAll.toFixed(3)}  torch ${torchStep}  speed-up vs torch ${ratio}${torchNote}`);
  if (serialShare > 0) console.log(`(the machine was busy: ${(100 * serialShare).toFixed(0)}% of the large products ran on one thread because the pool did not pay)`);
}
