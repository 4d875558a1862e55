/**
 * The finiteness scan shared by the .npy reader and the distances' input checks.
 *
 * Owns: finding the first NaN or infinity in a block of a typed array. Knows nothing else.
 */

/** The first flat index in [q0, q1) holding a NaN or infinity, else −1. Called on chunks: a
 *  short function V8 optimises whole (one long loop runs on-stack-replaced code, several
 *  times slower). */
export function firstNonFinite(data: Float32Array | Float64Array, q0: number, q1: number): number {
  // v·0 is NaN exactly when v is NaN or infinite (four independent sums: no add chain).
  let p0 = 0, p1 = 0, p2 = 0, p3 = 0, q = q0;
  for (; q + 4 <= q1; q += 4) { p0 += data[q] * 0; p1 += data[q + 1] * 0; p2 += data[q + 2] * 0; p3 += data[q + 3] * 0; }
  for (; q < q1; q++) p0 += data[q] * 0;
  if (p0 + p1 + p2 + p3 === 0) return -1;
  let k = q0;
  while (Number.isFinite(data[k])) k++;
  return k;
}
