/**
 * Shape ops and their gradients: reshape/flatten (storage shared), permute/transpose, narrow
 * (slice along a dim), concat, padDim (zero padding along a dim; narrow's adjoint),
 * indexSelect (gather rows along dim 0) and indexAdd (its adjoint). Compute goes through the
 * kernel seam only.
 */
import { getKernels } from '../kernels/kernels.js';
import { Tensor, zeros, shapeStr, sizeOf, stridesOf, type Shape } from '../tensor.js';
import { record } from '../autograd.js';
import { collapseDims } from './elementwise.js';

/** Same values, new shape (one dim may be -1). Shares storage. */
export function reshape(x: Tensor, shape: Shape): Tensor {
  const sh = [...shape];
  const inf = sh.indexOf(-1);
  if (inf >= 0) {
    const rest = sizeOf(sh.filter((_, i) => i !== inf));
    if (rest === 0 || x.size % rest !== 0) throw new Error(`reshape: cannot reshape ${shapeStr(x.shape)} to ${shapeStr(shape)}`);
    sh[inf] = x.size / rest;
  }
  if (sizeOf(sh) !== x.size) throw new Error(`reshape: cannot reshape ${shapeStr(x.shape)} (${x.size} values) to ${shapeStr(shape)}`);
  const out = new Tensor(x.data, sh, x.dtype);
  return record(out, 'reshape', [x], (g) => [reshape(g, x.shape)]);
}

/** Keep dims before `start`, merge the rest into one (flatten(x) of NCHW gives N×(C·H·W)). */
export function flatten(x: Tensor, start = 1): Tensor {
  return reshape(x, [...x.shape.slice(0, start), sizeOf(x.shape.slice(start))]);
}

/** Reorder dims: out.shape[i] = x.shape[perm[i]]. */
export function permute(x: Tensor, perm: readonly number[]): Tensor {
  const r = x.ndim;
  if (perm.length !== r || [...perm].sort((a, b) => a - b).some((p, i) => p !== i)) throw new Error(`permute: [${perm.join(', ')}] is not a permutation of the dims of ${shapeStr(x.shape)}`);
  const shape = perm.map((p) => x.shape[p]);
  const xs = stridesOf(x.shape);
  const out = zeros(shape, x.dtype);
  const c = collapseDims(shape, [perm.map((p) => xs[p]), stridesOf(shape)]);
  getKernels().copyStrided(c.shape, x.data, c.strides[0], out.data);
  const inv = new Array<number>(r);
  perm.forEach((p, i) => { inv[p] = i; });
  return record(out, 'permute', [x], (g) => [permute(g, inv)]);
}

/** Swap two dims (2-d transpose by default). */
export function transpose(x: Tensor, d0 = 0, d1 = 1): Tensor {
  const perm = [...Array(x.ndim).keys()];
  perm[d0] = d1; perm[d1] = d0;
  return permute(x, perm);
}

function normDim(op: string, x: Tensor, dim: number): number {
  const d = dim < 0 ? dim + x.ndim : dim;
  if (!Number.isInteger(d) || d < 0 || d >= x.ndim) throw new Error(`${op}: dim ${dim} is out of range for shape ${shapeStr(x.shape)}`);
  return d;
}

/** Copy blocks: for each of `outer` blocks, `len` values from src at srcOff + o·srcStride to
 *  dst at dstOff + o·dstStride (plain typed-array copies, valid for any backend's storage). */
function copyBlocks(src: Tensor, srcOff: number, srcStride: number, dst: Tensor, dstOff: number, dstStride: number, len: number, outer: number): void {
  const s = src.data, d = dst.data;
  for (let o = 0; o < outer; o++) {
    const so = srcOff + o * srcStride;
    d.set(s.subarray(so, so + len), dstOff + o * dstStride);
  }
}

/** x[..., start:start+length, ...] along `dim`. */
export function narrow(x: Tensor, dim: number, start: number, length: number): Tensor {
  const d = normDim('narrow', x, dim);
  if (start < 0 || length < 0 || start + length > x.shape[d]) throw new Error(`narrow: [${start}, ${start + length}) is out of range for dim ${dim} of ${shapeStr(x.shape)}`);
  const shape = x.shape.map((s, i) => (i === d ? length : s));
  const inner = sizeOf(x.shape.slice(d + 1)), outer = sizeOf(x.shape.slice(0, d));
  const out = zeros(shape, x.dtype);
  if (out.size > 0) {
    copyBlocks(x, start * inner, x.shape[d] * inner, out, 0, length * inner, length * inner, outer);
  }
  return record(out, 'narrow', [x], (g) => [padDim(g, d, start, x.shape[d] - start - length)]);
}

