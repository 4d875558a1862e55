/**
 * Cost matrices between two point sets (row-major n×d and m×d, float32 or float64).
 *
 * Owns: squared and plain Euclidean costs through the expansion |x|² + |y|² − 2x·y, clamped at
 * zero. Small problems: float64 with a 4×4 register-blocked product, entries small next to
 * their norms (near points, or sets offset far from the origin) recomputed from the
 * differences, so identical points give an exactly zero squared distance and offsets cost no
 * accuracy.
 * Large ones (fastPathApplies): the engine's float32 product on centred sets, the larger set a
 * block of rows at a time (from memory or streamed: RowBlocks), entries near zero recomputed
 * in float64 (see fastCore). `euclidean` clamps squared distances at 1e-10 before the square
 * root (SPEC §6), so its gradient stays finite at zero distance.
 * Knows nothing of transport, images, files or training.
 */

import { fastGemm } from './gemm.js';
import { rowClasses, type RowClasses } from './row-classes.js';
import { firstNonFinite } from './finite.js';

export type Points = Float32Array | Float64Array;

/** Entries whose squared distance is below this fraction of |x̃|² + |ỹ|² (centred norms) are
 *  recomputed directly in float64 when the float32 product was used. */
const REFINE_FRACTION = 0.02;
/** Use the engine's float32 product above this many multiply-adds. */
const FAST_MIN_MACS = 1 << 24;

/** The squared distance floor applied before square roots (SPEC §6). */
export const SQ_DIST_FLOOR = 1e-10;

/** Squared norms of the n rows of x (n×d). */
export function rowSqNorms(x: Points, n: number, d: number): Float64Array {
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let s = 0;
    const o = i * d;
    for (let k = 0; k < d; k++) { const t = x[o + k]; s += t * t; }
    out[i] = s;
  }
  return out;
}

/**
 * out[(i - i0)·m + j] = ‖x_i − y_j‖² for i in [i0, i1), all j; out must hold (i1−i0)·m values.
 * xn, yn are the squared row norms of x and y. Entries small next to their norms (where the
 * expansion cancels: near points, or points offset far from the origin) are recomputed from
 * the differences, so they are accurate to float64 round-off whatever the offset.
 */
export function sqEuclideanRows(x: Points, y: Points, m: number, d: number, xn: Float64Array,
  yn: Float64Array, i0: number, i1: number, out: Float64Array): void {
  // Outer loop over blocks of 4 rows of y (kept in L1), inner over blocks of 4 rows of x.
  let j = 0;
  for (; j + 4 <= m; j += 4) {
    const y0 = j * d, y1 = y0 + d, y2 = y1 + d, y3 = y2 + d;
    let i = i0;
    for (; i + 4 <= i1; i += 4) {
      const x0 = i * d, x1 = x0 + d, x2 = x1 + d, x3 = x2 + d;
      let s00 = 0, s01 = 0, s02 = 0, s03 = 0, s10 = 0, s11 = 0, s12 = 0, s13 = 0;
      let s20 = 0, s21 = 0, s22 = 0, s23 = 0, s30 = 0, s31 = 0, s32 = 0, s33 = 0;
      for (let k = 0; k < d; k++) {
        const a0 = x[x0 + k], a1 = x[x1 + k], a2 = x[x2 + k], a3 = x[x3 + k];
        const b0 = y[y0 + k], b1 = y[y1 + k], b2 = y[y2 + k], b3 = y[y3 + k];
        s00 += a0 * b0; s01 += a0 * b1; s02 += a0 * b2; s03 += a0 * b3;
        s10 += a1 * b0; s11 += a1 * b1; s12 += a1 * b2; s13 += a1 * b3;
        s20 += a2 * b0; s21 += a2 * b1; s22 += a2 * b2; s23 += a2 * b3;
        s30 += a3 * b0; s31 += a3 * b1; s32 += a3 * b2; s33 += a3 * b3;
      }
      const r = (i - i0) * m + j;
      put(out, r, xn[i], yn, j, s00, s01, s02, s03);
      put(out, r + m, xn[i + 1], yn, j, s10, s11, s12, s13);
      put(out, r + 2 * m, xn[i + 2], yn, j, s20, s21, s22, s23);
      put(out, r + 3 * m, xn[i + 3], yn, j, s30, s31, s32, s33);
    }
    for (; i < i1; i++) {
      const x0 = i * d;
      let s0 = 0, s1 = 0, s2 = 0, s3 = 0;
      for (let k = 0; k < d; k++) {
        const a = x[x0 + k];
        s0 += a * y[y0 + k]; s1 += a * y[y1 + k]; s2 += a * y[y2 + k]; s3 += a * y[y3 + k];
      }
      put(out, (i - i0) * m + j, xn[i], yn, j, s0, s1, s2, s3);
    }
  }
  for (; j < m; j++) {
    const y0 = j * d;
    for (let i = i0; i < i1; i++) {
      const x0 = i * d;
      let s = 0;
      for (let k = 0; k < d; k++) s += x[x0 + k] * y[y0 + k];
      const v = xn[i] + yn[j] - 2 * s;
      out[(i - i0) * m + j] = v > 0 ? v : 0;
    }
  }
  for (let i = i0; i < i1; i++) {
    const r = (i - i0) * m, xi = xn[i];
    for (let jj = 0; jj < m; jj++) if (out[r + jj] < REFINE_FRACTION * (xi + yn[jj])) out[r + jj] = directSq(x, i, y, jj, d);
  }
}

