/**
 * Reductions and their adjoint, broadcasting: sum and mean over axes (keepdims), max along one
 * axis, sumTo (sum a broadcast result back to an operand's shape) and expand (broadcast to a
 * shape). sum and expand are each other's gradient; max's gradient routes through a constant
 * one-hot mask. Compute goes through the kernel seam only.
 */
import { getKernels } from '../kernels/kernels.js';
import { Tensor, zeros, shapeStr, sameShape, stridesOf, sizeOf, type Shape } from '../tensor.js';
import { record } from '../autograd.js';
import { broadcastShapes, broadcastStrides, collapseDims, mul, mulScalar } from './elementwise.js';
import { reshape } from './shape.js';

function normAxes(op: string, x: Tensor, axes: number | readonly number[] | undefined): number[] {
  const r = x.ndim;
  const list = axes === undefined ? [...Array(r).keys()] : typeof axes === 'number' ? [axes] : [...axes];
  const out = list.map((a) => {
    const b = a < 0 ? a + r : a;
    if (!Number.isInteger(b) || b < 0 || b >= r) throw new Error(`${op}: axis ${a} is out of range for shape ${shapeStr(x.shape)}`);
    return b;
  });
  return [...new Set(out)].sort((p, q) => p - q);
}

/** Sum over `axes` (all when omitted). */
export function sum(x: Tensor, axes?: number | readonly number[], keepdims = false): Tensor {
  const ax = normAxes('sum', x, axes);
  const kept = x.shape.map((d, i) => (ax.includes(i) ? 1 : d));
  const outShape = keepdims ? kept : x.shape.filter((_, i) => !ax.includes(i));
  const out = zeros(outShape, x.dtype);
  const outStrides = stridesOf(kept).map((s, i) => (ax.includes(i) ? 0 : s));
  const c = collapseDims(x.shape, [stridesOf(x.shape), outStrides]);
  getKernels().sumReduce(c.shape, x.data, c.strides[1], out.data);
  return record(out, 'sum', [x], (g) => [expand(reshape(g, kept), x.shape)]);
}

/** Mean over `axes` (all when omitted). */
export function mean(x: Tensor, axes?: number | readonly number[], keepdims = false): Tensor {
  const ax = normAxes('mean', x, axes);
  let count = 1;
  for (const a of ax) count *= x.shape[a];
  return mulScalar(sum(x, ax, keepdims), 1 / count);
}

/** Broadcast x to `shape` (NumPy rules). Its gradient sums back (sumTo). */
export function expand(x: Tensor, shape: Shape): Tensor {
  if (sameShape(x.shape, shape)) return x;
  const target = broadcastShapes('expand', x.shape, shape);
  if (!sameShape(target, shape)) throw new Error(`expand: shape ${shapeStr(x.shape)} cannot be broadcast to ${shapeStr(shape)}`);
  const out = zeros(shape, x.dtype);
  const c = collapseDims(shape, [broadcastStrides(x.shape, shape)]);
  getKernels().copyStrided(c.shape, x.data, c.strides[0], out.data);
  return record(out, 'expand', [x], (g) => [sumTo(g, x.shape)]);
}

/** Sum a tensor of a broadcast shape back down to `shape` (the gradient of broadcasting). */
export function sumTo(g: Tensor, shape: Shape): Tensor {
  if (sameShape(g.shape, shape)) return g;
  const r = g.ndim, off = r - shape.length;
  if (off < 0) throw new Error(`sumTo: cannot reduce ${shapeStr(g.shape)} to ${shapeStr(shape)}`);
  const axes: number[] = [];
  for (let i = 0; i < r; i++) {
    const d = i < off ? 1 : shape[i - off];
    if (i < off || (d === 1 && g.shape[i] !== 1)) axes.push(i);
    else if (d !== g.shape[i]) throw new Error(`sumTo: cannot reduce ${shapeStr(g.shape)} to ${shapeStr(shape)}`);
  }
  const s = axes.length ? sum(g, axes, true) : g;
  return sizeOf(s.shape) === sizeOf(shape) && !sameShape(s.shape, shape) ? reshape(s, shape) : s;
}

/** Maximum along one axis (first index on ties); the gradient goes to the maximal entry. */
export function max(x: Tensor, axis: number, keepdims = false): Tensor {
  const a = normAxes('max', x, axis)[0];
  const outer = sizeOf(x.shape.slice(0, a)), n = x.shape[a], inner = sizeOf(x.shape.slice(a + 1));
  if (n === 0) throw new Error(`max: axis ${axis} of shape ${shapeStr(x.shape)} is empty`);
  const kept = x.shape.map((d, i) => (i === a ? 1 : d));
  const out = zeros(keepdims ? kept : x.shape.filter((_, i) => i !== a), x.dtype);
  const arg = new Int32Array(outer * inner);
  getKernels().maxReduce(outer, n, inner, x.data, out.data, arg);
  return record(out, 'max', [x], (g) => {
    const mask = zeros(x.shape, x.dtype);
    for (let o = 0; o < outer; o++) for (let j = 0; j < inner; j++) mask.data[(o * n + arg[o * inner + j]) * inner + j] = 1;
    return [mul(expand(reshape(g, kept), x.shape), mask)];
  });
}
