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
    // Four independent FNV-style lanes (no single multiply chain), mixed at the end.
    let h0 = 0x811c9dc5, h1 = 0x01000193, h2 = 0x2545f491, h3 = 0x9e3779b9 | 0, k = 0;
    for (; k + 4 <= w; k += 4) {
      h0 = Math.imul(h0 ^ bits[o + k], 0x01000193); h1 = Math.imul(h1 ^ bits[o + k + 1], 0x01000193);
      h2 = Math.imul(h2 ^ bits[o + k + 2], 0x01000193); h3 = Math.imul(h3 ^ bits[o + k + 3], 0x01000193);
    }
    for (; k < w; k++) h0 = Math.imul(h0 ^ bits[o + k], 0x01000193);
    const h = Math.imul(Math.imul(Math.imul(h0 ^ h1, 0x85ebca6b) ^ h2, 0xc2b2ae35) ^ h3, 0x27d4eb2f) >> 1;
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

function sameRow(bits: Int32Array, a: number, b: number, w: number): boolean {
  for (let k = 0; k < w; k++) if (bits[a + k] !== bits[b + k]) return false;
  return true;
}
