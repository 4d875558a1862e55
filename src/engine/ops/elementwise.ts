/**
 * Elementwise ops and their gradients: arithmetic with NumPy broadcasting (add, sub, mul, div),
 * scalar forms, and the unary functions (neg, exp, log, tanh, sigmoid, sqrt, abs, softplus,
 * relu, leakyRelu, pow). Every backward rule uses these same differentiable ops; the masks of
 * relu/leakyRelu/abs are constants, so their second-order path costs one multiplication.
 * Compute goes through the kernel seam only. Knows nothing of GANs.
 */
import { getKernels, type UnaryOp, type BinaryOp } from '../kernels/kernels.js';
import { Tensor, shapeStr, sameShape, stridesOf, sizeOf, type Shape } from '../tensor.js';
import { record } from '../autograd.js';
import { sumTo } from './reduce.js';

export type Operand = Tensor | number;

function checkDtypes(op: string, a: Tensor, b: Tensor): void {
  if (a.dtype !== b.dtype) throw new Error(`${op}: dtypes differ (${a.dtype} ${shapeStr(a.shape)} vs ${b.dtype} ${shapeStr(b.shape)})`);
}

/** The NumPy broadcast of two shapes; the error names the op and both shapes. */
export function broadcastShapes(op: string, a: Shape, b: Shape): number[] {
  const r = Math.max(a.length, b.length);
  const out = new Array<number>(r);
  for (let i = 0; i < r; i++) {
    const da = a[a.length - r + i] ?? 1, db = b[b.length - r + i] ?? 1;
    if (da !== db && da !== 1 && db !== 1) throw new Error(`${op}: shapes ${shapeStr(a)} and ${shapeStr(b)} cannot be broadcast together`);
    out[i] = da === 1 ? db : da;
  }
  return out;
}

/** Strides of `shape` read as broadcast to `outShape` (0 along broadcast dims). */
export function broadcastStrides(shape: Shape, outShape: Shape): number[] {
  const s = stridesOf(shape);
  const r = outShape.length, off = r - shape.length;
  const out = new Array<number>(r).fill(0);
  for (let i = 0; i < shape.length; i++) out[off + i] = shape[i] === 1 ? 0 : s[i];
  return out;
}

/** Merge adjacent dims that every stride list walks contiguously; drop size-1 dims. */
export function collapseDims(shape: Shape, strides: readonly (readonly number[])[]): { shape: number[]; strides: number[][] } {
  const sh: number[] = [];
  const st: number[][] = strides.map(() => []);
  for (let i = 0; i < shape.length; i++) {
    if (shape[i] === 1) continue;
    const last = sh.length - 1;
    if (last >= 0 && strides.every((s, k) => st[k][last] === s[i] * shape[i])) {
      sh[last] *= shape[i];
      strides.forEach((s, k) => { st[k][last] = s[i]; });
    } else {
      sh.push(shape[i]);
      strides.forEach((s, k) => st[k].push(s[i]));
    }
  }
  return { shape: sh, strides: st };
}

/** Output storage every element of which the kernel writes: not zeroed where the backend
 *  offers uninitialised storage. */
function outputFor(shape: Shape, dtype: Tensor['dtype']): Tensor {
  const k = getKernels(), n = sizeOf(shape);
  return new Tensor(k.allocScratch ? k.allocScratch(dtype, n) : k.alloc(dtype, n), shape, dtype);
}

/** Broadcast binary arithmetic without recording. */
export function binaryRaw(kop: BinaryOp, a: Tensor, b: Tensor): Tensor {
  checkDtypes(kop, a, b);
  const shape = sameShape(a.shape, b.shape) ? a.shape : broadcastShapes(kop, a.shape, b.shape);
  const out = outputFor(shape, a.dtype);
  const c = collapseDims(shape, [broadcastStrides(a.shape, shape), broadcastStrides(b.shape, shape)]);
  getKernels().binary(kop, c.shape, a.data, c.strides[0], b.data, c.strides[1], out.data);
  return out;
}

/** Elementwise function without recording (also used for constant masks). */
export function unaryRaw(kop: UnaryOp, x: Tensor, param = 0): Tensor {
  const out = outputFor(x.shape, x.dtype);
  getKernels().unary(kop, x.data, out.data, param);
  return out;
}

function unaryOp(name: string, kop: UnaryOp, x: Tensor, param: number, rule: (g: Tensor, out: Tensor) => Tensor): Tensor {
  const out = unaryRaw(kop, x, param);
  return record(out, name, [x], (g) => [rule(g, out)]);
}

// ---- arithmetic -------------------------------------------------------------------------

