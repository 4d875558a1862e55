// The weight-filling rule of test/fixtures/nn/make_dcgan_fastgan.py (and the hash formula that
// wgan_gp_step.py shares), used by the WGAN-GP step, DCGAN,
// FastGAN and spectral-norm tests.
import type { Module } from '../../src/nn/index.js';

/** The fixture script's hash formula: uniform in [-1, 1) from exact uint32 arithmetic. */
export function formula(n: number, seed: number): Float64Array {
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let x = (i ^ seed) >>> 0;
    x = Math.imul((x >>> 16) ^ x, 0x45d9f3b) >>> 0;
    x = Math.imul((x >>> 16) ^ x, 0x45d9f3b) >>> 0;
    x = ((x >>> 16) ^ x) >>> 0;
    out[i] = 2 * (x / 4294967296) - 1;
  }
  return out;
}

/** The script's fill rule, over our state_dict in its order (which must be torch's). */
export function fill(m: Module): void {
  let fanIn = 1, k = 0;
  for (const [name, t] of m.stateDict()) {
    const f = formula(t.size, 1000 + 7919 * k);
    k++;
    const leaf = name.split('.').pop()!;
    if ((leaf === 'weight' || leaf === 'weight_orig') && t.ndim >= 2) fanIn = t.shape.slice(1).reduce((a, b) => a * b, 1);
    if (leaf === 'num_batches_tracked') continue;
    let v: Float64Array;
    if (leaf === 'weight_u' || leaf === 'weight_v') {
      const n = Math.sqrt(f.reduce((s, x) => s + x * x, 0));
      v = f.map((x) => x / n);
    } else if (leaf === 'running_var') v = f.map((x) => 1 + Math.abs(x) / 2);
    else if (leaf === 'running_mean') v = f.map((x) => x / 10);
    else v = f.map((x) => x / Math.sqrt(fanIn));
    t.data.set(v);
  }
}