function put(out: Float64Array, r: number, xi: number, yn: Float64Array, j: number,
  s0: number, s1: number, s2: number, s3: number): void {
  const v0 = xi + yn[j] - 2 * s0, v1 = xi + yn[j + 1] - 2 * s1;
  const v2 = xi + yn[j + 2] - 2 * s2, v3 = xi + yn[j + 3] - 2 * s3;
  out[r] = v0 > 0 ? v0 : 0; out[r + 1] = v1 > 0 ? v1 : 0;
  out[r + 2] = v2 > 0 ? v2 : 0; out[r + 3] = v3 > 0 ? v3 : 0;
}

/** The n×m matrix of squared Euclidean distances, float64, row-major. */
export function sqEuclideanCost(x: Points, n: number, y: Points, m: number, d: number): Float64Array {
  checkPointSets('sqEuclideanCost', x, n, y, m, d);
  return sqEuclideanChecked(x, n, y, m, d);
}

/** sqEuclideanCost on points already checked. */
function sqEuclideanChecked(x: Points, n: number, y: Points, m: number, d: number): Float64Array {
  const out = new Float64Array(n * m);
  if (fastPathApplies(n, m, d)) {
    fastSqEuclidean(x, n, y, m, d, out, -1);
    return out;
  }
  sqEuclideanRows(x, y, m, d, rowSqNorms(x, n, d), rowSqNorms(y, m, d), 0, n, out);
  return out;
}

/** Tuning of the float32 product path, exported for tests only: rows of the larger set are
 *  centred and multiplied `blockFloats / d` at a time (at least one row, at most
 *  `maxBlockRows`, and at most `dotsFloats` products against the smaller set per block), so
 *  the path never holds a centred copy of the larger set; `minMacs` is
 *  the smallest n·m·d that takes the path. Results must not depend on either. */
export const fastPathTuning = { blockFloats: 1 << 21, dotsFloats: 1 << 20, maxBlockRows: 1 << 16, minMacs: FAST_MIN_MACS };

/** The rows of the larger set a block at a time: raw values (float32 or float64), row-major.
 *  `read` is called with consecutive blocks from row 0; what it returns may be overwritten by
 *  the next call. Lets the larger set stream from a file instead of living in memory. */
