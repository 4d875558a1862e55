/**
 * The per-image pipeline of SPEC §2 after decoding: center crop (integer-exact, on bytes),
 * then on float32 values in [0,1]: grey by 0.2989·R + 0.587·G + 0.114·B (torchvision's tensor
 * formula, in float32, not rounded), antialiased bilinear resize (shorter side → imSize, see
 * resize.ts), center crop of the resized image to a square (our fix of a reference quirk), and
 * finally [0,1] → [-1,1] as torchvision's Normalize(0.5, 0.5) does.
 *
 * Owns: the arithmetic of one image, and the float32 look-up tables that make byte → float
 * conversions bit-identical to torch's float32 operations. Knows nothing of files or caching.
 */
import { centerCropOffset, resizeAntialiased, resizedShape } from './resize.js';

export interface TransformOptions {
  /** Side of the square output. */
  readonly imSize: number;
  /** Center-crop side applied before anything else (torchvision CenterCrop), if given. */
  readonly centerCrop?: number;
  readonly grayScale: boolean;
}

const f = Math.fround;
const W_R = f(0.2989);
const W_G = f(0.587);
const W_B = f(0.114);

/** byte v → float32 v/255, as ToTensor computes it. */
export const BYTE_TO_UNIT = new Float32Array(256).map((_, v) => f(v / 255));
const GREY_R = BYTE_TO_UNIT.map((u) => f(W_R * u));
const GREY_G = BYTE_TO_UNIT.map((u) => f(W_G * u));
const GREY_B = BYTE_TO_UNIT.map((u) => f(W_B * u));
/** byte v → float32 grey of (v, v, v), in [0,1]. */
export const GREY_OF_EQUAL = new Float32Array(256).map((_, v) => f(f(GREY_R[v] + GREY_G[v]) + GREY_B[v]));

/** Grey of one RGB byte triple, in [0,1], exactly as torch computes it in float32. */
export function greyOfBytes(r: number, g: number, b: number): number {
  return f(f(GREY_R[r] + GREY_G[g]) + GREY_B[b]);
}

/** torchvision Normalize(mean=0.5, std=0.5) on a float32 value. */
export function unitToSigned(u: number): number {
  return f(f(u - 0.5) / 0.5);
}
/** byte v → final value in [-1,1] without grey. */
export const BYTE_TO_SIGNED = BYTE_TO_UNIT.map(unitToSigned);

/** The crop (possibly zero-padding) of an RGB byte image: out is side×side×3 (HWC). */
export function centerCropBytes(rgb: Uint8Array, h: number, w: number, cropH: number, cropW: number): Uint8Array {
  const top = centerCropOffset(h, cropH);
  const left = centerCropOffset(w, cropW);
  if (top === 0 && left === 0 && cropH === h && cropW === w) return rgb;
  const out = new Uint8Array(cropH * cropW * 3);
  for (let y = 0; y < cropH; y++) {
    const sy = y + top;
    if (sy < 0 || sy >= h) continue;
    for (let x = 0; x < cropW; x++) {
      const sx = x + left;
      if (sx < 0 || sx >= w) continue;
      const s = (sy * w + sx) * 3;
      const d = (y * cropW + x) * 3;
      out[d] = rgb[s];
      out[d + 1] = rgb[s + 1];
      out[d + 2] = rgb[s + 2];
    }
  }
  return out;
}

/** Shape after the optional center crop. */
export function croppedShape(h: number, w: number, opts: TransformOptions): [number, number] {
  return opts.centerCrop !== undefined ? [opts.centerCrop, opts.centerCrop] : [h, w];
}

/**
 * The full float pipeline on one decoded RGB image (HWC bytes) → CHW float32 in [-1,1] with
 * (grayScale ? 1 : 3) channels of imSize². Returns whether the square crop cut something.
 */
export function transformToFloat(rgb: Uint8Array, h: number, w: number, opts: TransformOptions, out: Float32Array): { squareCropped: boolean } {
  const [ch, cw] = croppedShape(h, w, opts);
  const bytes = centerCropBytes(rgb, h, w, ch, cw);
  const channels = opts.grayScale ? 1 : 3;
  const plane = ch * cw;
  const unit = new Float32Array(channels * plane);
  if (opts.grayScale) {
    for (let i = 0; i < plane; i++) unit[i] = greyOfBytes(bytes[3 * i], bytes[3 * i + 1], bytes[3 * i + 2]);
  } else {
    for (let i = 0; i < plane; i++) {
      unit[i] = BYTE_TO_UNIT[bytes[3 * i]];
      unit[plane + i] = BYTE_TO_UNIT[bytes[3 * i + 1]];
      unit[2 * plane + i] = BYTE_TO_UNIT[bytes[3 * i + 2]];
    }
  }
  return finishFromUnit(unit, channels, ch, cw, opts.imSize, out);
}

/** Reusable buffers for finishFromUnit (grown as needed). */
export interface ResizeWorkspace {
  resized?: Float32Array;
  scratch?: Float32Array;
}

/**
 * The steps after grey: resize (shorter side → imSize), center crop to imSize², [0,1] → [-1,1].
 * `unit` holds `channels` planes of ch×cw values in [0,1]. Shared by the per-image pipeline
 * and by batches assembled from stored source bytes, so both give identical floats.
 */
export function finishFromUnit(
  unit: Float32Array, channels: number, ch: number, cw: number, imSize: number, out: Float32Array, work: ResizeWorkspace = {},
): { squareCropped: boolean } {
  const [rh, rw] = resizedShape(ch, cw, imSize);
  let resized = unit;
  if (rh !== ch || rw !== cw) {
    const n = channels * rh * rw;
    if (!work.resized || work.resized.length < n) work.resized = new Float32Array(n);
    const m = channels * ch * rw;
    if (!work.scratch || work.scratch.length < m) work.scratch = new Float32Array(m);
    resized = work.resized;
    resizeAntialiased(unit, channels, ch, cw, rh, rw, resized, work.scratch);
  }
  const s = imSize;
  const top = centerCropOffset(rh, s);
  const left = centerCropOffset(rw, s);
  for (let c = 0; c < channels; c++) {
    for (let y = 0; y < s; y++) {
      const src = c * rh * rw + (y + top) * rw + left;
      const dst = (c * s + y) * s;
      for (let x = 0; x < s; x++) out[dst + x] = unitToSigned(resized[src + x]);
    }
  }
  return { squareCropped: rh !== s || rw !== s };
}
