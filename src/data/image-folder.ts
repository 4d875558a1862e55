/**
 * Loading a folder of images as a dataset (SPEC §2): list the folder, keep image files in plain
 * string order (code-point order, as Python's sorted(); `10.png` before `2.png`), cut to the
 * first `limitData`, decode each (small PNGs inline, others many at a time on libvips' threads),
 * transform (transforms.ts) and store compactly (dataset.ts), through the decoded-set cache
 * (cache.ts) so a folder is decoded once per set of flags.
 *
 * Non-image entries are skipped with one warning; an unreadable image, a missing or empty
 * folder, or a folder with no images is a UserError naming it. Nothing is written except the
 * cache file (atomically, in the user's cache folder).
 *
 * Owns: the folder → dataset orchestration. Knows nothing of training or of the command line
 * (flag names appear in messages only so that the user knows what to change).
 */
import { statSync } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { UserError } from '../util/errors.js';
import { cacheFile, cacheKey, cacheRoot, readCachedDataset, writeCachedDataset } from './cache.js';
import { DatasetBuilder, type ImageDataset } from './dataset.js';
import { decodeRgb, isImageName } from './decode.js';

export { ImageDataset } from './dataset.js';

export interface LoadImageFolderOptions {
  readonly dataPath: string;
  /** Side of the square images (SPEC `--im_size`). */
  readonly imSize: number;
  /** SPEC `--center_crop`: crop side applied before resizing. */
  readonly centerCrop?: number;
  readonly grayScale: boolean;
  /** SPEC `--limit_data`: keep the first N image files in sorted order. */
  readonly limitData?: number;
  /** Where notices and warnings go (default: stderr). */
  readonly log?: (message: string) => void;
  /** false disables the cache; a string is the cache root (default: cacheRoot()). */
  readonly cache?: boolean | string;
  /** Largest float32 store before falling back to 8-bit quantized values (default 4 GiB). */
  readonly maxFloatBytes?: number;
  /** Decodes in flight (default 16). */
  readonly concurrency?: number;
  /** Called as images are decoded (not when read from the cache). */
  readonly onProgress?: (done: number, total: number) => void;
}

const defaultLog = (m: string): void => {
  process.stderr.write(`discrete-gans: ${m}\n`);
};

function checkPositiveInt(value: number | undefined, flag: string): void {
  if (value === undefined) return;
  if (!Number.isInteger(value) || value <= 0) throw new UserError(`${flag} must be a positive integer, got ${value}`);
}

/** Code-point order, as Python sorts str (JS's default sort compares UTF-16 units). */
export function sortNames(names: readonly string[]): string[] {
  const keyed = names.map((n) => ({ n, b: Buffer.from(n, 'utf8') }));
  keyed.sort((a, b) => Buffer.compare(a.b, b.b));
  return keyed.map((k) => k.n);
}

export interface FolderListing {
  /** Image files chosen, in dataset order, with the stat data the cache key needs. */
  readonly files: Array<{ name: string; size: number; mtimeMs: number }>;
  /** Entries skipped as not images. */
  readonly skipped: string[];
}

/** List a data folder as SPEC §2 orders it. Throws UserError for missing/empty/imageless folders. */
export async function listImageFolder(dataPath: string, limitData?: number): Promise<FolderListing> {
  checkPositiveInt(limitData, '--limit_data');
  let info;
  try {
    info = await stat(dataPath);
  } catch {
    throw new UserError(`the data folder ${dataPath} does not exist (check --data_path)`);
  }
  if (!info.isDirectory()) throw new UserError(`the data path ${dataPath} is not a folder (check --data_path)`);
  const entries = await readdir(dataPath, { withFileTypes: true });
  if (entries.length === 0) throw new UserError(`the data folder ${dataPath} is empty`);
  const skipped: string[] = [];
  const candidates: string[] = [];
  for (const e of entries) {
    if (e.isDirectory() || !isImageName(e.name)) skipped.push(e.name);
    else candidates.push(e.name);
  }
  const sorted = sortNames(candidates);
  if (sorted.length === 0) {
    throw new UserError(`the data folder ${dataPath} holds no image files (${skipped.length} other entr${skipped.length === 1 ? 'y' : 'ies'}, e.g. ${sortNames(skipped).slice(0, 3).join(', ')})`);
  }
  const chosen = limitData !== undefined ? sorted.slice(0, limitData) : sorted;
  // Synchronous stats: for tens of thousands of files they take a third of the time that
  // thread-pool round trips do, and listing happens once, before any work.
  const files: FolderListing['files'] = chosen.map((name) => {
    const s = statSync(join(dataPath, name));
    return { name, size: s.size, mtimeMs: s.mtimeMs };
  });
  return { files, skipped: sortNames(skipped) };
}

