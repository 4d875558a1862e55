// AssemblyScript (compiled by scripts/build-wasm.mjs, not by tsc).
// Owns: single-precision matrix product on one thread, for one rectangular chunk of C:
// packing of A and B panels, cache blocking over k, and a 6×8 f32x4 register-blocked
// micro-kernel. Must not know about threads, tensors or the allocator: the host passes byte
// addresses into the shared linear memory, a per-thread scratch area and the chunk bounds.
// Built twice: with relaxed SIMD (fused multiply-add) and with plain SIMD (mul + add).

const MR: i32 = 6;
const NR: i32 = 8;
/** Depth of one packed block (k direction). */
export const KC: i32 = 256;
/** Rows of A packed at once (the A block stays in L2 while B slivers stream through L1). */
export const MC: i32 = 120;

@inline function madd(a: v128, b: v128, c: v128): v128 {
  if (ASC_FEATURE_RELAXED_SIMD) return f32x4.relaxed_madd(a, b, c);
  return f32x4.add(f32x4.mul(a, b), c);
}

/** Stores the transpose of the 4×4 block with rows r0..r3 as four rows `stride` bytes apart. */
@inline function transpose4(r0: v128, r1: v128, r2: v128, r3: v128, dst: usize, stride: i32): void {
  const t0 = i32x4.shuffle(r0, r1, 0, 4, 1, 5);
  const t1 = i32x4.shuffle(r0, r1, 2, 6, 3, 7);
  const t2 = i32x4.shuffle(r2, r3, 0, 4, 1, 5);
  const t3 = i32x4.shuffle(r2, r3, 2, 6, 3, 7);
  const st = <usize>stride;
  v128.store(dst, i64x2.shuffle(t0, t2, 0, 2));
  v128.store(dst + st, i64x2.shuffle(t0, t2, 1, 3));
  v128.store(dst + 2 * st, i64x2.shuffle(t1, t3, 0, 2));
  v128.store(dst + 3 * st, i64x2.shuffle(t1, t3, 1, 3));
}

/** Bytes of scratch one thread needs for chunks up to `maxCols` columns wide. */
export function scratchBytes(maxCols: i32): i32 {
  const nb = (maxCols + NR - 1) / NR * NR;
  return (KC * MC + KC * nb) * 4 + MR * NR * 4 + 64;
}

