/**
 * Patches of images for the patch distances, as PyTorch's `unfold`: every P×P window at
 * stride S (positions 0, S, 2S, … ≤ side − P on both axes), flattened channel-major as
 * (channel, row, column) into vectors of c·P·P values; and the adjoint `fold`, which sums
 * patch gradients back onto the image pixels.
 *
 * Owns: window geometry. Knows nothing of distances or training. Images are NCHW, float32 or
 * float64; patch vectors are float32.
 */

export interface ImageShape { readonly c: number; readonly h: number; readonly w: number }

export interface PatchGrid { readonly oh: number; readonly ow: number; readonly dim: number }

export function patchGrid(shape: ImageShape, p: number, s: number): PatchGrid {
  if (!(p >= 1 && s >= 1) || p > shape.h || p > shape.w) {
    throw new RangeError(`patch size ${p} and stride ${s} do not fit images of ${shape.h}×${shape.w}`);
  }
  return { oh: Math.floor((shape.h - p) / s) + 1, ow: Math.floor((shape.w - p) / s) + 1, dim: shape.c * p * p };
}

/**
 * Patch vectors of `count` images. With `position` = -1 the result is (count·L)×dim, image
 * major then position (row-major over the grid); with a position l it is the count×dim set of
 * patches at that position only.
 */
export function unfold(images: Float32Array | Float64Array, count: number, shape: ImageShape, p: number, s: number, position = -1,
  alloc: (length: number) => Float32Array = (len) => new Float32Array(len)): Float32Array {
  const { oh, ow, dim } = patchGrid(shape, p, s);
  const L = oh * ow;
  if (position >= 0) {
    const out = alloc(count * dim);
    unfoldAt(images, count, shape, p, s, position, out);
    return out;
  }
  const out = alloc(count * L * dim);
  const { c, h, w } = shape;
  let o = 0;
  for (let b = 0; b < count; b++) {
    const base = b * c * h * w;
    for (let l = 0; l < L; l++) {
      const oy = ((l / ow) | 0) * s, ox = (l % ow) * s;
      for (let ci = 0; ci < c; ci++) {
        for (let ki = 0; ki < p; ki++) {
          const row = base + ci * h * w + (oy + ki) * w + ox;
          for (let kj = 0; kj < p; kj++) out[o++] = images[row + kj];
        }
      }
    }
  }
  return out;
}

/** The count×dim patches at grid position l, written into `out` (reused across positions). */
export function unfoldAt(images: Float32Array | Float64Array, count: number, shape: ImageShape, p: number, s: number, l: number, out: Float32Array): void {
  const { c, h, w } = shape;
  const { ow } = patchGrid(shape, p, s);
  const oy = ((l / ow) | 0) * s, ox = (l % ow) * s;
  const hw = h * w;
  let o = 0;
  for (let b = 0; b < count; b++) {
    for (let ci = 0; ci < c; ci++) {
      let row = (b * c + ci) * hw + oy * w + ox;
      for (let ki = 0; ki < p; ki++, row += w) {
        for (let kj = 0; kj < p; kj++) out[o++] = images[row + kj];
      }
    }
  }
}

/** The adjoint of `unfold`: adds the patch gradients `g` (same layout) onto `out` (NCHW). */
export function fold(g: Float32Array | Float64Array, count: number, shape: ImageShape, p: number, s: number, out: Float64Array, position = -1): void {
  const { c, h, w } = shape;
  const { oh, ow } = patchGrid(shape, p, s);
  const L = oh * ow;
  let o = 0;
  for (let b = 0; b < count; b++) {
    const base = b * c * h * w;
    for (let l = position < 0 ? 0 : position; l < (position < 0 ? L : position + 1); l++) {
      const oy = Math.floor(l / ow) * s, ox = (l % ow) * s;
      for (let ci = 0; ci < c; ci++) {
        for (let ki = 0; ki < p; ki++) {
          const row = base + ci * h * w + (oy + ki) * w + ox;
          for (let kj = 0; kj < p; kj++) out[row + kj] += g[o++];
        }
      }
    }
  }
}
