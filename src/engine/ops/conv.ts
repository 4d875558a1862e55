/**
 * Convolutions and their gradients: conv2d (NCHW, weight OC×C×kh×kw, stride, padding, bias),
 * convTranspose2d (PyTorch's conv_transpose2d: weight Cin×Cout×kh×kw, output_padding), and
 * conv2dWeightGrad (the weight gradient of conv2d as a tensor op). The three are linear in
 * each argument and each one's backward rule is written with the other two, so they can be
 * differentiated to any order. Compute goes through im2col/col2im, strided copies and gemm of
 * the seam: one product per image when the output plane is large (≥ 512 positions, no
 * regrouping copies), else one product per chunk of images (normally the whole batch) with
 * each image's columns written straight into the batched matrix. The forward keeps x's batched
 * columns for the weight gradient when the weight needs one.
 */
import { getKernels, type FloatArray } from '../kernels/kernels.js';
import { Tensor, zeros, shapeStr } from '../tensor.js';
import { record, isGradEnabled } from '../autograd.js';
import { add } from './elementwise.js';
import { reshape } from './shape.js';
import { sum } from './reduce.js';

export interface Conv2dOptions {
  stride?: number | readonly [number, number];
  padding?: number | readonly [number, number];
}

interface Geom { sh: number; sw: number; ph: number; pw: number }

function pair(v: number | readonly [number, number] | undefined, dflt: number): [number, number] {
  if (v === undefined) return [dflt, dflt];
  return typeof v === 'number' ? [v, v] : [v[0], v[1]];
}

function geom(o: Conv2dOptions): Geom {
  const [sh, sw] = pair(o.stride, 1), [ph, pw] = pair(o.padding, 0);
  // As PyTorch: a stride of 0 or NaN reached the memory allocator, 1.5 gave odd shapes.
  for (const [name, v, min] of [['stride', sh, 1], ['stride', sw, 1], ['padding', ph, 0], ['padding', pw, 0]] as const) {
    if (!(Number.isInteger(v) && v >= min)) throw new RangeError(`conv: ${name} must be ${min === 1 ? 'a positive' : 'a non-negative'} integer, got ${v}`);
  }
  return { sh, sw, ph, pw };
}

function outSide(op: string, size: number, k: number, s: number, p: number): number {
  const o = Math.floor((size + 2 * p - k) / s) + 1;
  if (o <= 0) throw new Error(`${op}: kernel ${k} with stride ${s} and padding ${p} leaves no output for input side ${size}`);
  return o;
}

/* Layout: images go through the matrix products in chunks (as many as fit SCRATCH values of
 * scratch per matrix; usually the whole batch). Within a chunk of nc images the columns sit
 * side by side: cols is K × (nc·P) with K = C·kh·kw and P = OH·OW output positions, and an
 * activation nc×C×P is regrouped as C × (nc·P). Every copy moves contiguous runs of P. */
let SCRATCH = 1 << 24;

/** Set the most scratch values a conv product may use (tests use a tiny limit to exercise the
 *  chunking); returns the previous limit. */
export function setConvScratchLimit(values: number): number {
  const prev = SCRATCH;
  SCRATCH = values;
  return prev;
}

function chunkOf(n: number, perImage: number): number {
  return Math.max(1, Math.min(n, Math.floor(SCRATCH / Math.max(1, perImage))));
}

/** Scratch storage the caller overwrites entirely (not zeroed where the backend allows). */
function scratch(dtype: Tensor['dtype'], length: number): FloatArray {
  const k = getKernels();
  return k.allocScratch ? k.allocScratch(dtype, length) : k.alloc(dtype, length);
}

/** im2col of nc images (x: nc×C×H×W values), side by side: K × (nc·P), each image's columns
 *  written straight into its place (row stride nc·P). */
function colsOf(x: FloatArray, nc: number, c: number, h: number, wd: number, geo: Geom, kh: number, kw: number, oh: number, ow: number, dtype: Tensor['dtype'], onesRow = false): FloatArray {
  const K = c * kh * kw, P = oh * ow, k = getKernels(), img = c * h * wd;
  const out = scratch(dtype, (onesRow ? K + 1 : K) * nc * P);
  if (onesRow) out.fill(1, K * nc * P);
  for (let i = 0; i < nc; i++) {
    k.im2col(x.subarray(i * img, (i + 1) * img), c, h, wd, kh, kw, geo.sh, geo.sw, geo.ph, geo.pw, oh, ow, out.subarray(i * P), nc * P);
  }
  return out;
}

