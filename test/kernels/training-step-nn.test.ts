// One WGAN-GP critic step of the library's own critics (src/nn: the FC critic and small CNN
// critics with and without global average pooling, so convolutions, their double backward and
// every wasm kernel take part) agrees between the ts and wasm backends per tensor to 1e-5
// relative (‖a − b‖ / ‖b‖).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setBackend, randn, tensor, type Tensor } from '../../src/engine/index.js';
import '../../src/engine/kernels/wasm/index.js';
import { buildDiscriminator } from '../../src/nn/index.js';
import { Rng } from '../../src/engine/random.js';
import { wganGpStep } from './fc-critic-step.js';

function relErr(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let e = 0, s = 0;
  for (let i = 0; i < b.length; i++) { e += (a[i] - b[i]) ** 2; s += b[i] ** 2; }
  return s === 0 ? Math.sqrt(e) : Math.sqrt(e / s);
}

for (const arch of ['FC-nf=64-depth=3', 'CNN-depth=2-nf=8-k=3-GAP=True', 'CNN-depth=2-nf=8-k=4-pad=1-GAP=False']) {
  test(`a WGAN-GP critic step of ${arch} agrees between the ts and wasm backends`, () => {
    const results: Float32Array[][] = [];
    for (const backend of ['ts', 'wasm']) {
      setBackend(backend);
      const rng = new Rng(77);
      const critic = buildDiscriminator(arch, { zDim: 8, channels: 1, imSize: 16, rng });
      const real = randn([6, 1, 16, 16], rng), fake = randn([6, 1, 16, 16], rng);
      const alphas = new Float32Array(6).map(() => rng.uniform());
      const params = critic.parameters();
      const copy = (t: Tensor) => tensor(Float32Array.from(t.data), t.shape);
      const { loss, grads } = wganGpStep((x) => critic.forward(x), params, copy(real), copy(fake), alphas);
      results.push([Float32Array.from(loss.data), ...grads.map((g) => Float32Array.from(g.data))]);
    }
    setBackend('ts');
    const [ts, wasm] = results;
    assert.equal(ts.length, wasm.length);
    for (let i = 0; i < ts.length; i++) {
      const err = relErr(wasm[i], ts[i]);
      assert.ok(err < 1e-5, `${arch} tensor ${i} (0 = loss, then parameter gradients): rel err ${err}`);
    }
  });
}
