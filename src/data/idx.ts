/**
 * MNIST-format IDX files (SPEC §2.2): big-endian header, magic 2051 for images (count, rows,
 * cols, then count·rows·cols bytes) and 2049 for labels (count, then count bytes), plain or
 * gzip-compressed (recognised by its magic bytes 1f 8b, whatever the file name).
 *
 * Owns: parsing and validating those files, with errors naming the file. Knows nothing of PNGs.
 */
import { readFile } from 'node:fs/promises';
import { gunzipSync } from 'node:zlib';
import { UserError } from '../util/errors.js';

export const IDX_IMAGES_MAGIC = 2051;
export const IDX_LABELS_MAGIC = 2049;

export interface IdxImages {
  readonly kind: 'images';
  readonly count: number;
  readonly rows: number;
  readonly cols: number;
  /** count·rows·cols bytes, image after image, row-major. */
  readonly pixels: Uint8Array;
}

export interface IdxLabels {
  readonly kind: 'labels';
  readonly count: number;
  readonly labels: Uint8Array;
}

/** Parse IDX bytes (already decompressed). `file` names the source in errors. */
export function parseIdx(bytes: Uint8Array, file: string): IdxImages | IdxLabels {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (bytes.length < 8) throw new UserError(`${file} is too short to be an IDX file (${bytes.length} bytes)`);
  const magic = view.getUint32(0, false);
  const count = view.getUint32(4, false);
  if (magic === IDX_IMAGES_MAGIC) {
    if (bytes.length < 16) throw new UserError(`${file} is truncated: its IDX image header needs 16 bytes, the file has ${bytes.length}`);
    const rows = view.getUint32(8, false);
    const cols = view.getUint32(12, false);
    const need = count * rows * cols;
    const have = bytes.length - 16;
    if (have < need) throw new UserError(`${file} is truncated: its header promises ${count} images of ${rows}x${cols} (${need} bytes) but only ${have} bytes follow`);
    return { kind: 'images', count, rows, cols, pixels: bytes.subarray(16, 16 + need) };
  }
  if (magic === IDX_LABELS_MAGIC) {
    const have = bytes.length - 8;
    if (have < count) throw new UserError(`${file} is truncated: its header promises ${count} labels but only ${have} bytes follow`);
    return { kind: 'labels', count, labels: bytes.subarray(8, 8 + count) };
  }
  throw new UserError(`${file} is not an IDX file of images or labels (magic number ${magic}, expected ${IDX_IMAGES_MAGIC} or ${IDX_LABELS_MAGIC})`);
}

/** Read and parse an IDX file, gunzipping it when it is gzip-compressed. */
export async function readIdxFile(path: string): Promise<IdxImages | IdxLabels> {
  let raw: Buffer;
  try {
    raw = await readFile(path);
  } catch (err) {
    throw new UserError(`cannot read ${path} (${(err as NodeJS.ErrnoException).code ?? String(err)})`);
  }
  let bytes: Uint8Array = raw;
  if (raw.length >= 2 && raw[0] === 0x1f && raw[1] === 0x8b) {
    try {
      bytes = gunzipSync(raw);
    } catch (err) {
      throw new UserError(`${path} is a damaged or truncated gzip file (${err instanceof Error ? err.message : String(err)})`);
    }
  }
  return parseIdx(bytes, path);
}

export async function readIdxImages(path: string): Promise<IdxImages> {
  const r = await readIdxFile(path);
  if (r.kind !== 'images') throw new UserError(`${path} holds labels (magic ${IDX_LABELS_MAGIC}) where images (magic ${IDX_IMAGES_MAGIC}) were expected`);
  return r;
}

export async function readIdxLabels(path: string): Promise<IdxLabels> {
  const r = await readIdxFile(path);
  if (r.kind !== 'labels') throw new UserError(`${path} holds images (magic ${IDX_IMAGES_MAGIC}) where labels (magic ${IDX_LABELS_MAGIC}) were expected`);
  return r;
}
