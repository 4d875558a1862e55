// Autograd semantics: grad() like torch.autograd.grad, backward() accumulation, noGrad,
// constant masks on the second-order path, and second derivatives of composite layers and of
// a gradient penalty against finite differences.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as E from '../../src/engine/index.js';
import { gradcheck, gradgradcheck } from '../../src/engine/gradcheck.js';
import { Rng } from '../../src/engine/random.js';
import { BatchNorm, InstanceNorm, buildDiscriminator } from '../../src/nn/index.js';
import type { Tensor } from '../../src/engine/index.js';

const f64 = (v: number[], shape?: number[]) => E.tensor(v, shape, 'float64');

test('grad of a polynomial, and of its gradient with createGraph', () => {
  const x = f64([1.5, -2]).requireGrad();
  const y = E.sum(E.pow(x, 3)); // Σ x³
  const [g] = E.grad(y, [x], { createGraph: true }); // 3x²
  assert.deepEqual(Array.from(g.data), [6.75, 12]);
  const [h] = E.grad(E.sum(g), [x]); // 6x
  assert.deepEqual(Array.from(h.data), [9, -12]);
  assert.equal(h.requiresGrad, false, 'without createGraph the result is a constant');
});

test('gradOutputs weight a non-scalar output; a missing one is an error', () => {
  const x = f64([1, 2, 3]).requireGrad();
  const y = E.mul(x, x);
  const [g] = E.grad(y, [x], { gradOutputs: [f64([1, 0, -1])] });
  assert.deepEqual(Array.from(g.data), [2, 0, -6]);
  assert.throws(() => E.grad(y, [x]), /gradOutputs/);
});

test('an input the output does not depend on is an error, or a zero gradient with allowUnused; constants are refused', () => {
  const x = f64([1]).requireGrad(), z = f64([5, 6]).requireGrad();
  assert.throws(() => E.grad(E.sum(E.mul(x, 4)), [x, z]), /^Error: grad: inputs\[1\] was not used to compute the outputs \(pass allowUnused: true for a zero gradient\)$/);
  const [gx, gz] = E.grad(E.sum(E.mul(x, 4)), [x, z], { allowUnused: true });
  assert.deepEqual(Array.from(gx.data), [4]);
  assert.deepEqual(Array.from(gz.data), [0, 0]);
  // A forgotten requireGrad() (the gradient penalty's interpolates) used to give zeros silently.
  const c = f64([1, 2]);
  assert.throws(() => E.grad(E.sum(E.mul(c, 3)), [c]), /^Error: grad: inputs\[0\] does not require a gradient/);
  assert.throws(() => E.sum(E.mul(c, 3)).backward(), /^Error: backward: this tensor does not require a gradient/);
  assert.throws(() => E.grad(5 as unknown as E.Tensor, [x]), /^TypeError: grad: outputs must be a Tensor/);
});

test('backward() accumulates into .grad of leaves; noGrad records nothing', () => {
  const w = f64([2, -1]).requireGrad();
  E.sum(E.mul(w, w)).backward();
  E.sum(E.mul(w, 3)).backward();
  assert.deepEqual(Array.from(w.grad!.data), [7, 1]);
  const y = E.noGrad(() => E.mul(w, w));
  assert.equal(y.requiresGrad, false);
  assert.equal(y.node, null);
});

test('a tensor used twice sums both paths (diamond graph)', () => {
  const x = f64([3]).requireGrad();
  const a = E.exp(x), b = E.mul(a, a); // e^{2x}, derivative 2e^{2x}
  const [g] = E.grad(E.add(a, b), [x]);
  assert.ok(Math.abs(g.item() - (Math.exp(3) + 2 * Math.exp(6))) < 1e-9);
});

test('relu/leaky relu masks are constants: their first-order gradient carries no graph', () => {
  const x = f64([-1, 2, 0.5]).requireGrad();
  const [g] = E.grad(E.sum(E.leakyRelu(x, 0.2)), [x], { createGraph: true });
  assert.deepEqual(Array.from(g.data), [0.2, 1, 1]);
  assert.equal(g.requiresGrad, false, 'd/dx of the mask is zero, so no node is recorded');
  const v = f64([1, 1, 1]).requireGrad();
  const [g2] = E.grad(E.leakyRelu(x, 0.2), [x], { gradOutputs: [v], createGraph: true });
  assert.equal(g2.node?.op, 'mul', 'the only recorded work is one multiplication by the mask');
  assert.equal(g2.node!.inputs[1].requiresGrad, false);
});

