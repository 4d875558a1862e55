/**
 * Exact W1 between two float32 .npy files without holding the larger set in memory: the
 * smaller file is read whole, the larger one streams a block of rows at a time into one
 * reused buffer through the float32 product path of the cost (src/ot/cost.ts). Reading a
 * large set whole costs more in fresh-memory page faults than in reading; streaming skips
 * both the faults and the memory. Its values are checked finite through the row norms the
 * cost computes anyway (a NaN or infinity makes its row's norm non-finite; the file's error
 * names the first such flat index of that block). Same value as loading both files and evaluating
 * `MiniBatchLoss-dist=w1` (the same cost entries reach the same solver).
 *
 * Owns: deciding when streaming applies (null otherwise: the caller loads and evaluates as
 * usual) and the hand-over to the exact solver. Knows nothing of other metrics or training.
 */
import { statSync } from 'node:fs';
import { parseMetric } from '../metrics.js';
import { emd } from '../lp/emd.js';
import { euclideanCostFromBlocks, fastPathApplies } from '../cost.js';
import { allocPoints, prestartFastGemm } from '../gemm.js';
import { openNpyRows, readNpyAsync, readNpyShape } from './npy.js';

/** A larger set under this many bytes is read whole (streaming gains little there). */
export const STREAM_MIN_BYTES = 16 << 20;

/** Whether every metric string is plain exact W1 (`MiniBatchLoss-dist=w1`, epsilon 0). */
export function allExactW1(names: readonly string[]): boolean {
  return names.length > 0 && names.every((t) => {
    const m = parseMetric(t);
    return m.kind === 'MiniBatchLoss' && m.dist === 'w1' && m.params.epsilon === 0;
  });
}

/** Exact W1 between the sets of two .npy files (A generated, B data), streaming the larger;
 *  null when that does not apply (other file kinds or types, small or mismatched sets). */
export async function streamedExactW1(pathA: string, pathB: string, minBytes = STREAM_MIN_BYTES): Promise<number | null> {
  if (!pathA.endsWith('.npy') || !pathB.endsWith('.npy')) return null;
  try { if (!statSync(pathA).isFile() || !statSync(pathB).isFile()) return null; } catch { return null; }
  const A = readNpyShape(pathA), B = readNpyShape(pathB);
  if (A.n === 0 || B.n === 0 || A.c !== B.c || A.h !== B.h || A.w !== B.w) return null; // the usual path says why
  const d = A.c * A.h * A.w;
  const smallIsX = A.n <= B.n;
  const [smallPath, largePath, large] = smallIsX ? [pathA, pathB, B] : [pathB, pathA, A];
  if (!large.float32 || large.n * d * 4 < minBytes || !fastPathApplies(A.n, B.n, d)) return null;
  prestartFastGemm();
  const rows = openNpyRows(largePath, allocPoints);
  if (rows === null) return null;
  try {
    const S = await readNpyAsync(smallPath, allocPoints);
    const C = euclideanCostFromBlocks(S.data, S.n, { rows: large.n, read: (b0, b1) => rows.read(b0, b1), check: (b0, b1) => rows.check(b0, b1) }, d, smallIsX);
    const r = emd(A.n, B.n, C);
    if (r.status !== 'optimal') throw new Error(`w1: the exact solver ended with status ${r.status}`);
    return r.cost;
  } finally {
    rows.close();
  }
}