/** Packs rows [i0, i0+mb) × depth [p0, p0+kc) of op(A) into MR-row slivers, zero-padded. */
function packA(a: usize, transA: bool, lda: i32, i0: i32, mb: i32, p0: i32, kc: i32, dst: usize): void {
  for (let ir = 0; ir < mb; ir += MR) {
    const rows = min(MR, mb - ir);
    const out = dst + <usize>(ir * kc) * 4;
    if (transA) {
      // A stored k×m: the MR values for one p are contiguous.
      let src = a + (<usize>p0 * <usize>lda + <usize>(i0 + ir)) * 4;
      if (rows == MR) {
        for (let p = 0; p < kc; p++) {
          const o = out + <usize>(p * MR) * 4;
          v128.store(o, v128.load(src));
          store<f32>(o, load<f32>(src, 16), 16);
          store<f32>(o, load<f32>(src, 20), 20);
          src += <usize>lda * 4;
        }
      } else {
        for (let p = 0; p < kc; p++) {
          const o = out + <usize>(p * MR) * 4;
          for (let r = 0; r < MR; r++) {
            store<f32>(o + <usize>r * 4, r < rows ? load<f32>(src + <usize>r * 4) : 0);
          }
          src += <usize>lda * 4;
        }
      }
    } else if (rows == MR) {
      // A stored m×k: MR contiguous rows; transpose 4×4 blocks of the first four rows into
      // the sliver, the last two rows one value at a time.
      const s0 = a + (<usize>(i0 + ir) * <usize>lda + <usize>p0) * 4;
      const ld = <usize>lda * 4;
      const s4 = s0 + 4 * ld, s5 = s0 + 5 * ld;
      let p = 0;
      for (; p + 4 <= kc; p += 4) {
        const q = <usize>p * 4;
        const o = out + <usize>(p * MR) * 4;
        transpose4(v128.load(s0 + q), v128.load(s0 + ld + q), v128.load(s0 + 2 * ld + q), v128.load(s0 + 3 * ld + q),
          o, MR * 4);
        const r4 = v128.load(s4 + q), r5 = v128.load(s5 + q);
        v128.store64_lane(o, i32x4.shuffle(r4, r5, 0, 4, 0, 4), 0, 16);
        v128.store64_lane(o, i32x4.shuffle(r4, r5, 1, 5, 1, 5), 0, 16 + MR * 4);
        v128.store64_lane(o, i32x4.shuffle(r4, r5, 2, 6, 2, 6), 0, 16 + 2 * MR * 4);
        v128.store64_lane(o, i32x4.shuffle(r4, r5, 3, 7, 3, 7), 0, 16 + 3 * MR * 4);
      }
      for (; p < kc; p++) {
        const o = out + <usize>(p * MR) * 4;
        const q = <usize>p * 4;
        store<f32>(o, load<f32>(s0 + q));
        store<f32>(o + 4, load<f32>(s0 + ld + q));
        store<f32>(o + 8, load<f32>(s0 + 2 * ld + q));
        store<f32>(o + 12, load<f32>(s0 + 3 * ld + q));
        store<f32>(o + 16, load<f32>(s4 + q));
        store<f32>(o + 20, load<f32>(s5 + q));
      }
    } else {
      // A stored m×k, a partial sliver: each row is contiguous in p; write it with stride MR.
      for (let r = 0; r < MR; r++) {
        const o = out + <usize>r * 4;
        if (r < rows) {
          const src = a + (<usize>(i0 + ir + r) * <usize>lda + <usize>p0) * 4;
          for (let p = 0; p < kc; p++) store<f32>(o + <usize>(p * MR) * 4, load<f32>(src + <usize>p * 4));
        } else {
          for (let p = 0; p < kc; p++) store<f32>(o + <usize>(p * MR) * 4, 0);
        }
      }
    }
  }
}

/** Packs depth [p0, p0+kc) × columns [j0, j0+nb) of op(B) into NR-column slivers, zero-padded. */
function packB(b: usize, transB: bool, ldb: i32, p0: i32, kc: i32, j0: i32, nb: i32, dst: usize): void {
  for (let jr = 0; jr < nb; jr += NR) {
    const cols = min(NR, nb - jr);
    const out = dst + <usize>(jr * kc) * 4;
    if (!transB) {
      // B stored k×n: NR values for one p are contiguous.
      let src = b + (<usize>p0 * <usize>ldb + <usize>(j0 + jr)) * 4;
      if (cols == NR) {
        for (let p = 0; p < kc; p++) {
          const o = out + <usize>(p * NR) * 4;
          v128.store(o, v128.load(src));
          v128.store(o, v128.load(src, 16), 16);
          src += <usize>ldb * 4;
        }
      } else {
        for (let p = 0; p < kc; p++) {
          const o = out + <usize>(p * NR) * 4;
          for (let c = 0; c < NR; c++) store<f32>(o + <usize>c * 4, c < cols ? load<f32>(src + <usize>c * 4) : 0);
          src += <usize>ldb * 4;
        }
      }
    } else if (cols == NR) {
      // B stored n×k: NR contiguous rows of B; transpose two 4×4 blocks per 4 depths.
      const s0 = b + (<usize>(j0 + jr) * <usize>ldb + <usize>p0) * 4;
      const ld = <usize>ldb * 4;
      const s4 = s0 + 4 * ld;
      let p = 0;
      for (; p + 4 <= kc; p += 4) {
        const q = <usize>p * 4;
        const o = out + <usize>(p * NR) * 4;
        transpose4(v128.load(s0 + q), v128.load(s0 + ld + q), v128.load(s0 + 2 * ld + q), v128.load(s0 + 3 * ld + q), o, NR * 4);
        transpose4(v128.load(s4 + q), v128.load(s4 + ld + q), v128.load(s4 + 2 * ld + q), v128.load(s4 + 3 * ld + q), o + 16, NR * 4);
      }
      for (; p < kc; p++) {
        const o = out + <usize>(p * NR) * 4;
        const q = <usize>p * 4;
        for (let c = 0; c < NR; c++) store<f32>(o + <usize>c * 4, load<f32>(s0 + <usize>c * ld + q));
      }
    } else {
      // B stored n×k, a partial sliver: each column of op(B) is a contiguous row of B.
      for (let c = 0; c < NR; c++) {
        const o = out + <usize>c * 4;
        if (c < cols) {
          const src = b + (<usize>(j0 + jr + c) * <usize>ldb + <usize>p0) * 4;
          for (let p = 0; p < kc; p++) store<f32>(o + <usize>(p * NR) * 4, load<f32>(src + <usize>p * 4));
        } else {
          for (let p = 0; p < kc; p++) store<f32>(o + <usize>(p * NR) * 4, 0);
        }
      }
    }
  }
}