/** nc×C×P values → C × (nc·P). */
function channelsFirst(t: FloatArray, nc: number, c: number, P: number, dtype: Tensor['dtype']): FloatArray {
  const out = scratch(dtype, nc * c * P);
  getKernels().copyStrided([c, nc, P], t, [P, c * P, 1], out);
  return out;
}

/* Output planes of at least this many positions go through one product per image, reading and
 * writing the images in place (no regrouping copies); smaller ones are batched into one wide
 * product (better blocking, worth the copies). */
const PER_IMAGE_MIN_P = 512;

/** [W | b]: the weight (OC × K) with the bias as one more column, so that a row of ones under
 *  the columns adds the bias inside the product. */
function withBiasColumn(w: FloatArray, b: FloatArray, oc: number, K: number, dtype: Tensor['dtype']): FloatArray {
  const wb = scratch(dtype, oc * (K + 1));
  for (let o = 0; o < oc; o++) {
    wb.set(w.subarray(o * K, (o + 1) * K), o * (K + 1));
    wb[o * (K + 1) + K] = b[o];
  }
  return wb;
}

/** Raw forward: y (N×OC×OH×OW) = W · im2col(x) (+ bias) per image. With `keep`, the batched
 *  columns of x are returned too (when the whole batch fit one chunk), for the weight gradient;
 *  their first K rows are im2col(x) (a row of ones follows when there is a bias). */
function convForward(x: Tensor, w: Tensor, bias: Tensor | null, g: Geom, oh: number, ow: number, keep: boolean): [Tensor, FloatArray | null] {
  const [n, c, h, wd] = x.shape, [oc, , kh, kw] = w.shape;
  const K = c * kh * kw, P = oh * ow, k = getKernels(), img = c * h * wd;
  const out = new Tensor(scratch(x.dtype, n * oc * P), [n, oc, oh, ow], x.dtype);
  const wb = bias ? withBiasColumn(w.data, bias.data, oc, K, x.dtype) : w.data, Kb = bias ? K + 1 : K;
  if (P >= PER_IMAGE_MIN_P) {
    const col = scratch(x.dtype, Kb * P);
    if (bias) col.fill(1, K * P);
    for (let i = 0; i < n; i++) {
      k.im2col(x.data.subarray(i * img, (i + 1) * img), c, h, wd, kh, kw, g.sh, g.sw, g.ph, g.pw, oh, ow, col);
      k.gemm(false, false, oc, P, Kb, wb, col, out.data.subarray(i * oc * P, (i + 1) * oc * P), false);
    }
    k.release?.(col);
    if (bias) k.release?.(wb);
    return [out, null];
  }
  const step = chunkOf(n, (K + oc) * P);
  let kept: FloatArray | null = null;
  for (let i0 = 0; i0 < n; i0 += step) {
    const nc = Math.min(step, n - i0);
    const cols = colsOf(x.data.subarray(i0 * img, (i0 + nc) * img), nc, c, h, wd, g, kh, kw, oh, ow, x.dtype, bias !== null);
    const y = scratch(x.dtype, oc * nc * P);
    k.gemm(false, false, oc, nc * P, Kb, wb, cols, y, false);
    if (keep && nc === n) kept = cols; else k.release?.(cols);
    k.copyStrided([nc, oc, P], y, [P, nc * P, 1], out.data.subarray(i0 * oc * P, (i0 + nc) * oc * P));
    k.release?.(y);
  }
  if (bias) k.release?.(wb);
  return [out, kept];
}

/** Raw adjoint of convForward in x: x (N×C×H×W) = col2im(Wᵀ · g) per image, each image's
 *  columns read in place from the batched product (row stride nc·P). */
