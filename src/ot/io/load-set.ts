/**
 * The two sets the `metrics` command compares: a `.npy` file (io/npy.ts) or a folder of images
 * (loaded by src/data as training loads it: --im_size, --gray_scale, --center_crop,
 * --limit_data), and the evaluation of metric strings between them.
 *
 * Owns: choosing the reader, checking that both sets are non-empty with the same per-sample
 * shape, and running each metric with its own Rng(seed), so a metric's value does not depend
 * on which others are listed. Errors are UserErrors naming the file or the metric.
 * Knows nothing of training.
 */
import { statSync } from 'node:fs';
import { UserError } from '../../util/errors.js';
import { Rng } from '../../engine/random.js';
import { parseMetric, type Metric } from '../metrics.js';
import { readNpyAsync, type NpyPoints } from './npy.js';
import { allocPoints, prestartFastGemm } from '../gemm.js';
import { allExactW1, streamedExactW1 } from './streamed-w1.js';

export interface SetOptions {
  /** Image side after resizing; undefined keeps the folder's own size (from its first image). */
  readonly imSize?: number;
  readonly grayScale?: boolean;
  readonly centerCrop?: number;
  readonly limitData?: number;
}

/** Sets from .npy files smaller than this do not start the product's threads early. */
const PRESTART_MIN_BYTES = 4 << 20;

/** Starts the matrix product's worker threads now when a set is large enough for products
 *  that use them (a folder, or a .npy file of 4 MB or more), so they boot while files load;
 *  small inputs do not pay for threads they never use. */
export function prestartFor(paths: readonly string[]): void {
  const large = paths.some((p) => {
    try { const s = statSync(p); return s.isDirectory() || s.size >= PRESTART_MIN_BYTES; } catch { return false; }
  });
  if (large) prestartFastGemm();
}

/** A set from a .npy file or an image folder. A .npy file read without a limit lives in the
 *  fast kernels' memory (read in place, no copy): keep `data` itself referenced for as long as
 *  subarrays of it are used (that memory is reclaimed when `data` is collected). */
export async function loadPointSet(path: string, opts: SetOptions = {}): Promise<NpyPoints> {
  let isDir: boolean;
  try { isDir = statSync(path).isDirectory(); } catch { throw new UserError(`${path} does not exist`); }
  if (!isDir) {
    if (!path.endsWith('.npy')) throw new UserError(`${path} is neither a folder of images nor a .npy file`);
    // Without a limit, the set is read where the fast kernels use it in place (no copy).
    const p = await readNpyAsync(path, opts.limitData === undefined ? allocPoints : undefined);
    const limited = opts.limitData !== undefined && opts.limitData < p.n ? { ...p, n: opts.limitData, data: p.data.subarray(0, opts.limitData * p.c * p.h * p.w) } : p;
    return limited;
  }
  const { loadImageFolder, listImageFolder } = await import('../../data/image-folder.js');
  let imSize = opts.imSize;
  if (imSize === undefined) {
    // No resize: the side of the first image (after the optional center crop).
    const listing = await listImageFolder(path, 1);
    if (listing.files.length === 0) throw new UserError(`${path} holds no images`);
    const sharp = (await import('sharp')).default;
    const first = `${path}/${listing.files[0].name}`;
    let meta: { width?: number; height?: number };
    try { meta = await sharp(first).metadata(); } catch (e) {
      throw new UserError(`cannot decode the image ${first} (${e instanceof Error ? e.message : String(e)})`);
    }
    imSize = opts.centerCrop ?? Math.min(meta.width ?? 0, meta.height ?? 0);
    if (!(imSize > 0)) throw new UserError(`cannot read the size of ${first}`);
  }
  const ds = await loadImageFolder({ dataPath: path, imSize, grayScale: opts.grayScale ?? false, centerCrop: opts.centerCrop, limitData: opts.limitData });
  const idx = new Int32Array(ds.count);
  for (let i = 0; i < ds.count; i++) idx[i] = i;
  const data = ds.batch(idx);
  return { data, n: ds.count, c: ds.channels, h: ds.size, w: ds.size, shape: [ds.count, ds.channels, ds.size, ds.size] };
}

/** Each metric string between the sets at paths a (generated) and b (data), values in the
 *  order given: exact W1 alone between two large float32 .npy files streams the larger one
 *  (io/streamed-w1.ts); everything else loads both sets and runs evaluateMetrics. */
