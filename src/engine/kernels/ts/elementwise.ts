/**
 * Plain TypeScript elementwise and reduction kernels for the `ts` backend.
 *
 * Owns: unary, binary (strided, broadcasting), sumReduce, maxReduce, copyStrided, row
 * gather/scatter and the Adam update. Loops over typed arrays only; the op switch sits outside
 * the loops. Knows nothing of tensors.
 */
import type { BinaryOp, FloatArray, UnaryOp } from '../kernels.js';

export function unary(op: UnaryOp, x: FloatArray, out: FloatArray, param: number): void {
  const n = out.length;
  switch (op) {
    case 'neg': for (let i = 0; i < n; i++) out[i] = -x[i]; break;
    case 'exp': for (let i = 0; i < n; i++) out[i] = Math.exp(x[i]); break;
    case 'log': for (let i = 0; i < n; i++) out[i] = Math.log(x[i]); break;
    case 'tanh': for (let i = 0; i < n; i++) out[i] = Math.tanh(x[i]); break;
    case 'sigmoid':
      for (let i = 0; i < n; i++) {
        const v = x[i];
        if (v >= 0) out[i] = 1 / (1 + Math.exp(-v));
        else { const e = Math.exp(v); out[i] = e / (1 + e); }
      }
      break;
    case 'sqrt': for (let i = 0; i < n; i++) out[i] = Math.sqrt(x[i]); break;
    case 'abs': for (let i = 0; i < n; i++) out[i] = Math.abs(x[i]); break;
    case 'sign': for (let i = 0; i < n; i++) { const v = x[i]; out[i] = v > 0 ? 1 : v < 0 ? -1 : 0; } break;
    case 'softplus':
      for (let i = 0; i < n; i++) { const v = x[i]; out[i] = Math.max(v, 0) + Math.log1p(Math.exp(-Math.abs(v))); }
      break;
    case 'leakyRelu': for (let i = 0; i < n; i++) { const v = x[i]; out[i] = v > 0 ? v : param * v; } break;
    case 'leakyMask': for (let i = 0; i < n; i++) out[i] = x[i] > 0 ? 1 : param; break;
    case 'pow':
      if (param === 2) for (let i = 0; i < n; i++) { const v = x[i]; out[i] = v * v; }
      else for (let i = 0; i < n; i++) out[i] = Math.pow(x[i], param);
      break;
    case 'scale': for (let i = 0; i < n; i++) out[i] = x[i] * param; break;
    case 'addScalar': for (let i = 0; i < n; i++) out[i] = x[i] + param; break;
    case 'gtMask': for (let i = 0; i < n; i++) out[i] = x[i] > param ? 1 : 0; break;
    default: throw new Error(`unary kernel: unknown op ${op as string}`);
  }
}

/** The innermost strided loop of a binary op. */
function inner(op: BinaryOp, n: number, a: FloatArray, ia: number, sa: number, b: FloatArray, ib: number, sb: number, out: FloatArray, io: number): void {
  switch (op) {
    case 'add':
      if (sa === 1 && sb === 1) for (let j = 0; j < n; j++) out[io + j] = a[ia + j] + b[ib + j];
      else if (sa === 1 && sb === 0) { const y = b[ib]; for (let j = 0; j < n; j++) out[io + j] = a[ia + j] + y; }
      else for (let j = 0; j < n; j++, ia += sa, ib += sb) out[io + j] = a[ia] + b[ib];
      break;
    case 'sub':
      if (sa === 1 && sb === 1) for (let j = 0; j < n; j++) out[io + j] = a[ia + j] - b[ib + j];
      else if (sa === 1 && sb === 0) { const y = b[ib]; for (let j = 0; j < n; j++) out[io + j] = a[ia + j] - y; }
      else for (let j = 0; j < n; j++, ia += sa, ib += sb) out[io + j] = a[ia] - b[ib];
      break;
    case 'mul':
      if (sa === 1 && sb === 1) for (let j = 0; j < n; j++) out[io + j] = a[ia + j] * b[ib + j];
      else if (sa === 1 && sb === 0) { const y = b[ib]; for (let j = 0; j < n; j++) out[io + j] = a[ia + j] * y; }
      else for (let j = 0; j < n; j++, ia += sa, ib += sb) out[io + j] = a[ia] * b[ib];
      break;
    case 'div':
      if (sa === 1 && sb === 1) for (let j = 0; j < n; j++) out[io + j] = a[ia + j] / b[ib + j];
      else for (let j = 0; j < n; j++, ia += sa, ib += sb) out[io + j] = a[ia] / b[ib];
      break;
    default: throw new Error(`binary kernel: unknown op ${op as string}`);
  }
}

