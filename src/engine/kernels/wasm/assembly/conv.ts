// AssemblyScript (compiled by scripts/build-wasm.mjs, not by tsc).
// Owns: float32 im2col / col2im for one image and a cache-blocked 2-D strided copy (the
// transposes around the batched convolution products), over byte addresses in the shared
// memory. Must not know about tensors, batches or threads.

/** col ((c·kh·kw) × (oh·ow), rows `ld` elements apart) from x (c×h×w) with zero padding; see
 *  kernels.ts for the layout. */
export function im2colF32(x: usize, c: i32, h: i32, w: i32, kh: i32, kw: i32,
  sh: i32, sw: i32, ph: i32, pw: i32, oh: i32, ow: i32, col: usize, ld: i32): void {
  for (let ci = 0; ci < c; ci++) {
    const xc = x + (<usize>(ci * h * w) << 2);
    for (let ki = 0; ki < kh; ki++) {
      for (let kj = 0; kj < kw; kj++) {
        const row = col + (<usize>(((ci * kh + ki) * kw + kj) * ld) << 2);
        // Output columns whose input column lies inside the image: ox in [lo, hi).
        let lo = 0;
        while (lo < ow && lo * sw - pw + kj < 0) lo++;
        let hi = ow;
        while (hi > lo && (hi - 1) * sw - pw + kj >= w) hi--;
        for (let oy = 0; oy < oh; oy++) {
          const iy = oy * sh - ph + ki;
          const ro = row + (<usize>(oy * ow) << 2);
          if (iy < 0 || iy >= h) { memory.fill(ro, 0, <usize>ow << 2); continue; }
          const xr = xc + (<usize>(iy * w) << 2);
          for (let ox = 0; ox < lo; ox++) store<f32>(ro + (<usize>ox << 2), 0);
          if (sw == 1) {
            if (hi > lo) memory.copy(ro + (<usize>lo << 2), xr + (<usize>(lo - pw + kj) << 2), <usize>(hi - lo) << 2);
          } else {
            let src = xr + (<usize>(lo * sw - pw + kj) << 2);
            const step = <usize>sw << 2;
            for (let ox = lo; ox < hi; ox++) { store<f32>(ro + (<usize>ox << 2), load<f32>(src)); src += step; }
          }
          for (let ox = hi; ox < ow; ox++) store<f32>(ro + (<usize>ox << 2), 0);
        }
      }
    }
  }
}

/** x (c×h×w) += the columns (rows `ld` apart) scattered back: the adjoint of im2colF32. */
export function col2imF32(col: usize, c: i32, h: i32, w: i32, kh: i32, kw: i32,
  sh: i32, sw: i32, ph: i32, pw: i32, oh: i32, ow: i32, x: usize, ld: i32): void {
  for (let ci = 0; ci < c; ci++) {
    const xc = x + (<usize>(ci * h * w) << 2);
    for (let ki = 0; ki < kh; ki++) {
      for (let kj = 0; kj < kw; kj++) {
        const row = col + (<usize>(((ci * kh + ki) * kw + kj) * ld) << 2);
        let lo = 0;
        while (lo < ow && lo * sw - pw + kj < 0) lo++;
        let hi = ow;
        while (hi > lo && (hi - 1) * sw - pw + kj >= w) hi--;
        for (let oy = 0; oy < oh; oy++) {
          const iy = oy * sh - ph + ki;
          if (iy < 0 || iy >= h) continue;
          const ro = row + (<usize>(oy * ow) << 2);
          const xr = xc + (<usize>(iy * w) << 2);
          if (sw == 1) {
            const d = xr + (<usize>(lo - pw + kj) << 2);
            const s = ro + (<usize>lo << 2);
            const n = hi - lo;
            let j = 0;
            for (; j + 4 <= n; j += 4) {
              const o = <usize>j << 2;
              v128.store(d + o, f32x4.add(v128.load(d + o), v128.load(s + o)));
            }
            for (; j < n; j++) {
              const o = <usize>j << 2;
              store<f32>(d + o, load<f32>(d + o) + load<f32>(s + o));
            }
          } else {
            let dst = xr + (<usize>(lo * sw - pw + kj) << 2);
            const step = <usize>sw << 2;
            for (let ox = lo; ox < hi; ox++) {
              store<f32>(dst, load<f32>(dst) + load<f32>(ro + (<usize>ox << 2)));
              dst += step;
            }
          }
        }
      }
    }
  }
}

const TILE: i32 = 32;

/** out (rows × n, contiguous) [i, j] = x[i·rx + j·sx] (strides in elements), in cache tiles. */
export function copy2dF32(rows: i32, n: i32, x: usize, rx: i32, sx: i32, out: usize): void {
  if (sx == 1) {
    for (let i = 0; i < rows; i++) memory.copy(out + (<usize>(i * n) << 2), x + (<usize>(i * rx) << 2), <usize>n << 2);
    return;
  }
  for (let i0 = 0; i0 < rows; i0 += TILE) {
    const i1 = min(rows, i0 + TILE);
    for (let j0 = 0; j0 < n; j0 += TILE) {
      const j1 = min(n, j0 + TILE);
      for (let i = i0; i < i1; i++) {
        const o = out + (<usize>(i * n) << 2);
        let src = x + (<usize>(i * rx + j0 * sx) << 2);
        const step = <usize>sx << 2;
        for (let j = j0; j < j1; j++) { store<f32>(o + (<usize>j << 2), load<f32>(src)); src += step; }
      }
    }
  }
}

/** Zeroes `bytes` bytes at `ptr` (storage handed out again by the host's allocator). */
export function zeroBytes(ptr: usize, bytes: usize): void {
  memory.fill(ptr, 0, bytes);
}