test('BatchNorm (train) and InstanceNorm: first and second derivatives', () => {
  const x = E.fromFunction([3, 2, 2, 2], (i) => Math.sin(1.7 * i + 0.3) + 0.1 * i, 'float64');
  const bn = new BatchNorm(2, { dtype: 'float64' });
  const w = E.fromFunction([2], (i) => 1 + 0.3 * i, 'float64'), b = E.fromFunction([2], (i) => 0.1 - 0.2 * i, 'float64');
  bn.loadStateDict({ weight: w, bias: b, running_mean: [0, 0], running_var: [1, 1], num_batches_tracked: [0] });
  const f = (t: Tensor) => E.tanh(bn.forward(t));
  for (const check of [gradcheck, gradgradcheck]) assert.ok(check(f, [E.clone(x)]).ok, `BatchNorm ${check.name}`);
  const inorm = new InstanceNorm();
  const g = (t: Tensor) => E.tanh(inorm.forward(t));
  for (const check of [gradcheck, gradgradcheck]) assert.ok(check(g, [E.clone(x)]).ok, `InstanceNorm ${check.name}`);
  const h = (t: Tensor) => E.tanh(inorm.forward(t));
  assert.ok(gradgradcheck(h, [E.fromFunction([2, 5], (i) => Math.cos(2.1 * i), 'float64')]).ok, 'InstanceNorm on N×F');
});

/** The penalty λ·mean((‖∇x D(x)‖ − 1)²) of a tiny critic whose parameter `name` is set to p,
 *  and its gradient w.r.t. that parameter (a second-order gradient). */
function penalty(spec: string, size: number, name: string, p: Tensor): { value: number; grad: Tensor } {
  const d = buildDiscriminator(spec, { zDim: 1, channels: 1, imSize: size, rng: new Rng(4), dtype: 'float64' });
  const target = new Map(d.namedParameters()).get(name)!;
  target.data.set(p.data);
  const xh = E.fromFunction([2, 1, size, size], (i) => Math.sin(0.9 * i + 0.2), 'float64').requireGrad();
  const [g] = E.grad(E.sum(d.forward(xh)), [xh], { createGraph: true });
  const n = E.sqrt(E.addScalar(E.sum(E.mul(g, g), [1, 2, 3]), 1e-12));
  const pen = E.mulScalar(E.mean(E.square(E.addScalar(n, -1))), 10);
  const [gp] = E.grad(pen, [target]);
  return { value: pen.item(), grad: gp };
}

test('gradient penalty: its gradient w.r.t. critic parameters matches finite differences (FC and CNN)', () => {
  const cases = [['FC-nf=6-depth=3', 3, 'main.2.weight'], ['CNN-nf=2-depth=2', 7, 'main.2.weight'], ['CNN-nf=2-depth=2-GAP=False', 7, 'main.0.weight'], ['CNN-nf=2-depth=2-GAP=False', 7, 'head.weight']] as const;
  for (const [spec, size, name] of cases) {
    const init = buildDiscriminator(spec, { zDim: 1, channels: 1, imSize: size, rng: new Rng(4), dtype: 'float64' });
    const p = E.clone(new Map(init.namedParameters()).get(name)!);
    const analytic = penalty(spec, size, name, p).grad;
    const eps = 1e-6;
    for (let i = 0; i < p.size; i += Math.max(1, Math.floor(p.size / 7))) {
      const pp = E.clone(p); pp.data[i] += eps;
      const pm = E.clone(p); pm.data[i] -= eps;
      const num = (penalty(spec, size, name, pp).value - penalty(spec, size, name, pm).value) / (2 * eps);
      assert.ok(Math.abs(num - analytic.data[i]) <= 1e-6 + 1e-4 * Math.abs(num), `${spec} ${name}[${i}]: analytic ${analytic.data[i]} numeric ${num}`);
    }
  }
});

test('the kernel seam reports its backend and rejects unknown ones', () => {
  assert.ok(E.listBackends().includes('ts'));
  assert.throws(() => E.setBackend('nope'), /not available/);
});
