/**
 * The decoded-dataset cache (SPEC §2): a dataset decoded once is stored as one binary file in
 * the user's cache folder — $DISCRETE_GANS_CACHE, else $XDG_CACHE_HOME/discrete-gans, else
 * ~/.cache/discrete-gans — never inside the (possibly read-only) data folder. The key hashes
 * the folder's absolute path, each chosen file's name, size and modification time, the
 * transform flags and the format version, so any change to the files or flags misses.
 * Files are written to a temporary name and renamed, so an interrupted write is never read.
 * A cache that cannot be read or written is skipped (the dataset is decoded again).
 *
 * File layout: "DGDS" + u32 header length (LE) + header JSON, zero-padded to a multiple of 8,
 * then the store's samples (uint8 or float32, little-endian).
 *
 * Owns: where the cache lives, its key, its file format. Knows nothing of decoding.
 */
import { createHash } from 'node:crypto';
import { mkdir, open, rename, unlink } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { ImageDataset, type DatasetStore, type StoreKind } from './dataset.js';

const FORMAT_VERSION = 2;
const MAGIC = 'DGDS';

export function cacheRoot(env: NodeJS.ProcessEnv = process.env): string {
  if (env.DISCRETE_GANS_CACHE) return env.DISCRETE_GANS_CACHE;
  const xdg = env.XDG_CACHE_HOME;
  return join(xdg && xdg !== '' ? xdg : join(homedir(), '.cache'), 'discrete-gans');
}

export interface CacheKeyInput {
  readonly folder: string;
  readonly files: ReadonlyArray<{ name: string; size: number; mtimeMs: number }>;
  readonly imSize: number;
  readonly centerCrop?: number;
  readonly grayScale: boolean;
  readonly maxFloatBytes: number;
}

export function cacheKey(k: CacheKeyInput): string {
  const h = createHash('sha256');
  h.update(JSON.stringify({ v: FORMAT_VERSION, folder: k.folder, imSize: k.imSize, centerCrop: k.centerCrop ?? null, grayScale: k.grayScale, maxFloatBytes: k.maxFloatBytes }));
  for (const f of k.files) h.update(`\n${f.name}\0${f.size}\0${Math.round(f.mtimeMs)}`);
  return h.digest('hex').slice(0, 32);
}

export function cacheFile(key: string, root = cacheRoot()): string {
  return join(root, 'datasets', `${key}.bin`);
}

interface Header {
  version: number;
  kind: StoreKind;
  storedChannels: number;
  count: number;
  size: number;
  height: number;
  width: number;
  grayScale: boolean;
  names: string[];
  /** The decoding's notices (absent in caches written before they were kept). */
  notes?: string[];
}

export async function writeCachedDataset(path: string, ds: ImageDataset): Promise<void> {
  const header: Header = {
    version: FORMAT_VERSION, kind: ds.store.kind, storedChannels: ds.store.storedChannels,
    count: ds.count, size: ds.size, height: ds.store.height, width: ds.store.width, grayScale: ds.grayScale, names: [...ds.names], notes: ds.notes,
  };
  const json = Buffer.from(JSON.stringify(header), 'utf8');
  const pre = 8 + json.length;
  const padded = Math.ceil(pre / 8) * 8;
  const head = Buffer.alloc(padded);
  head.write(MAGIC, 0, 'latin1');
  head.writeUInt32LE(json.length, 4);
  json.copy(head, 8);
  const data = ds.store.data;
  const body = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  const dir = join(path, '..');
  await mkdir(dir, { recursive: true });
  const tmp = `${path}.${process.pid}.${Date.now()}.tmp`;
  const fh = await open(tmp, 'w');
  try {
    await fh.writeFile(head);
    // Large stores are written in chunks (a single write is limited to 2 GiB).
    const chunk = 1 << 28;
    for (let o = 0; o < body.length; o += chunk) await fh.write(body, o, Math.min(chunk, body.length - o));
    await fh.close();
    await rename(tmp, path);
  } catch (err) {
    await fh.close().catch(() => undefined);
    await unlink(tmp).catch(() => undefined);
    throw err;
  }
}

/** The cached dataset at `path`, or null when absent or unreadable. Read in chunks straight into
 *  the store's array, so large sets need no second copy. */
export async function readCachedDataset(path: string): Promise<ImageDataset | null> {
  let fh;
  try {
    fh = await open(path, 'r');
  } catch {
    return null;
  }
  try {
    const size = (await fh.stat()).size;
    const pre = Buffer.alloc(8);
    if (size < 8 || (await fh.read(pre, 0, 8, 0)).bytesRead !== 8 || pre.toString('latin1', 0, 4) !== MAGIC) return null;
    const len = pre.readUInt32LE(4);
    const json = Buffer.alloc(len);
    if ((await fh.read(json, 0, len, 8)).bytesRead !== len) return null;
    const header = JSON.parse(json.toString('utf8')) as Header;
    if (header.version !== FORMAT_VERSION) return null;
    const start = Math.ceil((8 + len) / 8) * 8;
    const samples = header.count * header.storedChannels * header.height * header.width;
    const bytesPer = header.kind === 'float' ? 4 : 1;
    if (size !== start + samples * bytesPer) return null;
    const data = header.kind === 'float' ? new Float32Array(samples) : new Uint8Array(samples);
    const bytes = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
    const chunk = 1 << 28;
    for (let o = 0; o < bytes.length; o += chunk) {
      const n = Math.min(chunk, bytes.length - o);
      if ((await fh.read(bytes, o, n, start + o)).bytesRead !== n) return null;
    }
    const store: DatasetStore = { kind: header.kind, storedChannels: header.storedChannels, data, height: header.height, width: header.width };
    const ds = new ImageDataset(header.count, header.size, header.grayScale, header.names, store);
    ds.notes = Array.isArray(header.notes) ? header.notes.filter((t) => typeof t === 'string') : [];
    return ds;
  } catch {
    return null;
  } finally {
    await fh.close().catch(() => undefined);
  }
}
