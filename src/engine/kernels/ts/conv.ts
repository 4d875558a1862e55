/**
 * Plain TypeScript im2col / col2im for the `ts` backend (one image at a time, its columns'
 * rows `ld` apart so that they can sit inside a batched matrix).
 *
 * Owns: the unfolding of an image into convolution columns and its adjoint. Knows nothing of
 * tensors or of which convolution uses it.
 */
import type { FloatArray } from '../kernels.js';

export function im2col(x: FloatArray, c: number, h: number, w: number, kh: number, kw: number,
  sh: number, sw: number, ph: number, pw: number, oh: number, ow: number, col: FloatArray, ld = oh * ow): void {
  for (let ci = 0; ci < c; ci++) {
    const xc = ci * h * w;
    for (let ki = 0; ki < kh; ki++) {
      for (let kj = 0; kj < kw; kj++) {
        const row = ((ci * kh + ki) * kw + kj) * ld;
        for (let oy = 0; oy < oh; oy++) {
          const iy = oy * sh - ph + ki;
          const ro = row + oy * ow;
          if (iy < 0 || iy >= h) { for (let ox = 0; ox < ow; ox++) col[ro + ox] = 0; continue; }
          const xr = xc + iy * w;
          if (sw === 1) {
            for (let ox = 0; ox < ow; ox++) { const ix = ox - pw + kj; col[ro + ox] = ix >= 0 && ix < w ? x[xr + ix] : 0; }
          } else {
            for (let ox = 0, ix = kj - pw; ox < ow; ox++, ix += sw) col[ro + ox] = ix >= 0 && ix < w ? x[xr + ix] : 0;
          }
        }
      }
    }
  }
}

export function col2im(col: FloatArray, c: number, h: number, w: number, kh: number, kw: number,
  sh: number, sw: number, ph: number, pw: number, oh: number, ow: number, x: FloatArray, ld = oh * ow): void {
  for (let ci = 0; ci < c; ci++) {
    const xc = ci * h * w;
    for (let ki = 0; ki < kh; ki++) {
      for (let kj = 0; kj < kw; kj++) {
        const row = ((ci * kh + ki) * kw + kj) * ld;
        for (let oy = 0; oy < oh; oy++) {
          const iy = oy * sh - ph + ki;
          if (iy < 0 || iy >= h) continue;
          const ro = row + oy * ow;
          const xr = xc + iy * w;
          for (let ox = 0, ix = kj - pw; ox < ow; ox++, ix += sw) if (ix >= 0 && ix < w) x[xr + ix] += col[ro + ox];
        }
      }
    }
  }
}