/** C tile (rows×cols ≤ MR×NR at byte address c, row stride ldc floats) = / += Ap·Bp. */
function micro(kc: i32, ap: usize, bp: usize, c: usize, ldc: i32, add: bool, rows: i32, cols: i32, tmp: usize): void {
  let c00 = f32x4.splat(0), c01 = f32x4.splat(0);
  let c10 = f32x4.splat(0), c11 = f32x4.splat(0);
  let c20 = f32x4.splat(0), c21 = f32x4.splat(0);
  let c30 = f32x4.splat(0), c31 = f32x4.splat(0);
  let c40 = f32x4.splat(0), c41 = f32x4.splat(0);
  let c50 = f32x4.splat(0), c51 = f32x4.splat(0);
  for (let p = 0; p < kc; p++) {
    const b0 = v128.load(bp);
    const b1 = v128.load(bp, 16);
    let a = v128.load32_splat(ap);
    c00 = madd(a, b0, c00); c01 = madd(a, b1, c01);
    a = v128.load32_splat(ap, 4);
    c10 = madd(a, b0, c10); c11 = madd(a, b1, c11);
    a = v128.load32_splat(ap, 8);
    c20 = madd(a, b0, c20); c21 = madd(a, b1, c21);
    a = v128.load32_splat(ap, 12);
    c30 = madd(a, b0, c30); c31 = madd(a, b1, c31);
    a = v128.load32_splat(ap, 16);
    c40 = madd(a, b0, c40); c41 = madd(a, b1, c41);
    a = v128.load32_splat(ap, 20);
    c50 = madd(a, b0, c50); c51 = madd(a, b1, c51);
    ap += MR * 4; bp += 32;
  }
  const ld = <usize>ldc * 4;
  if (rows == MR && cols == NR) {
    let r = c;
    if (add) {
      v128.store(r, f32x4.add(v128.load(r), c00)); v128.store(r, f32x4.add(v128.load(r, 16), c01), 16); r += ld;
      v128.store(r, f32x4.add(v128.load(r), c10)); v128.store(r, f32x4.add(v128.load(r, 16), c11), 16); r += ld;
      v128.store(r, f32x4.add(v128.load(r), c20)); v128.store(r, f32x4.add(v128.load(r, 16), c21), 16); r += ld;
      v128.store(r, f32x4.add(v128.load(r), c30)); v128.store(r, f32x4.add(v128.load(r, 16), c31), 16); r += ld;
      v128.store(r, f32x4.add(v128.load(r), c40)); v128.store(r, f32x4.add(v128.load(r, 16), c41), 16); r += ld;
      v128.store(r, f32x4.add(v128.load(r), c50)); v128.store(r, f32x4.add(v128.load(r, 16), c51), 16);
    } else {
      v128.store(r, c00); v128.store(r, c01, 16); r += ld;
      v128.store(r, c10); v128.store(r, c11, 16); r += ld;
      v128.store(r, c20); v128.store(r, c21, 16); r += ld;
      v128.store(r, c30); v128.store(r, c31, 16); r += ld;
      v128.store(r, c40); v128.store(r, c41, 16); r += ld;
      v128.store(r, c50); v128.store(r, c51, 16);
    }
    return;
  }
  v128.store(tmp, c00); v128.store(tmp, c01, 16);
  v128.store(tmp, c10, 32); v128.store(tmp, c11, 48);
  v128.store(tmp, c20, 64); v128.store(tmp, c21, 80);
  v128.store(tmp, c30, 96); v128.store(tmp, c31, 112);
  v128.store(tmp, c40, 128); v128.store(tmp, c41, 144);
  v128.store(tmp, c50, 160); v128.store(tmp, c51, 176);
  for (let i = 0; i < rows; i++) {
    const row = c + <usize>i * ld;
    const t = tmp + <usize>(i * NR) * 4;
    for (let j = 0; j < cols; j++) {
      const v = load<f32>(t + <usize>j * 4);
      const o = row + <usize>j * 4;
      store<f32>(o, add ? load<f32>(o) + v : v);
    }
  }
}