export function add(a: Operand, b: Operand): Tensor {
  if (typeof b === 'number') return addScalar(a as Tensor, b);
  if (typeof a === 'number') return addScalar(b, a);
  const out = binaryRaw('add', a, b);
  return record(out, 'add', [a, b], (g, n) => [n[0] ? sumTo(g, a.shape) : null, n[1] ? sumTo(g, b.shape) : null]);
}

export function sub(a: Operand, b: Operand): Tensor {
  if (typeof b === 'number') return addScalar(a as Tensor, -b);
  if (typeof a === 'number') return addScalar(neg(b), a);
  const out = binaryRaw('sub', a, b);
  return record(out, 'sub', [a, b], (g, n) => [n[0] ? sumTo(g, a.shape) : null, n[1] ? neg(sumTo(g, b.shape)) : null]);
}

export function mul(a: Operand, b: Operand): Tensor {
  if (typeof b === 'number') return mulScalar(a as Tensor, b);
  if (typeof a === 'number') return mulScalar(b, a);
  const out = binaryRaw('mul', a, b);
  return record(out, 'mul', [a, b], (g, n) => [n[0] ? sumTo(mul(g, b), a.shape) : null, n[1] ? sumTo(mul(g, a), b.shape) : null]);
}

export function div(a: Operand, b: Operand): Tensor {
  if (typeof b === 'number') return mulScalar(a as Tensor, 1 / b);
  if (typeof a === 'number') return mulScalar(pow(b, -1), a);
  const out = binaryRaw('div', a, b);
  return record(out, 'div', [a, b], (g, n) => [
    n[0] ? sumTo(div(g, b), a.shape) : null,
    n[1] ? sumTo(neg(div(mul(g, a), mul(b, b))), b.shape) : null,
  ]);
}

export function mulScalar(x: Tensor, c: number): Tensor {
  return unaryOp('mulScalar', 'scale', x, c, (g) => mulScalar(g, c));
}

export function addScalar(x: Tensor, c: number): Tensor {
  return unaryOp('addScalar', 'addScalar', x, c, (g) => g);
}

export function neg(x: Tensor): Tensor { return unaryOp('neg', 'neg', x, 0, (g) => neg(g)); }

/** x ** p for a constant exponent p. */
export function pow(x: Tensor, p: number): Tensor {
  return unaryOp('pow', 'pow', x, p, (g) => (p === 1 ? g : mul(g, mulScalar(pow(x, p - 1), p))));
}

export function square(x: Tensor): Tensor { return pow(x, 2); }

// ---- functions --------------------------------------------------------------------------

export function exp(x: Tensor): Tensor { return unaryOp('exp', 'exp', x, 0, (g, out) => mul(g, out)); }
export function log(x: Tensor): Tensor { return unaryOp('log', 'log', x, 0, (g) => div(g, x)); }
export function sqrt(x: Tensor): Tensor { return unaryOp('sqrt', 'sqrt', x, 0, (g, out) => div(g, mulScalar(out, 2))); }
export function tanh(x: Tensor): Tensor { return unaryOp('tanh', 'tanh', x, 0, (g, out) => mul(g, sub(1, mul(out, out)))); }
export function sigmoid(x: Tensor): Tensor { return unaryOp('sigmoid', 'sigmoid', x, 0, (g, out) => mul(g, mul(out, sub(1, out)))); }
export function softplus(x: Tensor): Tensor { return unaryOp('softplus', 'softplus', x, 0, (g) => mul(g, sigmoid(x))); }
/** |x|; the gradient at 0 is 0 (sign as a constant mask). */
export function abs(x: Tensor): Tensor { return unaryOp('abs', 'abs', x, 0, (g) => mul(g, unaryRaw('sign', x))); }

/** x > 0 ? x : slope·x. The backward multiplies by a constant mask (no second-order cost). */
export function leakyRelu(x: Tensor, slope = 0.01): Tensor {
  if (!Number.isFinite(slope)) throw new RangeError(`leakyRelu: the slope must be a finite number, got ${slope}`);
  return unaryOp('leakyRelu', 'leakyRelu', x, slope, (g) => mul(g, unaryRaw('leakyMask', x, slope)));
}

export function relu(x: Tensor): Tensor { return leakyRelu(x, 0); }

/** A constant 0/1 mask (no gradient): x > threshold. */
export function gtMask(x: Tensor, threshold = 0): Tensor { return unaryRaw('gtMask', x, threshold); }

/** cond ? a : b with a constant 0/1 `cond` tensor (broadcasting): a·cond + b·(1 − cond). */
export function where(cond: Tensor, a: Tensor, b: Tensor): Tensor {
  if (cond.requiresGrad) throw new Error('where: the condition must be a constant mask');
  return add(mul(a, cond), mul(b, unaryRaw('addScalar', unaryRaw('neg', cond), 1)));
}
