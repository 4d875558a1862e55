/**
 * Classes of bitwise-identical rows of a point set (row-major rows×d, float32 or float64):
 * cls[i] is the class of row i, rep[c] the first row of class c. Used by the float32 cost path
 * to recompute each distinct pair of near or identical points once: patch sets of generated
 * images are full of exact duplicates (background patches, memorised images).
 *
 * Owns: the row hashing and the equality check. Knows nothing of costs or transport.
 */
import type { Points } from './cost.js';

export interface RowClasses {
  readonly cls: Int32Array;
  readonly rep: Int32Array;
  readonly count: number;
}

export function rowClasses(p: Points, rows: number, d: number): RowClasses {
  const w = p instanceof Float32Array ? d : 2 * d; // 32-bit words per row
  const bits = new Int32Array(p.buffer, p.byteOffset, rows * w); // Int32: small integers to V8
  const cls = new Int32Array(rows);
  const rep: number[] = [];
  const byHash = new Map<number, number[]>(); // hash → classes with that hash
  for (let i = 0; i < rows; i++) {
    const o = i * w;
    const h = rowHash(bits, o, w);
    let list = byHash.get(h);
    let c = -1;
    if (list === undefined) { list = []; byHash.set(h, list); } else {
      for (const cand of list) if (sameRow(bits, rep[cand] * w, o, w)) { c = cand; break; }
    }
    if (c < 0) { c = rep.length; rep.push(i); list.push(c); }
    cls[i] = c;
  }
  return { cls, rep: Int32Array.from(rep), count: rep.length };
}

/** A 31-bit hash of the w words bits[o..o+w). Exported for its tests. */
export function rowHash(bits: Int32Array, o: number, w: number): number {
  // Four independent FNV-style lanes (no single multiply chain), mixed at the end. Each word
  // is folded (v ^ v >>> 16) before its multiply: a product only carries bits upwards, so
  // words differing only in high bits (the sign: −1 and 1 as floats) would otherwise all
  // hash alike.
  let h0 = 0x811c9dc5, h1 = 0x01000193, h2 = 0x2545f491, h3 = 0x9e3779b9 | 0, k = 0;
  for (; k + 4 <= w; k += 4) {
    const v0 = bits[o + k], v1 = bits[o + k + 1], v2 = bits[o + k + 2], v3 = bits[o + k + 3];
    h0 = Math.imul(h0 ^ v0 ^ (v0 >>> 16), 0x01000193); h1 = Math.imul(h1 ^ v1 ^ (v1 >>> 16), 0x01000193);
    h2 = Math.imul(h2 ^ v2 ^ (v2 >>> 16), 0x01000193); h3 = Math.imul(h3 ^ v3 ^ (v3 >>> 16), 0x01000193);
  }
  for (; k < w; k++) { const v = bits[o + k]; h0 = Math.imul(h0 ^ v ^ (v >>> 16), 0x01000193); }
  return fmix(fmix(fmix(h0 ^ h1) ^ h2) ^ h3) >> 1;
}

/** MurmurHash3's finaliser: every input bit reaches every output bit. */
function fmix(h: number): number {
  h ^= h >>> 16; h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13; h = Math.imul(h, 0xc2b2ae35);
  return h ^ (h >>> 16);
}

function sameRow(bits: Int32Array, a: number, b: number, w: number): boolean {
  for (let k = 0; k < w; k++) if (bits[a + k] !== bits[b + k]) return false;
  return true;
}
