/**
 * The wasm product for operands the memory cannot take in: when the heap is full it hands out
 * plain JS arrays, and a temporary copy of them does not fit either. C is then computed a
 * tile at a time in a staging region reserved at start-up: each tile's panels of op(A) and
 * op(B) (and the tile of C when accumulating) are copied in, the kernel runs on them, and the
 * tile is copied back. The inner dimension is split too, so any shape fits. Slower than the
 * product in place (every panel is copied, A once per column of tiles, B once per row), far
 * faster than the TypeScript product.
 *
 * Owns: the tiling and the copies. Knows nothing of threads or of how the kernel is called.
 */

/** Runs the in-memory product on byte addresses (the backend's gemmInMemory). */
export type InMemoryGemm = (transA: boolean, transB: boolean, m: number, n: number, k: number,
  a: number, b: number, c: number, accumulate: boolean) => void;

/** Inner-dimension chunk of a tile. */
const K_CHUNK = 2048;
/** Segments start on 64-byte boundaries. */
const ALIGN_FLOATS = 16;

const roundUp = (v: number): number => Math.ceil(v / ALIGN_FLOATS) * ALIGN_FLOATS;

/**
 * c (m×n) = op(a)·op(b) (+ c when accumulating), row-major, through `stage` (a view of the
 * reserved region, byte address `stageOffset`). The arrays may be anywhere.
 */
export function stagedGemm(run: InMemoryGemm, stage: Float32Array, stageOffset: number,
  transA: boolean, transB: boolean, m: number, n: number, k: number,
  a: Float32Array, b: Float32Array, c: Float32Array, accumulate: boolean): void {
  if (m === 0 || n === 0) return;
  if (k === 0) { if (!accumulate) c.fill(0, 0, m * n); return; }
  const F = stage.length;
  const kb = Math.min(k, K_CHUNK);
  // Square-ish tiles with kb·(mb + nb) + mb·nb ≤ F (less the alignment slack).
  const room = F - 3 * ALIGN_FLOATS;
  const side = Math.max(1, Math.floor(Math.sqrt(kb * kb + room) - kb));
  const mb = Math.min(m, side);
  const nb = Math.max(1, Math.min(n, Math.floor((room - kb * mb) / (kb + mb))));
  if (kb * (mb + nb) + mb * nb > room) throw new Error(`stagedGemm: a staging region of ${F} floats is too small`);
  const aAt = 0, bAt = roundUp(mb * kb), cAt = bAt + roundUp(kb * nb);
  for (let i0 = 0; i0 < m; i0 += mb) {
    const i1 = Math.min(m, i0 + mb), mi = i1 - i0;
    for (let j0 = 0; j0 < n; j0 += nb) {
      const j1 = Math.min(n, j0 + nb), nj = j1 - j0;
      if (accumulate) copyBlock(c, n, i0, i1, j0, j1, stage, cAt);
      for (let p0 = 0; p0 < k; p0 += kb) {
        const p1 = Math.min(k, p0 + kb), kp = p1 - p0;
        // op(A) rows i0..i1 and columns p0..p1, kept in A's own orientation.
        if (transA) copyBlock(a, m, p0, p1, i0, i1, stage, aAt); else copyBlock(a, k, i0, i1, p0, p1, stage, aAt);
        if (transB) copyBlock(b, k, j0, j1, p0, p1, stage, bAt); else copyBlock(b, n, p0, p1, j0, j1, stage, bAt);
        run(transA, transB, mi, nj, kp, stageOffset + 4 * aAt, stageOffset + 4 * bAt, stageOffset + 4 * cAt, accumulate || p0 > 0);
      }
      for (let r = 0; r < mi; r++) c.set(stage.subarray(cAt + r * nj, cAt + (r + 1) * nj), (i0 + r) * n + j0);
    }
  }
}

/** dst[at ..] ← the block rows r0..r1, columns c0..c1 of src (row length `cols`), packed. */
function copyBlock(src: Float32Array, cols: number, r0: number, r1: number, c0: number, c1: number, dst: Float32Array, at: number): void {
  const w = c1 - c0;
  for (let r = r0; r < r1; r++) dst.set(src.subarray(r * cols + c0, r * cols + c1), at + (r - r0) * w);
}