export interface RowBlocks {
  readonly rows: number;
  read(b0: number, b1: number): Points;
  /** When given, `read` need not check its values: this is called, with the block just read,
   *  whenever a row's squared norm comes out NaN or infinite, and throws when the block holds
   *  a NaN or infinity (every such value makes its row's norm non-finite). */
  check?(b0: number, b1: number): void;
}

/** Whether euclideanCost takes the float32 product path for these sizes (the path
 *  euclideanCostFromBlocks needs). */
export function fastPathApplies(n: number, m: number, d: number): boolean {
  return fastGemm !== null && n * m * d >= fastPathTuning.minMacs && d >= 8;
}

/**
 * euclideanCost(x, n, y, m, d, floor) where the larger set (the one with more rows) comes as
 * blocks, read once in order: `small` holds the smaller set, `smallIsX` says whether it is x
 * (the rows of the result) or y. Same entries as euclideanCost; needs fastPathApplies.
 */
export function euclideanCostFromBlocks(small: Points, smallRows: number, large: RowBlocks, d: number,
  smallIsX: boolean, floor = SQ_DIST_FLOOR): Float64Array {
  if (small.length < smallRows * d) throw new Error(`cost: the smaller set holds ${small.length} values, fewer than ${smallRows}×${d}`);
  const [n, m] = smallIsX ? [smallRows, large.rows] : [large.rows, smallRows];
  if (!fastPathApplies(n, m, d)) throw new Error(`cost: ${n}×${m}×${d} does not take the float32 product path`);
  const out = new Float64Array(n * m);
  fastCore(small, smallRows, large, null, d, smallIsX, out, Math.max(0, floor));
  return out;
}

/** The float32 product path on two sets in memory (see fastCore). */
function fastSqEuclidean(x: Points, n: number, y: Points, m: number, d: number, out: Float64Array, rootFloor: number): void {
  const smallIsX = n <= m;
  const [sp, sr, lp, lr] = smallIsX ? [x, n, y, m] : [y, m, x, n];
  const blocks: RowBlocks = { rows: lr, read: (b0, b1) => lp.subarray(b0 * d, b1 * d) };
  fastCore(sp, sr, blocks, lp, d, smallIsX, out, rootFloor);
}

/**
 * The float32 product path: both sets are centred on the smaller set's mean (in float64, then
 * rounded to float32), dot products come from the engine's product, norms are float64 sums of
 * the centred float32 values, and every entry that is small next to its norms (where the
 * float32 round-off could matter: near and identical points) is recomputed directly in float64
 * from the original values, so identical points get exact zeros. The smaller set is centred
 * once; the larger one a block of rows at a time into one reused buffer. With rootFloor ≥ 0,
 * out receives sqrt(max(squared distance, rootFloor)) instead of the squared distance.
 * `whole` is the whole larger set when in memory (row classes then span it), else null
 * (classes per block).
 */