export async function evaluateMetricFiles(names: readonly string[], a: string, b: string, opts: SetOptions, seed: number,
  warn: (message: string) => void = (message) => process.stderr.write(`discrete-gans: warning: ${message}\n`)): Promise<number[]> {
  for (const t of names) parseMetric(t); // unknown names fail before any loading
  const imageFlags = [opts.grayScale ? '--gray_scale' : '', opts.imSize !== undefined ? '--im_size' : '', opts.centerCrop !== undefined ? '--center_crop' : ''].filter((t) => t !== '');
  if (imageFlags.length > 0 && !isFolder(a) && !isFolder(b)) warn(`${imageFlags.join(', ')} ${imageFlags.length > 1 ? 'apply' : 'applies'} to image folders only; both sets are .npy files, used as they are`);
  if (opts.limitData === undefined && allExactW1(names)) {
    const v = await streamedExactW1(a, b);
    if (v !== null) return names.map(() => v);
  }
  prestartFor([a, b]); // large sets: the product's worker threads boot while files load
  const A = await loadPointSet(a, opts);
  const B = await loadPointSet(b, opts);
  return evaluateMetrics(names, A, B, seed, [a, b], warn);
}

function isFolder(path: string): boolean {
  try { return statSync(path).isDirectory(); } catch { return false; }
}

/** A sample's shape in words: "784 values" for an N×D set, else C×H×W. */
function describe(p: NpyPoints): string {
  return p.shape.length === 2 ? `${p.w} values` : `${p.c}×${p.h}×${p.w}`;
}

/** The image shape both sets are evaluated with. Sets of equal size per sample but different
 *  shapes agree when one is N×D (it takes the other's image shape) or when every metric
 *  compares whole flattened images; otherwise a UserError says how they differ. */
function commonShape(metrics: readonly Metric[], a: NpyPoints, b: NpyPoints, labels: [string, string], folders: [boolean, boolean]): { c: number; h: number; w: number } {
  if (a.c === b.c && a.h === b.h && a.w === b.w) return { c: a.c, h: a.h, w: a.w };
  if (a.c * a.h * a.w === b.c * b.h * b.w) {
    if (b.shape.length === 2) return { c: a.c, h: a.h, w: a.w };
    if (a.shape.length === 2 || metrics.every((m) => m.kind === 'MiniBatchLoss')) return { c: b.c, h: b.h, w: b.w };
  }
  const hint = !(folders[0] || folders[1]) || a.shape.length === 2 || b.shape.length === 2 ? ''
    : a.c !== b.c && a.h === b.h && a.w === b.w ? ' (--gray_scale reads a folder as one grey channel; .npy files are used as they are)'
    : a.h !== b.h || a.w !== b.w ? (folders[0] && folders[1] ? ' (each folder is read at the size of its first image: pass --im_size to read both at one size)' : ' (--im_size and --center_crop resize folders only)') : '';
  throw new UserError(`${labels[0]} holds samples of ${describe(a)} but ${labels[1]} holds ${describe(b)}${hint}`);
}

/** Evaluate each metric string between a (generated) and b (data); values in the order given. */
export function evaluateMetrics(names: readonly string[], a: NpyPoints, b: NpyPoints, seed: number, labels: [string, string] = ['A', 'B'],
  warn: (message: string) => void = (message) => process.stderr.write(`discrete-gans: warning: ${message}\n`)): number[] {
  const metrics = names.map((t) => parseMetric(t)); // all names checked before any work
  if (a.n === 0 || b.n === 0) throw new UserError(`${a.n === 0 ? labels[0] : labels[1]} holds no samples`);
  const { c, h, w } = commonShape(metrics, a, b, labels, [isFolder(labels[0]), isFolder(labels[1])]);
  const patchy = metrics.find((m) => m.kind !== 'MiniBatchLoss');
  if (patchy !== undefined && a.shape.length === 2 && b.shape.length === 2) {
    throw new UserError(`${patchy.text} compares image patches, but ${labels[0]} and ${labels[1]} are both N×D sets with no image shape: save one as N×C×H×W, or pass --metrics with whole-set metrics only (such as MiniBatchLoss-dist=w1; the default list has two patch metrics)`);
  }
  return metrics.map((m) => {
    try {
      return m.evaluate(a.data, b.data, { n: a.n, m: b.n, c, h, w }, new Rng(seed), warn);
    } catch (e) {
      // The distances call the sets x and y: name the files (or folders) instead.
      if (e instanceof RangeError) throw new UserError(`${m.text}: ${e.message.replace(/: x holds /, `: ${labels[0]} holds `).replace(/: y holds /, `: ${labels[1]} holds `)}`);
      throw e;
    }
  });
}