function convAdjoint(gy: Tensor, w: Tensor, geo: Geom, h: number, wd: number): Tensor {
  const [n, oc, oh, ow] = gy.shape, [, c, kh, kw] = w.shape;
  const K = c * kh * kw, P = oh * ow, k = getKernels(), img = c * h * wd;
  const x = zeros([n, c, h, wd], gy.dtype);
  if (P >= PER_IMAGE_MIN_P) {
    const col = scratch(gy.dtype, K * P);
    for (let i = 0; i < n; i++) {
      k.gemm(true, false, K, P, oc, w.data, gy.data.subarray(i * oc * P, (i + 1) * oc * P), col, false);
      k.col2im(col, c, h, wd, kh, kw, geo.sh, geo.sw, geo.ph, geo.pw, oh, ow, x.data.subarray(i * img, (i + 1) * img));
    }
    k.release?.(col);
    return x;
  }
  const step = chunkOf(n, (K + oc) * P);
  for (let i0 = 0; i0 < n; i0 += step) {
    const nc = Math.min(step, n - i0);
    const g = channelsFirst(gy.data.subarray(i0 * oc * P, (i0 + nc) * oc * P), nc, oc, P, gy.dtype);
    const cols = scratch(gy.dtype, K * nc * P);
    k.gemm(true, false, K, nc * P, oc, w.data, g, cols, false);
    k.release?.(g);
    for (let i = 0; i < nc; i++) {
      const xi = (i0 + i) * img;
      k.col2im(cols.subarray(i * P), c, h, wd, kh, kw, geo.sh, geo.sw, geo.ph, geo.pw, oh, ow, x.data.subarray(xi, xi + img), nc * P);
    }
    k.release?.(cols);
  }
  return x;
}

/** Raw weight gradient: W (OC×C×kh×kw) = Σ_images gy · im2col(x)ᵀ. `cols`, when given, is
 *  the batched im2col of x that the forward kept. */
function convWeight(x: Tensor, gy: Tensor, geo: Geom, kh: number, kw: number, cols: FloatArray | null = null): Tensor {
  const [, c, h, wd] = x.shape, [n, oc, oh, ow] = gy.shape;
  const K = c * kh * kw, P = oh * ow, k = getKernels(), img = c * h * wd;
  const w = zeros([oc, c, kh, kw], x.dtype);
  if (cols === null && P >= PER_IMAGE_MIN_P) {
    const col = scratch(x.dtype, K * P);
    for (let i = 0; i < n; i++) {
      k.im2col(x.data.subarray(i * img, (i + 1) * img), c, h, wd, kh, kw, geo.sh, geo.sw, geo.ph, geo.pw, oh, ow, col);
      k.gemm(false, true, oc, K, P, gy.data.subarray(i * oc * P, (i + 1) * oc * P), col, w.data, i > 0);
    }
    k.release?.(col);
    return w;
  }
  const step = cols !== null ? n : chunkOf(n, (K + oc) * P);
  for (let i0 = 0; i0 < n; i0 += step) {
    const nc = Math.min(step, n - i0);
    const g = channelsFirst(gy.data.subarray(i0 * oc * P, (i0 + nc) * oc * P), nc, oc, P, gy.dtype);
    const cs = cols ?? colsOf(x.data.subarray(i0 * img, (i0 + nc) * img), nc, c, h, wd, geo, kh, kw, oh, ow, x.dtype);
    k.gemm(false, true, oc, K, nc * P, g, cs, w.data, i0 > 0);
    k.release?.(g);
    if (cs !== cols) k.release?.(cs);
  }
  return w;
}

/** The convolution itself (no bias), recorded with its closed family of backward rules. The
 *  batched columns of x are kept for the weight gradient when w will need one. */
function convOp(x: Tensor, w: Tensor, geo: Geom, bias: Tensor | null = null): Tensor {
  const oh = outSide('conv2d', x.shape[2], w.shape[2], geo.sh, geo.ph), ow = outSide('conv2d', x.shape[3], w.shape[3], geo.sw, geo.pw);
  const [y, cols] = convForward(x, w, bias, geo, oh, ow, w.requiresGrad && isGradEnabled());
  return record(y, 'conv2d', bias ? [x, w, bias] : [x, w], (g, needs) => [
    needs[0] ? adjointOp(g, w, geo, x.shape[2], x.shape[3]) : null,
    needs[1] ? weightOp(x, g, geo, w.shape[2], w.shape[3], cols) : null,
    needs[2] ? sum(g, [0, 2, 3]) : null,
  ]);
}

