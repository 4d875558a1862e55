/**
 * Host side of the wasm convolution helpers: im2col / col2im for one image and the strided
 * copy (transposes) the batched convolution uses, run in AssemblyScript when every array is a
 * float32 view into the wasm heap; returns false to let the caller use the TypeScript kernel.
 * Knows nothing of tensors.
 */
import type { FloatArray } from '../kernels.js';
import type { WasmHeap } from './heap.js';
import type { KernelExports } from './runtime.js';

function inHeap(heap: WasmHeap, ...arrays: FloatArray[]): boolean {
  for (const a of arrays) if (!(a instanceof Float32Array) || !heap.owns(a)) return false;
  return true;
}

export function im2colWasm(ex: KernelExports, heap: WasmHeap, x: FloatArray, c: number, h: number, w: number,
  kh: number, kw: number, sh: number, sw: number, ph: number, pw: number, oh: number, ow: number, col: FloatArray, ld: number): boolean {
  if (!inHeap(heap, x, col)) return false;
  ex.im2colF32(x.byteOffset, c, h, w, kh, kw, sh, sw, ph, pw, oh, ow, col.byteOffset, ld);
  return true;
}

export function col2imWasm(ex: KernelExports, heap: WasmHeap, col: FloatArray, c: number, h: number, w: number,
  kh: number, kw: number, sh: number, sw: number, ph: number, pw: number, oh: number, ow: number, x: FloatArray, ld: number): boolean {
  if (!inHeap(heap, x, col)) return false;
  ex.col2imF32(col.byteOffset, c, h, w, kh, kw, sh, sw, ph, pw, oh, ow, x.byteOffset, ld);
  return true;
}

export function copyStridedWasm(ex: KernelExports, heap: WasmHeap, shape: readonly number[], x: FloatArray,
  xStrides: readonly number[], out: FloatArray): boolean {
  if (!inHeap(heap, x, out) || xStrides.some((s) => s < 0)) return false;
  // Merge dims contiguous in x (out is contiguous), dropping dims of size 1.
  const s: number[] = [], st: number[] = [];
  for (let d = 0; d < shape.length; d++) {
    if (shape[d] === 1) continue;
    const last = s.length - 1;
    if (last >= 0 && st[last] === xStrides[d] * shape[d]) { s[last] *= shape[d]; st[last] = xStrides[d]; }
    else { s.push(shape[d]); st.push(xStrides[d]); }
  }
  const px = x.byteOffset, po = out.byteOffset, r = s.length;
  if (r === 0) { ex.copy2dF32(1, 1, px, 0, 0, po); return true; }
  if (r === 1) { ex.copy2dF32(1, s[0], px, 0, st[0], po); return true; }
  const rows = s[r - 2], n = s[r - 1];
  let outer = 1;
  for (let d = 0; d < r - 2; d++) outer *= s[d];
  const idx = new Array<number>(r - 2).fill(0);
  let ix = 0;
  for (let t = 0; t < outer; t++) {
    ex.copy2dF32(rows, n, px + ix * 4, st[r - 2], st[r - 1], po + t * rows * n * 4);
    for (let d = r - 3; d >= 0; d--) {
      idx[d]++; ix += st[d];
      if (idx[d] < s[d]) break;
      ix -= st[d] * s[d]; idx[d] = 0;
    }
  }
  return true;
}
