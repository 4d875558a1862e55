/**
 * Host side of the wasm elementwise kernels: decides when an elementwise call can run in the
 * AssemblyScript SIMD code (float32 arrays living in the wasm heap, an op it implements) and
 * reduces a strided broadcasting binary op to 2-D calls. Returns false to let the caller fall
 * back to the TypeScript kernel. Knows nothing of tensors.
 */
import type { BinaryOp, FloatArray, UnaryOp } from '../kernels.js';
import type { WasmHeap } from './heap.js';
import type { KernelExports } from './runtime.js';

const UNARY_CODES: Partial<Record<UnaryOp, number>> = {
  neg: 0, abs: 1, leakyRelu: 2, leakyMask: 3, scale: 4, addScalar: 5, gtMask: 6, sqrt: 7, sign: 9,
};
const BINARY_CODES: Record<BinaryOp, number> = { add: 0, sub: 1, mul: 2, div: 3 };
const SQUARE = 8;

export function unaryWasm(ex: KernelExports, heap: WasmHeap, op: UnaryOp, x: FloatArray, out: FloatArray, param: number): boolean {
  if (!(x instanceof Float32Array) || !(out instanceof Float32Array) || !heap.owns(x) || !heap.owns(out)) return false;
  const code = op === 'pow' ? (param === 2 ? SQUARE : undefined) : UNARY_CODES[op];
  if (code === undefined) return false;
  ex.unaryF32(code, out.length, x.byteOffset, out.byteOffset, param);
  return true;
}

/** Merges adjacent dims that are contiguous in every operand; returns [shape, aStrides, bStrides]. */
function collapse(shape: readonly number[], as: readonly number[], bs: readonly number[]): [number[], number[], number[]] {
  const s: number[] = [], a: number[] = [], b: number[] = [];
  for (let d = 0; d < shape.length; d++) {
    if (shape[d] === 1) continue;
    const last = s.length - 1;
    if (last >= 0 && a[last] === as[d] * shape[d] && b[last] === bs[d] * shape[d]) {
      s[last] *= shape[d]; a[last] = as[d]; b[last] = bs[d];
    } else { s.push(shape[d]); a.push(as[d]); b.push(bs[d]); }
  }
  return [s, a, b];
}

export function binaryWasm(ex: KernelExports, heap: WasmHeap, op: BinaryOp, shape: readonly number[],
  a: FloatArray, aStrides: readonly number[], b: FloatArray, bStrides: readonly number[], out: FloatArray): boolean {
  if (!(a instanceof Float32Array) || !(b instanceof Float32Array) || !(out instanceof Float32Array)) return false;
  if (!heap.owns(a) || !heap.owns(b) || !heap.owns(out)) return false;
  const code = BINARY_CODES[op];
  if (code === undefined) return false;
  const [s, as, bs] = collapse(shape, aStrides, bStrides);
  const pa = a.byteOffset, pb = b.byteOffset, po = out.byteOffset;
  const r = s.length;
  if (r === 0) { ex.binary2dF32(code, 1, 1, pa, 0, 0, pb, 0, 0, po); return true; }
  if (r === 1) { ex.binary2dF32(code, 1, s[0], pa, 0, as[0], pb, 0, bs[0], po); return true; }
  const rows = s[r - 2], n = s[r - 1];
  let outer = 1;
  for (let d = 0; d < r - 2; d++) outer *= s[d];
  const idx = new Array<number>(Math.max(0, r - 2)).fill(0);
  let ia = 0, ib = 0;
  for (let t = 0; t < outer; t++) {
    ex.binary2dF32(code, rows, n, pa + ia * 4, as[r - 2], as[r - 1], pb + ib * 4, bs[r - 2], bs[r - 1], po + t * rows * n * 4);
    for (let d = r - 3; d >= 0; d--) {
      idx[d]++; ia += as[d]; ib += bs[d];
      if (idx[d] < s[d]) break;
      ia -= as[d] * s[d]; ib -= bs[d] * s[d]; idx[d] = 0;
    }
  }
  return true;
}

/** Sum reductions whose kept dims form one contiguous block (bias gradients, row and column
 *  sums, full sums): x as (outer, mid, inner), out[mid]. Other patterns return false. */
export function sumReduceWasm(ex: KernelExports, heap: WasmHeap, shape: readonly number[], x: FloatArray,
  outStrides: readonly number[], out: FloatArray): boolean {
  if (!(x instanceof Float32Array) || !(out instanceof Float32Array) || !heap.owns(x) || !heap.owns(out)) return false;
  let first = -1, last = -1;
  for (let d = 0; d < shape.length; d++) {
    if (shape[d] === 1 || outStrides[d] === 0) continue;
    if (first < 0) first = d;
    last = d;
  }
  let outer = 1, mid = 1, inner = 1, expect = 1;
  if (first >= 0) {
    for (let d = last; d >= first; d--) {
      if (shape[d] === 1) continue;
      if (outStrides[d] !== expect) return false; // a reduced dim inside the kept block, or a permuted out
      expect *= shape[d];
    }
    for (let d = 0; d < first; d++) outer *= shape[d];
    for (let d = first; d <= last; d++) mid *= shape[d];
    for (let d = last + 1; d < shape.length; d++) inner *= shape[d];
  } else {
    for (const s of shape) inner *= s;
  }
  if (out.length !== mid) return false;
  ex.sumKeepMidF32(outer, mid, inner, x.byteOffset, out.byteOffset);
  return true;
}