/**
 * C[i0:i1, j0:j1] = / += op(A)·op(B) restricted to that chunk. A, B, C are byte addresses of
 * dense row-major arrays: A is m×k (k×m when transA), B is k×n (n×k when transB), C is m×n.
 * `scratch` must hold scratchBytes(j1 - j0) bytes private to the calling thread.
 */
export function gemmChunk(transA: bool, transB: bool, m: i32, n: i32, k: i32,
  a: usize, b: usize, c: usize, accumulate: bool,
  i0: i32, i1: i32, j0: i32, j1: i32, scratch: usize): void {
  const nb = j1 - j0;
  const nbPad = (nb + NR - 1) / NR * NR;
  const ap = scratch;
  const bp = ap + <usize>(KC * MC) * 4;
  const tmp = bp + <usize>(KC * nbPad) * 4;
  const lda = transA ? m : k;
  const ldb = transB ? k : n;
  if (k == 0) {
    if (!accumulate) {
      for (let i = i0; i < i1; i++) memory.fill(c + (<usize>i * <usize>n + <usize>j0) * 4, 0, <usize>nb * 4);
    }
    return;
  }
  // Depth blocks of equal size (a multiple of 4, at most KC): no short last block whose
  // C loads and stores would cost as much as its multiply-adds.
  const nblk = (k + KC - 1) / KC;
  const kstep = ((k + nblk - 1) / nblk + 3) & ~3;
  for (let pc = 0; pc < k; pc += kstep) {
    const kc = min(kstep, k - pc);
    const add = accumulate || pc > 0;
    packB(b, transB, ldb, pc, kc, j0, nb, bp);
    for (let ic = i0; ic < i1; ic += MC) {
      const mc = min(MC, i1 - ic);
      packA(a, transA, lda, ic, mc, pc, kc, ap);
      for (let jr = 0; jr < nb; jr += NR) {
        const cols = min(NR, nb - jr);
        const bsl = bp + <usize>(jr * kc) * 4;
        for (let ir = 0; ir < mc; ir += MR) {
          const rows = min(MR, mc - ir);
          const cAddr = c + (<usize>(ic + ir) * <usize>n + <usize>(j0 + jr)) * 4;
          micro(kc, ap + <usize>(ir * kc) * 4, bsl, cAddr, n, add, rows, cols, tmp);
        }
      }
    }
  }
}

/** Start of the memory the host may allocate from (after this module's static data). */
export function heapBase(): usize {
  return (__heap_base + 63) & ~<usize>63;
}