/** x ↦ conv2dᵀ: the input gradient of conv2d, as an op (also conv_transpose2d). */
function adjointOp(gy: Tensor, w: Tensor, geo: Geom, h: number, wd: number): Tensor {
  const x = convAdjoint(gy, w, geo, h, wd);
  return record(x, 'convTranspose2d', [gy, w], (g, needs) => [
    needs[0] ? convOp(g, w, geo) : null,
    needs[1] ? weightOp(g, gy, geo, w.shape[2], w.shape[3]) : null,
  ]);
}

/** The weight gradient of conv2d, as an op. */
function weightOp(x: Tensor, gy: Tensor, geo: Geom, kh: number, kw: number, cols: FloatArray | null = null): Tensor {
  const w = convWeight(x, gy, geo, kh, kw, cols);
  return record(w, 'conv2dWeightGrad', [x, gy], (g, needs) => [
    needs[0] ? adjointOp(gy, g, geo, x.shape[2], x.shape[3]) : null,
    needs[1] ? convOp(x, g, geo) : null,
  ]);
}

function checkConv(op: string, x: Tensor, w: Tensor, cIn: number): void {
  if (x.ndim !== 4 || w.ndim !== 4 || x.shape[1] !== cIn) throw new Error(`${op}: input ${shapeStr(x.shape)} does not fit weight ${shapeStr(w.shape)}`);
  if (x.dtype !== w.dtype) throw new Error(`${op}: dtypes differ (${x.dtype} vs ${w.dtype})`);
}

function addChannelBias(op: string, y: Tensor, b: Tensor | null | undefined): Tensor {
  if (!b) return y;
  if (b.ndim !== 1 || b.shape[0] !== y.shape[1]) throw new Error(`${op}: bias ${shapeStr(b.shape)} does not fit ${y.shape[1]} output channels`);
  return add(y, reshape(b, [1, b.shape[0], 1, 1]));
}

/** 2-d convolution as torch.nn.functional.conv2d: x N×C×H×W, w OC×C×kh×kw, b OC. */
export function conv2d(x: Tensor, w: Tensor, b?: Tensor | null, opts: Conv2dOptions = {}): Tensor {
  checkConv('conv2d', x, w, w.shape[1]);
  if (b && b.dtype === x.dtype && b.ndim === 1 && b.shape[0] === w.shape[0]) return convOp(x, w, geom(opts), b);
  return addChannelBias('conv2d', convOp(x, w, geom(opts)), b);
}

export interface ConvTranspose2dOptions extends Conv2dOptions {
  outputPadding?: number | readonly [number, number];
}

/** Transposed convolution as torch.nn.functional.conv_transpose2d: x N×Cin×H×W,
 *  w Cin×Cout×kh×kw, output side (H−1)·stride − 2·padding + k + outputPadding. */
export function convTranspose2d(x: Tensor, w: Tensor, b?: Tensor | null, opts: ConvTranspose2dOptions = {}): Tensor {
  checkConv('convTranspose2d', x, w, w.shape[0]);
  const geo = geom(opts);
  const [oph, opw] = pair(opts.outputPadding, 0);
  if (!(Number.isInteger(oph) && oph >= 0 && oph < geo.sh && Number.isInteger(opw) && opw >= 0 && opw < geo.sw)) {
    throw new RangeError(`convTranspose2d: outputPadding must be a non-negative integer smaller than the stride, got ${oph},${opw} with stride ${geo.sh},${geo.sw}`);
  }
  const h = (x.shape[2] - 1) * geo.sh - 2 * geo.ph + w.shape[2] + oph;
  const wd = (x.shape[3] - 1) * geo.sw - 2 * geo.pw + w.shape[3] + opw;
  if (h <= 0 || wd <= 0) throw new Error(`convTranspose2d: input ${shapeStr(x.shape)} with weight ${shapeStr(w.shape)} gives no output`);
  return addChannelBias('convTranspose2d', adjointOp(x, w, geo, h, wd), b);
}

/** The gradient of conv2d with respect to its weight, as a differentiable op. */
export function conv2dWeightGrad(x: Tensor, gy: Tensor, kernel: readonly [number, number], opts: Conv2dOptions = {}): Tensor {
  return weightOp(x, gy, geom(opts), kernel[0], kernel[1]);
}
