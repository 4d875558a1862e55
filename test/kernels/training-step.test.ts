// One full WGAN-GP critic step (forward on real and fake, gradient penalty with a double
// backward) on the ts and wasm backends agrees per tensor to 1e-5 relative (‖a − b‖ / ‖b‖).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setBackend, listBackends, tensor, type Tensor } from '../../src/engine/index.js';
import '../../src/engine/kernels/wasm/index.js';
import { Rng } from '../../src/engine/random.js';
import { makeFcCritic, criticStep, stepInputs } from './fc-critic-step.js';

function relErr(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let e = 0, s = 0;
  for (let i = 0; i < b.length; i++) { e += (a[i] - b[i]) ** 2; s += b[i] ** 2; }
  return s === 0 ? Math.sqrt(e) : Math.sqrt(e / s); // a zero reference is compared absolutely
}

function copy(t: Tensor): Tensor {
  return tensor(Float32Array.from(t.data), t.shape);
}

test('an FC critic WGAN-GP step agrees between the ts and wasm backends', () => {
  assert.ok(listBackends().includes('wasm'), 'wasm backend not registered');
  const results: Float32Array[][] = [];
  for (const backend of ['ts', 'wasm']) {
    setBackend(backend);
    const rng = new Rng(2024);
    const net = makeFcCritic(512, 256, 4, rng);
    const { real, fake, alphas } = stepInputs(64, 512, rng);
    const { loss, grads } = criticStep(net, copy(real), copy(fake), alphas);
    results.push([Float32Array.from(loss.data), ...grads.map((g) => Float32Array.from(g.data))]);
  }
  const [ts, wasm] = results;
  assert.equal(ts.length, wasm.length);
  for (let i = 0; i < ts.length; i++) {
    const err = relErr(wasm[i], ts[i]);
    assert.ok(err < 1e-5, `tensor ${i} (0 = loss, then weights, then biases): rel err ${err}`);
  }
  setBackend('ts');
});