function fastCore(sp: Points, sr: number, large: RowBlocks, whole: Points | null, d: number, smallIsX: boolean,
  out: Float64Array, rootFloor: number): void {
  const g = fastGemm!;
  const lr = large.rows;
  const m = smallIsX ? lr : sr; // columns of out
  // Centre on the mean of the smaller set: any centre is exact (the refinement below repairs
  // round-off), this one puts the small set near the origin and costs a pass over few rows.
  const mu = new Float64Array(d);
  if (sp instanceof Float32Array) sumRowsF32(sp, sr, d, mu); else sumRowsF64(sp, sr, d, mu);
  for (let k = 0; k < d; k++) mu[k] /= sr;
  const { blockFloats, dotsFloats, maxBlockRows } = fastPathTuning;
  const rowsPer = Math.max(1, Math.min(lr, maxBlockRows, Math.floor(blockFloats / d), Math.floor(dotsFloats / sr)));
  const sn = new Float64Array(sr), ln = new Float64Array(lr);
  const mu32 = g.alloc(d);
  const sc = g.alloc(sr * d), lc = g.alloc(rowsPer * d), dots = g.alloc(rowsPer * sr);
  // Recomputing an entry costs d operations. Once more than n + m entries needed it (as many
  // operations as hashing every row), group identical rows and recompute each distinct pair
  // once, when the distinct pairs are few enough for a cache (at most n·m/8 of them). A larger
  // set that streams is grouped block by block (pairs then recomputed once per block).
  let refines = 0;
  let cs: RowClasses | undefined;
  let groups: { cl: RowClasses; src: Points; base: number; cache: Float64Array } | null | undefined;
  let groupsFor = -1;
  const refine = (s: number, l: number, raw: Points, b0: number): number => {
    if (cs === undefined) {
      if (++refines <= sr + lr) return directSq(sp, s, raw, l - b0, d);
      cs = rowClasses(sp, sr, d);
    }
    if (groups === undefined || (whole === null && groupsFor !== b0)) {
      const src = whole ?? raw, rows = src.length / d;
      const cl = rowClasses(src, rows, d);
      groups = cs.count * cl.count <= (sr * rows) / 8 ? { cl, src, base: whole ? 0 : b0, cache: new Float64Array(cs.count * cl.count).fill(-1) } : null;
      groupsFor = b0;
    }
    if (groups === null) return directSq(sp, s, raw, l - b0, d);
    const a = cs.cls[s], b = groups.cl.cls[l - groups.base], e = a * groups.cl.count + b;
    let v = groups.cache[e];
    if (v < 0) { v = directSq(sp, cs.rep[a], groups.src, groups.cl.rep[b], d); groups.cache[e] = v; }
    return v;
  };
  const near = new Int32Array(Math.max(sr, rowsPer)); // a row's entries to recompute
  const centre = (p: Points, rows: number, c: Float32Array, norms: Float64Array): void => {
    if (p instanceof Float32Array) g.centreRows(p, rows, d, mu32, c, norms); else centreF64(p, rows, d, mu, c, norms);
  };
  try {
    for (let k = 0; k < d; k++) mu32[k] = mu[k]; // the centre itself is arbitrary; only its use must be consistent
    centre(sp, sr, sc, sn);
    for (let b0 = 0; b0 < lr; b0 += rowsPer) {
      const b1 = Math.min(lr, b0 + rowsPer), bw = b1 - b0;
      const raw = large.read(b0, b1);
      centre(raw, bw, lc, ln.subarray(b0, b1));
      if (large.check) {
        let z = 0;
        for (let j = b0; j < b1; j++) z += ln[j] * 0; // NaN as soon as one norm is not finite
        if (z !== 0) large.check(b0, b1);
      }
      if (smallIsX) {
        // dots (n×bw) = x̃ · ỹ_blockᵀ: columns b0..b1 of every row of out.
        g.gemm(false, true, sr, bw, d, sc, lc, dots, false);
        const lb = ln.subarray(b0, b1);
        for (let i = 0; i < sr; i++) {
          const o = i * m + b0;
          const flagged = fillRow(sn[i], lb, dots, i * bw, bw, out, o, rootFloor, near);
          for (let t = 0; t < flagged; t++) {
            const jj = near[t];
            const v = refine(i, b0 + jj, raw, b0);
            out[o + jj] = rootFloor < 0 ? (v > 0 ? v : 0) : Math.sqrt(v > rootFloor ? v : rootFloor);
          }
        }
      } else {
        // dots (bw×m) = x̃_block · ỹᵀ: rows b0..b1 of out.
        g.gemm(false, true, bw, sr, d, lc, sc, dots, false);
        for (let ii = 0; ii < bw; ii++) {
          const i = b0 + ii, o = i * m;
          const flagged = fillRow(ln[i], sn, dots, ii * m, m, out, o, rootFloor, near);
          for (let t = 0; t < flagged; t++) {
            const j = near[t];
            const v = refine(j, i, raw, b0);
            out[o + j] = rootFloor < 0 ? (v > 0 ? v : 0) : Math.sqrt(v > rootFloor ? v : rootFloor);
          }
        }
      }
    }
  } finally {
    g.release(dots); g.release(lc); g.release(sc); g.release(mu32);
  }
}

