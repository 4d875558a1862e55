/**
 * The gated linear unit over dim 1 as one op: glu(x) = x[:, :c/2] · sigmoid(x[:, c/2:]).
 * The graph keeps only x (the composed narrow/sigmoid/mul form keeps three half-size
 * intermediates); the backward rule is written with differentiable engine ops, so gradients of
 * any order are exact: d/da = g·σ(b), d/db = g·a·σ(b)·(1 − σ(b)). Knows nothing of GANs.
 */
import { Tensor, zeros, shapeStr } from '../tensor.js';
import { record } from '../autograd.js';
import { mul, sigmoid, sub } from './elementwise.js';
import { concat, narrow } from './shape.js';

export function glu(x: Tensor): Tensor {
  if (x.ndim < 2 || x.shape[1] % 2 !== 0) throw new Error(`glu: needs an even size along dim 1, got ${shapeStr(x.shape)}`);
  const n = x.shape[0], h = x.shape[1] / 2;
  const inner = x.size / (n * 2 * h);
  const outShape = [n, h, ...x.shape.slice(2)];
  const out = zeros(outShape, x.dtype);
  const xd = x.data, od = out.data, block = h * inner;
  for (let i = 0; i < n; i++) {
    const src = i * 2 * block, dst = i * block;
    for (let k = 0; k < block; k++) od[dst + k] = xd[src + k] / (1 + Math.exp(-xd[src + block + k]));
  }
  return record(out, 'glu', [x], (g) => {
    const a = narrow(x, 1, 0, h), s = sigmoid(narrow(x, 1, h, h));
    const ga = mul(g, s);
    return [concat([ga, mul(mul(ga, a), sub(1, s))], 1)];
  });
}
