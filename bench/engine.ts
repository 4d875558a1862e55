/**
 * Engine benchmark: seconds of one WGAN-GP critic step (critic on real and fake, gradient
 * penalty with a second-order gradient, gradients of every parameter, one Adam step) at batch
 * 64 on 64×64 grey images, float32, for the FC-nf=1024 critic and the CNN critics (GAP=True,
 * GAP=False), on every registered kernel backend side by side.
 * Usage: npm run bench -- engine [--quick] [--backend ts|wasm] [--no-torch]
 * PyTorch (/usr/bin/python3, its default threads, float32) runs the same steps in the same run
 * when it can be imported, for a side-by-side ratio; RESEARCH.md's figures are printed too.
 * Every cell is the median wall time with the process CPU time (all threads) in brackets: on a
 * machine shared with other work the CPU ratio is the steadier comparison.
 */
import { spawnSync } from 'node:child_process';
import * as E from '../src/engine/index.js';
import { Rng } from '../src/engine/random.js';
import { Adam, buildDiscriminator, type Module } from '../src/nn/index.js';

const B = 64, S = 64, LAMBDA = 10;

function criticStep(d: Module, opt: Adam, real: E.Tensor, fake: E.Tensor, alpha: E.Tensor): number {
  const w = E.sub(E.mean(d.forward(real)), E.mean(d.forward(fake)));
  const xh = E.add(E.mul(alpha, real), E.mul(E.sub(1, alpha), fake)).requireGrad();
  const [g] = E.grad(E.sum(d.forward(xh)), [xh], { createGraph: true });
  const norms = E.sqrt(E.addScalar(E.sum(E.mul(g, g), [1, 2, 3]), 1e-12));
  const penalty = E.mulScalar(E.mean(E.square(E.addScalar(norms, -1))), LAMBDA);
  const loss = E.add(E.neg(w), penalty);
  opt.step(E.grad(loss, d.parameters()));
  return loss.item();
}

const TORCH_STEP = `
import sys, time, torch
from torch import nn
B, S, reps = 64, 64, int(sys.argv[1])
def fc():
    layers = [nn.Flatten(), nn.Linear(S * S, 1024), nn.LeakyReLU(0.2)]
    for _ in range(2): layers += [nn.Linear(1024, 1024), nn.LeakyReLU(0.2)]
    return nn.Sequential(*layers, nn.Linear(1024, 1))
def cnn(gap):
    layers, c, side = [], 1, S
    for i in range(3):
        layers += [nn.Conv2d(c, 64 * 2 ** i, 3, 2, 0), nn.ReLU()]; c = 64 * 2 ** i; side = (side - 3) // 2 + 1
    head = [nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(c, 1, bias=False)] if gap else [nn.Flatten(), nn.Linear(side * side * c, 1, bias=False)]
    return nn.Sequential(*layers, *head)
real, fake = torch.rand(B, 1, S, S) * 2 - 1, torch.rand(B, 1, S, S) * 2 - 1
out = []
for d in [fc(), cnn(True), cnn(False)]:
    opt = torch.optim.Adam(d.parameters(), lr=1e-4, betas=(0.5, 0.9))
    def step():
        w = d(real).mean() - d(fake).mean()
        a = torch.rand(B, 1, 1, 1)
        xh = (a * real + (1 - a) * fake).requires_grad_(True)
        g, = torch.autograd.grad(d(xh).sum(), xh, create_graph=True)
        n = torch.sqrt((g.reshape(B, -1) ** 2).sum(1) + 1e-12)
        loss = -w + 10 * ((n - 1) ** 2).mean()
        opt.zero_grad(); loss.backward(); opt.step()
    step(); ts, cs = [], []
    for _ in range(reps):
        t0, c0 = time.perf_counter(), time.process_time(); step()
        ts.append(time.perf_counter() - t0); cs.append(time.process_time() - c0)
    ts.sort(); cs.sort(); out.append((ts[len(ts) // 2], cs[len(cs) // 2]))
print(' '.join('%.4f %.4f' % t for t in out))
`;

/** PyTorch's [wall, CPU] seconds per step for the three critics, or null without torch. */
function torchSeconds(reps: number): [number, number][] | null {
  const r = spawnSync('/usr/bin/python3', ['-c', TORCH_STEP, String(reps)], { encoding: 'utf8' });
  if (r.status !== 0) return null;
  const v = r.stdout.trim().split(/\s+/).map(Number);
  return [0, 1, 2].map((i) => [v[2 * i], v[2 * i + 1]]);
}

/** "wall (cpu)" of a [wall, CPU] pair, in seconds. */
const cell = (t: [number, number]): string => `${t[0].toFixed(3)} (${t[1].toFixed(3)})`;

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

export async function run(args: string[]): Promise<void> {
  const quick = args.includes('--quick');
  const bi = args.indexOf('--backend');
  const only = bi >= 0 ? args[bi + 1] : undefined;
  try {
    const wasmPath = '../src/engine/kernels/wasm/index.js';
    await import(wasmPath);
  } catch { /* no wasm backend in this tree */ }
  const backends = only ? [only] : E.listBackends();
  const archs = ['FC-nf=1024', 'CNN-GAP=True', 'CNN-GAP=False'];
  const reps = quick ? 2 : 4;
  const rng = new Rng(0);
  const real = E.rand([B, 1, S, S], rng, -1, 1), fake = E.rand([B, 1, S, S], rng, -1, 1);
  const alpha = E.rand([B, 1, 1, 1], rng);
  const rows: Array<[string, ...[number, number][]]> = [];
  const previous = E.getBackend();
  for (const arch of archs) {
    const row: [string, ...[number, number][]] = [arch];
    for (const be of backends) {
      E.setBackend(be);
      const d = buildDiscriminator(arch, { zDim: 1, channels: 1, imSize: S, rng: new Rng(1) });
      const opt = new Adam(d.parameters(), { lr: 1e-4 });
      const x = E.clone(real), y = E.clone(fake), a = E.clone(alpha);
      criticStep(d, opt, x, y, a); // warm-up
      const times: number[] = [], cpus: number[] = [];
      for (let i = 0; i < reps; i++) {
        const t0 = performance.now(), c0 = process.cpuUsage();
        criticStep(d, opt, x, y, a);
        const c = process.cpuUsage(c0);
        times.push((performance.now() - t0) / 1000);
        cpus.push((c.user + c.system) / 1e6);
      }
      row.push([median(times), median(cpus)]);
    }
    rows.push(row);
  }
  E.setBackend(previous);
  const torch = args.includes('--no-torch') ? null : torchSeconds(reps);
  const anchors: Record<string, string> = { 'FC-nf=1024': '0.31', 'CNN-GAP=True': '0.26', 'CNN-GAP=False': '—' };
  const header = ['critic step, batch 64, 64×64 grey: wall (CPU) s', ...backends.map((b) => `${b}`)];
  if (torch) header.push('PyTorch now', ...backends.map((b) => `${b}/PyTorch wall (CPU)`));
  header.push('PyTorch (RESEARCH.md)');
  const table = [header, ...rows.map(([arch, ...ts], i) => {
    const t = torch?.[i];
    const extra = t ? [cell(t), ...ts.map((o) => `${(o[0] / t[0]).toFixed(2)} (${(o[1] / t[1]).toFixed(2)})`)] : [];
    return [arch, ...ts.map(cell), ...extra, anchors[arch]];
  })];
  const widths = header.map((_, c) => Math.max(...table.map((r) => r[c].length)));
  for (const r of table) console.log(r.map((v, c) => v.padEnd(widths[c])).join('  '));
}
