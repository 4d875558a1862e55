/**
 * Tensor: an immutable n-d array (float32 or float64, row-major, NCHW for images) plus the
 * autograd bookkeeping (does it need a gradient, which op made it).
 *
 * Owns: the Tensor class, creation helpers (tensor, zeros, ones, full, scalar, randn, rand),
 * shape utilities. Storage always comes from the active kernel backend's `alloc`. Ops never
 * write into an existing tensor's data; only optimisers update parameters in place.
 * Knows nothing of specific ops (see ops/) or of GANs.
 */
import { getKernels, type DType, type FloatArray } from './kernels/kernels.js';
import './kernels/ts/index.js'; // the always-available fallback backend registers itself
import type { Rng } from './random.js';
import { backwardFrom, type GradNode } from './autograd.js';

export type { DType, FloatArray };
export type Shape = readonly number[];

export function sizeOf(shape: Shape): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

export function shapeStr(shape: Shape): string {
  return `[${shape.join(', ')}]`;
}

export function sameShape(a: Shape, b: Shape): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Contiguous row-major strides of a shape. */
export function stridesOf(shape: Shape): number[] {
  const s = new Array<number>(shape.length);
  let acc = 1;
  for (let i = shape.length - 1; i >= 0; i--) { s[i] = acc; acc *= shape[i]; }
  return s;
}

function checkShape(shape: Shape): void {
  for (const d of shape) if (!Number.isInteger(d) || d < 0) throw new Error(`invalid shape ${shapeStr(shape)}`);
}

export class Tensor {
  readonly data: FloatArray;
  readonly shape: Shape;
  readonly dtype: DType;
  /** True for parameters and for anything computed from them while gradients are recorded. */
  requiresGrad = false;
  /** The op that produced this tensor (null for leaves and constants). */
  node: GradNode | null = null;
  /** Accumulated gradient of a leaf after `backward()`. */
  grad: Tensor | null = null;

  constructor(data: FloatArray, shape: Shape, dtype?: DType) {
    checkShape(shape);
    this.dtype = dtype ?? (data instanceof Float32Array ? 'float32' : 'float64');
    if ((this.dtype === 'float32') !== (data instanceof Float32Array)) throw new Error(`tensor data is a ${data.constructor.name} but the dtype says ${this.dtype}`);
    if (data.length !== sizeOf(shape)) throw new Error(`tensor data of length ${data.length} does not fit shape ${shapeStr(shape)}`);
    this.data = data;
    this.shape = Object.freeze([...shape]);
  }

  get size(): number { return this.data.length; }
  get ndim(): number { return this.shape.length; }

  /** The value of a one-element tensor. */
  item(): number {
    if (this.data.length !== 1) throw new Error(`item() needs a one-element tensor, got shape ${shapeStr(this.shape)}`);
    return this.data[0];
  }

  /** A plain array copy of the values (flat, row-major). */
  toArray(): number[] { return Array.from(this.data); }

  /** The same values, cut from the graph (shares storage). */
  detach(): Tensor { return new Tensor(this.data, this.shape, this.dtype); }

  /** Mark a leaf as needing a gradient (parameters, inputs of gradient penalties). */
  requireGrad(flag = true): this {
    if (this.node !== null) throw new Error('requireGrad() applies to leaf tensors only');
    this.requiresGrad = flag;
    return this;
  }

  /** Reverse-mode sweep from this tensor: every leaf that requires a gradient gets `.grad`
   *  (accumulated if already set). A non-scalar needs `gradOutput`. No graph is built. */
  backward(gradOutput?: Tensor): void { backwardFrom(this, gradOutput); }

  toString(): string { return `Tensor(${this.dtype}, ${shapeStr(this.shape)})`; }
}

/** A zero tensor. */
export function zeros(shape: Shape, dtype: DType = 'float32'): Tensor {
  checkShape(shape);
  if (dtype !== 'float32' && dtype !== 'float64') throw new TypeError(`tensor: dtype must be 'float32' or 'float64', got ${JSON.stringify(dtype)}`);
  return new Tensor(getKernels().alloc(dtype, sizeOf(shape)), shape, dtype);
}

export function full(shape: Shape, value: number, dtype: DType = 'float32'): Tensor {
  const t = zeros(shape, dtype);
  if (value !== 0) t.data.fill(value);
  return t;
}

export function ones(shape: Shape, dtype: DType = 'float32'): Tensor { return full(shape, 1, dtype); }

export function scalar(value: number, dtype: DType = 'float32'): Tensor { return full([], value, dtype); }

/** A tensor from values (copied into backend storage). Without `shape`, a 1-d tensor. */
export function tensor(values: ArrayLike<number>, shape?: Shape, dtype: DType = 'float32'): Tensor {
  const sh = shape ?? [values.length];
  if (sizeOf(sh) !== values.length) throw new Error(`tensor(): ${values.length} values do not fit shape ${shapeStr(sh)}`);
  const t = zeros(sh, dtype);
  t.data.set(values);
  return t;
}

/** A tensor whose element i (flat index) is f(i). */
export function fromFunction(shape: Shape, f: (i: number) => number, dtype: DType = 'float32'): Tensor {
  const t = zeros(shape, dtype);
  const d = t.data;
  for (let i = 0; i < d.length; i++) d[i] = f(i);
  return t;
}

/** Standard normal draws from `rng`, in flat order. */
export function randn(shape: Shape, rng: Rng, dtype: DType = 'float32'): Tensor {
  return fromFunction(shape, () => rng.normal(), dtype);
}

/** Uniform draws in [low, high) from `rng`, in flat order. */
export function rand(shape: Shape, rng: Rng, low = 0, high = 1, dtype: DType = 'float32'): Tensor {
  return fromFunction(shape, () => low + (high - low) * rng.uniform(), dtype);
}

/** A copy in another dtype (or the same). Not differentiable (use on leaves/constants). */
export function cast(x: Tensor, dtype: DType): Tensor {
  const t = zeros(x.shape, dtype);
  t.data.set(x.data);
  return t;
}

/** A fresh copy of the storage (a leaf, no graph). */
export function clone(x: Tensor): Tensor { return cast(x, x.dtype); }
