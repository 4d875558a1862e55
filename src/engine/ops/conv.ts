/**
 * Convolutions and their gradients: conv2d (NCHW, weight OC×C×kh×kw, stride, padding, bias),
 * convTranspose2d (PyTorch's conv_transpose2d: weight Cin×Cout×kh×kw, output_padding), and
 * conv2dWeightGrad (the weight gradient of conv2d as a tensor op). The three are linear in
 * each argument and each one's backward rule is written with the other two, so they can be
 * differentiated to any order. Compute goes through im2col/col2im and gemm of the seam, one
 * image at a time.
 */
import { getKernels, type FloatArray } from '../kernels/kernels.js';
import { Tensor, zeros, shapeStr } from '../tensor.js';
import { record } from '../autograd.js';
import { add } from './elementwise.js';
import { reshape } from './shape.js';

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
  return { sh, sw, ph, pw };
}

function outSide(op: string, size: number, k: number, s: number, p: number): number {
  const o = Math.floor((size + 2 * p - k) / s) + 1;
  if (o <= 0) throw new Error(`${op}: kernel ${k} with stride ${s} and padding ${p} leaves no output for input side ${size}`);
  return o;
}

/* Layout: the whole batch goes through one matrix product per op. The columns of all images
 * sit side by side: cols is K × (N·P) with K = C·kh·kw and P = OH·OW output positions, and an
 * activation N×C×P is regrouped as C × (N·P). Every copy below moves contiguous runs of P. */

/** im2col of every image, side by side: K × (N·P). */
function batchCols(x: Tensor, geo: Geom, kh: number, kw: number, oh: number, ow: number): FloatArray {
  const [n, c, h, wd] = x.shape;
  const K = c * kh * kw, P = oh * ow, k = getKernels();
  const tmp = k.alloc(x.dtype, K * P), out = k.alloc(x.dtype, K * n * P);
  for (let i = 0; i < n; i++) {
    k.im2col(x.data.subarray(i * c * h * wd, (i + 1) * c * h * wd), c, h, wd, kh, kw, geo.sh, geo.sw, geo.ph, geo.pw, oh, ow, tmp);
    for (let r = 0; r < K; r++) out.set(tmp.subarray(r * P, (r + 1) * P), r * n * P + i * P);
  }
  k.release?.(tmp);
  return out;
}

/** N×C×P → C × (N·P). */
function channelsFirst(t: Tensor): FloatArray {
  const [n, c] = t.shape, P = t.size / (n * c);
  const out = getKernels().alloc(t.dtype, t.size);
  getKernels().copyStrided([c, n, P], t.data, [P, c * P, 1], out);
  return out;
}

/** C × (N·P) → a tensor of shape N×C×(spatial). */
function batchFirst(m: FloatArray, shape: readonly number[], dtype: Tensor['dtype']): Tensor {
  const [n, c] = shape, P = m.length / (n * c);
  const t = zeros(shape, dtype);
  getKernels().copyStrided([n, c, P], m, [P, n * P, 1], t.data);
  return t;
}

/** Raw forward: y (N×OC×OH×OW) = W · im2col(x) per image, all images in one product. */
function convForward(x: Tensor, w: Tensor, g: Geom, oh: number, ow: number): Tensor {
  const n = x.shape[0], [oc, c, kh, kw] = w.shape;
  const K = c * kh * kw, NP = n * oh * ow;
  const k = getKernels();
  const y = k.alloc(x.dtype, oc * NP);
  const cols = batchCols(x, g, kh, kw, oh, ow);
  k.gemm(false, false, oc, NP, K, w.data, cols, y, false);
  k.release?.(cols);
  const out = batchFirst(y, [n, oc, oh, ow], x.dtype);
  k.release?.(y);
  return out;
}

/** Raw adjoint of convForward in x: x (N×C×H×W) = col2im(Wᵀ · g) per image. */
function convAdjoint(gy: Tensor, w: Tensor, geo: Geom, h: number, wd: number): Tensor {
  const [n, oc, oh, ow] = gy.shape, [, c, kh, kw] = w.shape;
  const K = c * kh * kw, P = oh * ow;
  const k = getKernels();
  const x = zeros([n, c, h, wd], gy.dtype);
  const cols = k.alloc(gy.dtype, K * n * P);
  const g = channelsFirst(gy);
  k.gemm(true, false, K, n * P, oc, w.data, g, cols, false);
  k.release?.(g);
  const col = k.alloc(gy.dtype, K * P);
  for (let i = 0; i < n; i++) {
    k.copyStrided([K, P], cols.subarray(i * P), [n * P, 1], col);
    k.col2im(col, c, h, wd, kh, kw, geo.sh, geo.sw, geo.ph, geo.pw, oh, ow, x.data.subarray(i * c * h * wd, (i + 1) * c * h * wd));
  }
  k.release?.(col);
  k.release?.(cols);
  return x;
}

/** Raw weight gradient: W (OC×C×kh×kw) = Σ_images gy · im2col(x)ᵀ, one product. */
function convWeight(x: Tensor, gy: Tensor, geo: Geom, kh: number, kw: number): Tensor {
  const c = x.shape[1], [n, oc, oh, ow] = gy.shape;
  const K = c * kh * kw;
  const w = zeros([oc, c, kh, kw], x.dtype);
  const k = getKernels();
  const g = channelsFirst(gy), cols = batchCols(x, geo, kh, kw, oh, ow);
  k.gemm(false, true, oc, K, n * oh * ow, g, cols, w.data, false);
  k.release?.(g);
  k.release?.(cols);
  return w;
}

/** The convolution itself (no bias), recorded with its closed family of backward rules. */
function convOp(x: Tensor, w: Tensor, geo: Geom): Tensor {
  const oh = outSide('conv2d', x.shape[2], w.shape[2], geo.sh, geo.ph), ow = outSide('conv2d', x.shape[3], w.shape[3], geo.sw, geo.pw);
  const y = convForward(x, w, geo, oh, ow);
  return record(y, 'conv2d', [x, w], (g, needs) => [
    needs[0] ? adjointOp(g, w, geo, x.shape[2], x.shape[3]) : null,
    needs[1] ? weightOp(x, g, geo, w.shape[2], w.shape[3]) : null,
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
function weightOp(x: Tensor, gy: Tensor, geo: Geom, kh: number, kw: number): Tensor {
  const w = convWeight(x, gy, geo, kh, kw);
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
  const h = (x.shape[2] - 1) * geo.sh - 2 * geo.ph + w.shape[2] + oph;
  const wd = (x.shape[3] - 1) * geo.sw - 2 * geo.pw + w.shape[3] + opw;
  if (h <= 0 || wd <= 0) throw new Error(`convTranspose2d: input ${shapeStr(x.shape)} with weight ${shapeStr(w.shape)} gives no output`);
  return addChannelBias('convTranspose2d', adjointOp(x, w, geo, h, wd), b);
}

/** The gradient of conv2d with respect to its weight, as a differentiable op. */
export function conv2dWeightGrad(x: Tensor, gy: Tensor, kernel: readonly [number, number], opts: Conv2dOptions = {}): Tensor {
  return weightOp(x, gy, geom(opts), kernel[0], kernel[1]);
}
