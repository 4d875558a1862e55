/**
 * Matrix products and their gradients: matmul(a, b, transA, transB) on 2-d tensors, whose
 * backward rules are matmuls with other transpose flags (no explicit transposes), and
 * linear(x, w, b) = x·wᵀ + b with PyTorch's weight layout (out_features × in_features).
 * Compute goes through the kernel seam's gemm only.
 */
import { getKernels } from '../kernels/kernels.js';
import { Tensor, zeros, shapeStr } from '../tensor.js';
import { record } from '../autograd.js';
import { add } from './elementwise.js';

/** op(a)·op(b) where op transposes when the flag is set. a, b are 2-d. */
export function matmul(a: Tensor, b: Tensor, transA = false, transB = false): Tensor {
  if (a.ndim !== 2 || b.ndim !== 2) throw new Error(`matmul: needs 2-d tensors, got ${shapeStr(a.shape)} and ${shapeStr(b.shape)}`);
  if (a.dtype !== b.dtype) throw new Error(`matmul: dtypes differ (${a.dtype} vs ${b.dtype})`);
  const m = transA ? a.shape[1] : a.shape[0], ka = transA ? a.shape[0] : a.shape[1];
  const kb = transB ? b.shape[1] : b.shape[0], n = transB ? b.shape[0] : b.shape[1];
  if (ka !== kb) throw new Error(`matmul: inner sizes differ: ${shapeStr(a.shape)}${transA ? 'ᵀ' : ''} · ${shapeStr(b.shape)}${transB ? 'ᵀ' : ''}`);
  const out = zeros([m, n], a.dtype);
  getKernels().gemm(transA, transB, m, n, ka, a.data, b.data, out.data, false);
  return record(out, 'matmul', [a, b], (g, needs) => [
    !needs[0] ? null : transA ? matmul(b, g, transB, true) : matmul(g, b, false, !transB),
    !needs[1] ? null : transB ? matmul(g, a, true, transA) : matmul(a, g, !transA, false),
  ]);
}

/** x (N×in) · wᵀ (w: out×in) + b (out), as torch.nn.functional.linear. */
export function linear(x: Tensor, w: Tensor, b?: Tensor | null): Tensor {
  if (x.ndim !== 2 || w.ndim !== 2 || x.shape[1] !== w.shape[1]) throw new Error(`linear: input ${shapeStr(x.shape)} does not fit weight ${shapeStr(w.shape)}`);
  const y = matmul(x, w, false, true);
  if (!b) return y;
  if (b.ndim !== 1 || b.shape[0] !== w.shape[0]) throw new Error(`linear: bias ${shapeStr(b.shape)} does not fit weight ${shapeStr(w.shape)}`);
  return add(y, b);
}