/**
 * One row of out from the product: out[o + j] = the squared distance xi + norms[j] −
 * 2·dots[r + j] (clamped at 0), or with rootFloor ≥ 0 its square root floored at rootFloor;
 * entries small next to their norms (round-off could matter) are left for the caller, their
 * j listed in near. Returns how many were listed. (A function of its own, so V8 optimises it
 * after the first rows, apart from the block loop.)
 */
function fillRow(xi: number, norms: Float64Array, dots: Float32Array, r: number, len: number,
  out: Float64Array, o: number, rootFloor: number, near: Int32Array): number {
  let flagged = 0;
  if (rootFloor < 0) {
    for (let j = 0; j < len; j++) {
      const s = xi + norms[j], v = s - 2 * dots[r + j];
      if (v < REFINE_FRACTION * s) near[flagged++] = j;
      out[o + j] = v > 0 ? v : 0;
    }
  } else {
    for (let j = 0; j < len; j++) {
      const s = xi + norms[j], v = s - 2 * dots[r + j];
      if (v < REFINE_FRACTION * s) near[flagged++] = j;
      out[o + j] = Math.sqrt(v > rootFloor ? v : rootFloor);
    }
  }
  return flagged;
}

/** c = float32(p − mu) for the first `rows` rows of p, with norms[i] = Σ c² (float64) in the
 *  same pass. */
function centreF64(p: Float64Array, rows: number, d: number, mu: Float64Array, c: Float32Array, norms: Float64Array): void {
  for (let i = 0; i < rows; i++) {
    const o = i * d;
    let s = 0;
    for (let k = 0; k < d; k++) { const r = Math.fround(p[o + k] - mu[k]); c[o + k] = r; s += r * r; }
    norms[i] = s;
  }
}

function sumRowsF32(y: Float32Array, m: number, d: number, mu: Float64Array): void {
  for (let j = 0; j < m; j++) { const o = j * d; for (let k = 0; k < d; k++) mu[k] += y[o + k]; }
}

function sumRowsF64(y: Float64Array, m: number, d: number, mu: Float64Array): void {
  for (let j = 0; j < m; j++) { const o = j * d; for (let k = 0; k < d; k++) mu[k] += y[o + k]; }
}

function directSq(x: Points, i: number, y: Points, j: number, d: number): number {
  const a = i * d, b = j * d;
  let s = 0;
  for (let k = 0; k < d; k++) { const t = x[a + k] - y[b + k]; s += t * t; }
  return s;
}

/** The n×m matrix of Euclidean distances sqrt(max(‖x_i − y_j‖², floor)), float64.
 *  `floor` defaults to 1e-10 (SPEC §6); pass 0 for exact zeros between identical points. */
export function euclideanCost(x: Points, n: number, y: Points, m: number, d: number,
  floor = SQ_DIST_FLOOR): Float64Array {
  checkPointSets('euclideanCost', x, n, y, m, d);
  if (fastPathApplies(n, m, d)) {
    const fast = new Float64Array(n * m);
    fastSqEuclidean(x, n, y, m, d, fast, Math.max(0, floor)); // square roots taken as it fills
    return fast;
  }
  const out = sqEuclideanChecked(x, n, y, m, d);
  for (let e = 0; e < out.length; e++) { const v = out[e]; out[e] = Math.sqrt(v > floor ? v : floor); }
  return out;
}

/**
 * Visit the Euclidean cost matrix in blocks of at most `blockRows` rows of x without ever
 * holding the whole matrix: visit(i0, i1, block) sees rows [i0, i1) as a (i1−i0)×m array.
 * Blocks large enough for the float32 product path take it (as euclideanCost does).
 */