/** Zero padding along `dim`: `before` zeros, x, `after` zeros. Its gradient is narrow. */
export function padDim(x: Tensor, dim: number, before: number, after: number): Tensor {
  const d = normDim('padDim', x, dim);
  const n = x.shape[d], total = before + n + after;
  const shape = x.shape.map((s, i) => (i === d ? total : s));
  const inner = sizeOf(x.shape.slice(d + 1)), outer = sizeOf(x.shape.slice(0, d));
  const out = zeros(shape, x.dtype);
  if (x.size > 0) copyBlocks(x, 0, n * inner, out, before * inner, total * inner, n * inner, outer);
  return record(out, 'padDim', [x], (g) => [narrow(g, d, before, n)]);
}

/** Join tensors along `dim` (all other dims equal). */
export function concat(xs: readonly Tensor[], dim = 0): Tensor {
  if (xs.length === 0) throw new Error('concat: no tensors given');
  const first = xs[0];
  const d = normDim('concat', first, dim);
  for (const t of xs) {
    if (t.ndim !== first.ndim || t.dtype !== first.dtype || t.shape.some((s, i) => i !== d && s !== first.shape[i])) {
      throw new Error(`concat: shapes ${xs.map((u) => shapeStr(u.shape)).join(', ')} do not match outside dim ${dim}`);
    }
  }
  const total = xs.reduce((a, t) => a + t.shape[d], 0);
  const shape = first.shape.map((s, i) => (i === d ? total : s));
  const inner = sizeOf(first.shape.slice(d + 1)), outer = sizeOf(first.shape.slice(0, d));
  const out = zeros(shape, first.dtype);
  const offsets: number[] = [];
  let off = 0;
  for (const t of xs) {
    offsets.push(off);
    if (t.size > 0) copyBlocks(t, 0, t.shape[d] * inner, out, off * inner, total * inner, t.shape[d] * inner, outer);
    off += t.shape[d];
  }
  return record(out, 'concat', xs, (g, needs) => xs.map((t, i) => (needs[i] ? narrow(g, d, offsets[i], t.shape[d]) : null)));
}

function checkIndex(op: string, idx: Int32Array, n: number): void {
  for (const i of idx) if (i < 0 || i >= n) throw new Error(`${op}: index ${i} is out of range [0, ${n})`);
}

/** Rows of x along dim 0: out[r] = x[idx[r]]. */
export function indexSelect(x: Tensor, idx: Int32Array | readonly number[]): Tensor {
  const ix = idx instanceof Int32Array ? idx : Int32Array.from(idx);
  if (x.ndim === 0) throw new Error('indexSelect: needs at least one dim');
  checkIndex('indexSelect', ix, x.shape[0]);
  const rowLen = sizeOf(x.shape.slice(1));
  const out = zeros([ix.length, ...x.shape.slice(1)], x.dtype);
  getKernels().gatherRows(x.data, rowLen, ix, out.data);
  return record(out, 'indexSelect', [x], (g) => [indexAdd(g, ix, x.shape[0])]);
}

/** The adjoint of indexSelect: a tensor with `n` rows where row idx[r] accumulates g[r]. */
export function indexAdd(g: Tensor, idx: Int32Array | readonly number[], n: number): Tensor {
  const ix = idx instanceof Int32Array ? idx : Int32Array.from(idx);
  if (g.ndim === 0 || g.shape[0] !== ix.length) throw new Error(`indexAdd: ${ix.length} indices for shape ${shapeStr(g.shape)}`);
  checkIndex('indexAdd', ix, n);
  const rowLen = sizeOf(g.shape.slice(1));
  const out = zeros([n, ...g.shape.slice(1)], g.dtype);
  getKernels().scatterAddRows(g.data, rowLen, ix, out.data);
  return record(out, 'indexAdd', [g], (gg) => [indexSelect(gg, ix)]);
}