export function binary(op: BinaryOp, shape: readonly number[], a: FloatArray, aStrides: readonly number[],
  b: FloatArray, bStrides: readonly number[], out: FloatArray): void {
  const r = shape.length;
  if (r === 0) { inner(op, 1, a, 0, 0, b, 0, 0, out, 0); return; }
  const n = shape[r - 1], sa = aStrides[r - 1], sb = bStrides[r - 1];
  if (r === 1) { inner(op, n, a, 0, sa, b, 0, sb, out, 0); return; }
  if (r === 2) {
    for (let i = 0, io = 0; i < shape[0]; i++, io += n) inner(op, n, a, i * aStrides[0], sa, b, i * bStrides[0], sb, out, io);
    return;
  }
  const idx = new Array<number>(r - 1).fill(0);
  let outer = 1;
  for (let d = 0; d < r - 1; d++) outer *= shape[d];
  let ia = 0, ib = 0;
  for (let t = 0, io = 0; t < outer; t++, io += n) {
    inner(op, n, a, ia, sa, b, ib, sb, out, io);
    for (let d = r - 2; d >= 0; d--) {
      idx[d]++; ia += aStrides[d]; ib += bStrides[d];
      if (idx[d] < shape[d]) break;
      ia -= aStrides[d] * shape[d]; ib -= bStrides[d] * shape[d]; idx[d] = 0;
    }
  }
}

export function sumReduce(shape: readonly number[], x: FloatArray, outStrides: readonly number[], out: FloatArray): void {
  out.fill(0);
  const r = shape.length;
  if (r === 0) { out[0] = x[0]; return; }
  const n = shape[r - 1], so = outStrides[r - 1];
  let outer = 1;
  for (let d = 0; d < r - 1; d++) outer *= shape[d];
  const idx = new Array<number>(Math.max(r - 1, 0)).fill(0);
  let io = 0;
  for (let t = 0, ix = 0; t < outer; t++, ix += n) {
    if (so === 0) {
      let s = 0;
      for (let j = 0; j < n; j++) s += x[ix + j];
      out[io] += s;
    } else {
      for (let j = 0; j < n; j++) out[io + j * so] += x[ix + j];
    }
    for (let d = r - 2; d >= 0; d--) {
      idx[d]++; io += outStrides[d];
      if (idx[d] < shape[d]) break;
      io -= outStrides[d] * shape[d]; idx[d] = 0;
    }
  }
}

export function maxReduce(outer: number, n: number, inner: number, x: FloatArray, out: FloatArray, argmax: Int32Array): void {
  for (let o = 0; o < outer; o++) {
    const base = o * n * inner;
    for (let j = 0; j < inner; j++) {
      let best = x[base + j], bi = 0;
      for (let i = 1; i < n; i++) { const v = x[base + i * inner + j]; if (v > best || (v !== v && best === best)) { best = v; bi = i; } }
      out[o * inner + j] = best;
      argmax[o * inner + j] = bi;
    }
  }
}

export function copyStrided(shape: readonly number[], x: FloatArray, xStrides: readonly number[], out: FloatArray): void {
  const r = shape.length;
  if (r === 0) { out[0] = x[0]; return; }
  const n = shape[r - 1], sx = xStrides[r - 1];
  let outer = 1;
  for (let d = 0; d < r - 1; d++) outer *= shape[d];
  const idx = new Array<number>(Math.max(r - 1, 0)).fill(0);
  let ix = 0;
  for (let t = 0, io = 0; t < outer; t++, io += n) {
    if (sx === 1) for (let j = 0; j < n; j++) out[io + j] = x[ix + j];
    else for (let j = 0, k = ix; j < n; j++, k += sx) out[io + j] = x[k];
    for (let d = r - 2; d >= 0; d--) {
      idx[d]++; ix += xStrides[d];
      if (idx[d] < shape[d]) break;
      ix -= xStrides[d] * shape[d]; idx[d] = 0;
    }
  }
}

export function gatherRows(x: FloatArray, rowLen: number, idx: Int32Array, out: FloatArray): void {
  for (let r = 0; r < idx.length; r++) out.set(x.subarray(idx[r] * rowLen, idx[r] * rowLen + rowLen), r * rowLen);
}

export function scatterAddRows(g: FloatArray, rowLen: number, idx: Int32Array, out: FloatArray): void {
  for (let r = 0; r < idx.length; r++) {
    const o = idx[r] * rowLen, s = r * rowLen;
    for (let j = 0; j < rowLen; j++) out[o + j] += g[s + j];
  }
}

export function adam(p: FloatArray, g: FloatArray, m: FloatArray, v: FloatArray,
  lr: number, b1: number, b2: number, eps: number, bc1: number, bc2: number): void {
  const stepSize = lr / bc1, sq2 = Math.sqrt(bc2);
  for (let i = 0; i < p.length; i++) {
    const gi = g[i];
    const mi = b1 * m[i] + (1 - b1) * gi;
    const vi = b2 * v[i] + (1 - b2) * gi * gi;
    m[i] = mi; v[i] = vi;
    p[i] -= stepSize * mi / (Math.sqrt(vi) / sq2 + eps);
  }
}