export async function loadImageFolder(opts: LoadImageFolderOptions): Promise<ImageDataset> {
  const log = opts.log ?? defaultLog;
  checkPositiveInt(opts.imSize, '--im_size');
  checkPositiveInt(opts.centerCrop, '--center_crop');
  checkPositiveInt(opts.limitData, '--limit_data');
  const maxFloatBytes = opts.maxFloatBytes ?? 4 * 2 ** 30;
  const folder = resolve(opts.dataPath);
  const listing = await listImageFolder(opts.dataPath, opts.limitData);
  if (listing.skipped.length > 0) {
    const shown = listing.skipped.slice(0, 3).join(', ') + (listing.skipped.length > 3 ? ', …' : '');
    log(`skipped ${listing.skipped.length} entr${listing.skipped.length === 1 ? 'y' : 'ies'} of ${opts.dataPath} that ${listing.skipped.length === 1 ? 'is not an image' : 'are not images'} (${shown})`);
  }
  const transform = { imSize: opts.imSize, centerCrop: opts.centerCrop, grayScale: opts.grayScale };
  const cacheDir = opts.cache === false ? null : typeof opts.cache === 'string' ? opts.cache : cacheRoot();
  const path = cacheDir === null ? null : cacheFile(cacheKey({ folder, files: listing.files, ...transform, maxFloatBytes }), cacheDir);
  if (path !== null) {
    const cached = await readCachedDataset(path);
    if (cached !== null && cached.count === listing.files.length && cached.size === opts.imSize && cached.grayScale === opts.grayScale) {
      for (const note of cached.notes) log(note);
      return cached;
    }
  }
  const names = listing.files.map((f) => f.name);
  if (names.length >= 1000) {
    log(`decoding ${names.length} images from ${opts.dataPath}` + (path !== null ? ' (once: the result is cached in ' + cacheDir + ')' : ''));
  }
  const dataset = await decodeAll(folder, names, transform, maxFloatBytes, opts, log);
  if (path !== null) {
    try {
      await writeCachedDataset(path, dataset);
    } catch (err) {
      log(`could not write the dataset cache ${path} (${err instanceof Error ? err.message : String(err)}); the folder will be decoded again next time`);
    }
  }
  return dataset;
}

async function decodeAll(
  folder: string, names: string[], transform: { imSize: number; centerCrop?: number; grayScale: boolean },
  maxFloatBytes: number, opts: LoadImageFolderOptions, log: (m: string) => void,
): Promise<ImageDataset> {
  const count = names.length;
  const builder = new DatasetBuilder(count, transform, maxFloatBytes);
  let next = 0;
  let done = 0;
  let failed = false;
  const lane = async (): Promise<void> => {
    while (!failed && next < count) {
      const i = next++;
      try {
        builder.add(i, await decodeRgb(join(folder, names[i])));
      } catch (err) {
        failed = true;
        throw err;
      }
      done++;
      opts.onProgress?.(done, count);
    }
  };
  const lanes = Math.max(1, Math.min(opts.concurrency ?? 16, count));
  const results = await Promise.allSettled(Array.from({ length: lanes }, lane));
  const firstError = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (firstError) throw firstError.reason;
  const notes: string[] = [];
  if (builder.squareCropped > 0) {
    notes.push(`${builder.squareCropped} image${builder.squareCropped === 1 ? ' was' : 's were'} not square after resizing and ${builder.squareCropped === 1 ? 'was' : 'were'} center-cropped to ${transform.imSize}x${transform.imSize}`);
  }
  if (builder.cropPadded > 0) {
    notes.push(`${builder.cropPadded} image${builder.cropPadded === 1 ? ' is' : 's are'} smaller than --center_crop ${transform.centerCrop} on a side and ${builder.cropPadded === 1 ? 'was' : 'were'} padded with black to ${transform.centerCrop}x${transform.centerCrop} (as torchvision's CenterCrop does)`);
  }
  if (builder.quantizedBecause) notes.push(`${builder.quantizedBecause}, so it is kept as 8-bit values (error at most 1/510)`);
  for (const note of notes) log(note);
  const dataset = builder.finish(names);
  dataset.notes = notes;
  return dataset;
}
