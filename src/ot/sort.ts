/**
 * Sorting float32 keys fast: a least-significant-digit radix sort (three passes of 11 bits)
 * on the keys' bit patterns mapped to unsigned order, optionally carrying an index payload.
 *
 * Owns: the float → sortable-unsigned mapping and the passes. -0 sorts before +0; NaN is
 * never given (callers validate). Knows nothing of transport.
 */

const BITS = 11;
/** At or below this length an insertion sort on the same keys beats the radix passes (whose
 *  3 × 2048 bucket counters dominate for short arrays). Both are stable, so results agree. */
const SMALL = 96;
const BUCKETS = 1 << BITS;
const MASK = BUCKETS - 1;

export interface SortScratch {
  keysA: Uint32Array; keysB: Uint32Array; idxA: Int32Array; idxB: Int32Array; hist: Int32Array;
}

export function makeSortScratch(n: number): SortScratch {
  return {
    keysA: new Uint32Array(n), keysB: new Uint32Array(n),
    idxA: new Int32Array(n), idxB: new Int32Array(n), hist: new Int32Array(3 * BUCKETS),
  };
}

/**
 * Sort `len` float32 values read from `src` at `src[offset + k*stride]`, k < len. Writes the
 * sorted values to `outVals` and, when `outIdx` is given, the original k of each.
 */
export function radixSortFloat32(src: Float32Array, offset: number, stride: number, len: number,
  outVals: Float32Array, outIdx: Int32Array | null, scratch: SortScratch): void {
  if (len <= SMALL) { insertionSortFloat32(src, offset, stride, len, outVals, outIdx, scratch); return; }
  if (outIdx === null) { radixSortKeysOnly(src, offset, stride, len, outVals, scratch); return; }
  const bitsView = new Uint32Array(src.buffer, src.byteOffset, src.length);
  const { keysA, idxA, hist } = scratch;
  histogram(bitsView, offset, stride, len, keysA, hist);
  // Pass 2 writes the floats and the indices straight into the outputs (no copy-out pass).
  lowDigitPasses(len, scratch);
  const o2 = 2 * BUCKETS;
  const outBits = new Uint32Array(outVals.buffer, outVals.byteOffset, outVals.length);
  for (let k = 0; k < len; k++) {
    const key = keysA[k];
    const pos = hist[o2 + (key >>> (2 * BITS))]++;
    outBits[pos] = (key & 0x80000000) !== 0 ? (key & 0x7fffffff) >>> 0 : ~key >>> 0;
    outIdx[pos] = idxA[k];
  }
}

/**
 * Ranks instead of a sorted copy: outRank[k] is the sorted position of src[offset + k*stride]
 * (the inverse of radixSortFloat32's outIdx; ties ranked in input order). Lets a caller visit
 * the values in their own order and read the matching sorted partner, rather than scatter.
 */
export function radixRankFloat32(src: Float32Array, offset: number, stride: number, len: number,
  outRank: Int32Array, scratch: SortScratch): void {
  const { keysA, idxA, idxB, hist } = scratch;
  if (len <= SMALL) {
    insertionSortFloat32(src, offset, stride, len, null, idxB, scratch);
    for (let k = 0; k < len; k++) outRank[idxB[k]] = k;
    return;
  }
  const bitsView = new Uint32Array(src.buffer, src.byteOffset, src.length);
  histogram(bitsView, offset, stride, len, keysA, hist);
  lowDigitPasses(len, scratch);
  const o2 = 2 * BUCKETS;
  for (let k = 0; k < len; k++) outRank[idxA[k]] = hist[o2 + (keysA[k] >>> (2 * BITS))]++;
}

/** The first two (low-digit) passes over the mapped keys in keysA, leaving keys and input
 *  indices ordered by those digits in keysA/idxA. Pass 0 takes the index from the loop counter. */
function lowDigitPasses(len: number, scratch: SortScratch): void {
  const { keysA, keysB, idxA, idxB, hist } = scratch;
  for (let k = 0; k < len; k++) {
    const key = keysA[k];
    const pos = hist[key & MASK]++;
    keysB[pos] = key;
    idxB[pos] = k;
  }
  const o1 = BUCKETS;
  for (let k = 0; k < len; k++) {
    const key = keysB[k];
    const pos = hist[o1 + ((key >>> BITS) & MASK)]++;
    keysA[pos] = key;
    idxA[pos] = idxB[k];
  }
}

/** Mapped keys into `keys` and the exclusive prefix sums of the three digit histograms. */
function histogram(bitsView: Uint32Array, offset: number, stride: number, len: number, keys: Uint32Array, hist: Int32Array): void {
  hist.fill(0);
  for (let k = 0; k < len; k++) {
    const b = bitsView[offset + k * stride];
    const key = (b & 0x80000000) !== 0 ? ~b >>> 0 : (b | 0x80000000) >>> 0;
    keys[k] = key;
    hist[key & MASK]++;
    hist[BUCKETS + ((key >>> BITS) & MASK)]++;
    hist[2 * BUCKETS + (key >>> (2 * BITS))]++;
  }
  for (let p = 0; p < 3; p++) {
    let s = 0;
    const o = p * BUCKETS;
    for (let q = 0; q < BUCKETS; q++) { const c = hist[o + q]; hist[o + q] = s; s += c; }
  }
}

/** The same sort without the index payload (for sets whose order is not needed). */
function radixSortKeysOnly(src: Float32Array, offset: number, stride: number, len: number,
  outVals: Float32Array, scratch: SortScratch): void {
  const bitsView = new Uint32Array(src.buffer, src.byteOffset, src.length);
  const { keysA, keysB, hist } = scratch;
  histogram(bitsView, offset, stride, len, keysA, hist);
  for (let k = 0; k < len; k++) { const key = keysA[k]; keysB[hist[key & MASK]++] = key; }
  const o1 = BUCKETS;
  for (let k = 0; k < len; k++) { const key = keysB[k]; keysA[hist[o1 + ((key >>> BITS) & MASK)]++] = key; }
  const o2 = 2 * BUCKETS;
  const outBits = new Uint32Array(outVals.buffer, outVals.byteOffset, outVals.length);
  for (let k = 0; k < len; k++) {
    const key = keysA[k];
    outBits[hist[o2 + (key >>> (2 * BITS))]++] = (key & 0x80000000) !== 0 ? (key & 0x7fffffff) >>> 0 : ~key >>> 0;
  }
}

/** Stable insertion sort on the same unsigned keys (short arrays only). */
function insertionSortFloat32(src: Float32Array, offset: number, stride: number, len: number,
  outVals: Float32Array | null, outIdx: Int32Array | null, scratch: SortScratch): void {
  const bitsView = new Uint32Array(src.buffer, src.byteOffset, src.length);
  const { keysA, idxA } = scratch;
  for (let k = 0; k < len; k++) {
    const b = bitsView[offset + k * stride];
    const key = (b & 0x80000000) !== 0 ? ~b >>> 0 : (b | 0x80000000) >>> 0;
    let q = k;
    while (q > 0 && keysA[q - 1] > key) { keysA[q] = keysA[q - 1]; idxA[q] = idxA[q - 1]; q--; }
    keysA[q] = key; idxA[q] = k;
  }
  if (outVals) {
    const outBits = new Uint32Array(outVals.buffer, outVals.byteOffset, outVals.length);
    for (let k = 0; k < len; k++) {
      const key = keysA[k];
      outBits[k] = (key & 0x80000000) !== 0 ? (key & 0x7fffffff) >>> 0 : ~key >>> 0;
    }
  }
  if (outIdx) for (let k = 0; k < len; k++) outIdx[k] = idxA[k];
}