export function forEachCostBlock(x: Points, n: number, y: Points, m: number, d: number, blockRows: number,
  visit: (i0: number, i1: number, block: Float64Array) => void, floor = SQ_DIST_FLOOR, squared = false): void {
  checkPointSets('forEachCostBlock', x, n, y, m, d);
  const rowsPer = Math.max(1, Math.min(n, blockRows));
  let xn: Float64Array | null = null, yn: Float64Array | null = null;
  const buf = new Float64Array(rowsPer * m);
  for (let i0 = 0; i0 < n; i0 += rowsPer) {
    const i1 = Math.min(n, i0 + rowsPer);
    const block = buf.subarray(0, (i1 - i0) * m);
    if (fastPathApplies(i1 - i0, m, d)) {
      fastSqEuclidean(x.subarray(i0 * d, i1 * d), i1 - i0, y, m, d, block, squared ? -1 : Math.max(0, floor));
    } else {
      if (xn === null || yn === null) { xn = rowSqNorms(x, n, d); yn = rowSqNorms(y, m, d); }
      sqEuclideanRows(x, y, m, d, xn, yn, i0, i1, block);
      if (!squared) for (let e = 0; e < block.length; e++) { const v = block[e]; block[e] = Math.sqrt(v > floor ? v : floor); }
    }
    visit(i0, i1, block);
  }
}

/**
 * The checks every distance and cost matrix makes on its inputs: at least one point on each
 * side, arrays long enough, every value finite (a NaN would otherwise pass the cost's clamp
 * and floor as a plausible distance), and float64 values small enough that no squared
 * distance overflows to infinity. RangeErrors start with `what` (the distance's name).
 */
export function checkPointSets(what: string, x: Points, n: number, y: Points, m: number, d: number): void {
  if (!(Number.isInteger(n) && n >= 1 && Number.isInteger(m) && m >= 1)) throw new RangeError(`${what}: both sets need at least one point (got ${n} and ${m})`);
  if (!(Number.isInteger(d) && d >= 1)) throw new RangeError(`${what}: the dimension must be a positive integer (got ${d})`);
  if (x.length < n * d || y.length < m * d) throw new RangeError(`${what}: the arrays hold ${x.length} and ${y.length} values, fewer than ${n}×${d} and ${m}×${d}`);
  // Float64 values this large overflow a squared distance (d terms of up to (2·max)²) to
  // infinity; float32 values cannot (their squares stay below 1.2e77).
  const limit = Math.sqrt(Number.MAX_VALUE / (4 * d));
  for (const [p, len, name] of [[x, n * d, 'x'], [y, m * d, 'y']] as const) {
    for (let q = 0; q < len; q += 1 << 18) { // in chunks (see firstNonFinite)
      const k = firstNonFinite(p, q, Math.min(len, q + (1 << 18)));
      if (k >= 0) throw new RangeError(`${what}: ${name} holds a NaN or infinite value (at index ${k})`);
    }
    if (p instanceof Float64Array) {
      const k = firstBeyond(p, len, limit);
      if (k >= 0) throw new RangeError(`${what}: ${name} holds ${p[k]} (at index ${k}), too large for squared distances in float64 (|values| must stay below ${limit.toPrecision(3)} in dimension ${d})`);
    }
  }
}

/** The first index below len whose |value| exceeds limit, else −1. */
function firstBeyond(p: Float64Array, len: number, limit: number): number {
  for (let k = 0; k < len; k++) if (Math.abs(p[k]) > limit) return k;
  return -1;
}

/** A positive integer count (directions, dimensions), else a RangeError naming it. */
export function checkCount(what: string, key: string, v: number): void {
  if (!(Number.isInteger(v) && v >= 1)) throw new RangeError(`${what}: ${key} must be a positive integer, got ${v}`);
}
