/**
 * Reading NumPy `.npy` files of point sets or images for the `metrics` command and the library:
 * float32, float64 or uint8, C order, shape N×D, N×H×W (grey) or N×C×H×W. uint8 values are
 * mapped to [-1, 1] as image folders are (v / 127.5 − 1) in float32; floats are taken as they
 * are, float64 files staying float64 (so exact W1 between them is a float64 computation).
 *
 * Owns: the .npy header, the (chunked) reading and the finiteness check. Errors are UserErrors
 * naming the file.
 * Knows nothing of distances or training.
 */
import { closeSync, fstatSync, openSync, read, readFileSync, readSync } from 'node:fs';
import { UserError } from '../../util/errors.js';
import { firstNonFinite } from '../finite.js';

export interface NpyPoints {
  /** Values, row-major: float64 for float64 files, else float32. */
  readonly data: Float32Array | Float64Array;
  /** Number of samples and the per-sample shape as images (N×D reads as 1×1×D). */
  readonly n: number;
  readonly c: number;
  readonly h: number;
  readonly w: number;
  /** The shape as stored. */
  readonly shape: readonly number[];
}

/**
 * Reads a .npy file. float32 files are read straight into their final array, in chunks that
 * are checked for finiteness while still in cache; `alloc` (optional) provides that array
 * (for instance in memory a fast kernel reads in place); it must hold `count` floats.
 */
export function readNpy(path: string, alloc?: (count: number) => Float32Array): NpyPoints {
  const o = openForReading(path, alloc);
  if ('whole' in o) return o.whole;
  const { fd, h, data, byteLength } = o;
  try {
    for (let b0 = 0; b0 < byteLength; b0 += CHUNK_BYTES) {
      const b1 = Math.min(byteLength, b0 + CHUNK_BYTES);
      if (readAll(fd, chunkBytes(data, b0, b1), 0, b1 - b0, h.dataStart + b0, path) < b1 - b0) throw new UserError(`${path} is shorter than its shape says`);
      checkFinite(data, b0 / 4, b1 / 4, path);
    }
    return points(data, h.shape);
  } finally {
    closeSync(fd);
  }
}

/**
 * readNpy without blocking, and faster for large float32 files: READ_LANES chunks are read at
 * once on libuv's threads (page faults and copies on several cores) while this thread checks
 * the chunks already read. Same values, errors and `alloc` as readNpy.
 */
export async function readNpyAsync(path: string, alloc?: (count: number) => Float32Array): Promise<NpyPoints> {
  const o = openForReading(path, alloc);
  if ('whole' in o) return o.whole;
  const { fd, h, data, byteLength } = o;
  try {
    let next = 0, bad = -1, short = false, failed = false;
    const lane = async (): Promise<void> => {
      while (!failed && next < byteLength) {
        const b0 = next, b1 = Math.min(byteLength, b0 + CHUNK_BYTES);
        next = b1;
        let got: number;
        try { got = await readAllAsync(fd, chunkBytes(data, b0, b1), 0, b1 - b0, h.dataStart + b0); } catch (e) { failed = true; throw cannotRead(path, e); }
        if (got < b1 - b0) { short = failed = true; return; }
        const k = firstNonFinite(data, b0 / 4, b1 / 4);
        if (k >= 0 && (bad < 0 || k < bad)) bad = k;
      }
    };
    // Every lane settles before the file is closed, even when one fails.
    const settled = await Promise.allSettled(Array.from({ length: READ_LANES }, lane));
    for (const r of settled) if (r.status === 'rejected') throw r.reason;
    if (short) throw new UserError(`${path} is shorter than its shape says`);
    if (bad >= 0) throw nonFinite(path, bad);
    return points(data, h.shape);
  } finally {
    closeSync(fd);
  }
}

/** A float32 file open for reading into its destination array (`alloc`'s, else a new one);
 *  any other kind is read whole and parsed now (`whole`). The caller closes `fd`. */
type Opened = { fd: number; h: Header; data: Float32Array; byteLength: number } | { whole: NpyPoints };

/** Bytes [b0, b1) of data's storage (views per chunk: one over a whole set of 4 GB or more
 *  would pass the longest Uint8Array). */
function chunkBytes(data: Float32Array, b0: number, b1: number): Uint8Array {
  return new Uint8Array(data.buffer, data.byteOffset + b0, b1 - b0);
}

function openForReading(path: string, alloc?: (count: number) => Float32Array): Opened {
  let fd: number;
  try { fd = openSync(path, 'r'); } catch (e) { throw cannotRead(path, e); }
  try {
    const h = readHeader(fd, path);
    if (h === null) {
      closeSync(fd);
      let buf: Buffer;
      try { buf = readFileSync(path); } catch (e) { throw cannotRead(path, e); }
      return { whole: parseNpy(buf, path) };
    }
    checkLength(fd, h, 4, path); // before allocating what the header asks for
    const data = alloc ? alloc(h.count) : new Float32Array(h.count);
    return { fd, h, data, byteLength: h.count * 4 };
  } catch (e) {
    try { closeSync(fd); } catch { /* already closed */ }
    throw e;
  }
}

/** The shape of a .npy file (header only) as readNpy would return it, and its value type. */
export interface NpyShape {
  readonly n: number;
  readonly c: number;
  readonly h: number;
  readonly w: number;
  readonly shape: readonly number[];
  readonly float32: boolean;
}

/** A float32 .npy file open for reading its rows (samples) a block at a time. */
export interface NpyRows extends NpyShape {
  /** Rows [b0, b1) as float32, NOT checked finite; the array is reused, so it holds the next
   *  block after the next call. */
  read(b0: number, b1: number): Float32Array;
  /** Throws (naming the file and the flat index) when the block just read holds a NaN or an
   *  infinity. */
  check(b0: number, b1: number): void;
  close(): void;
}

/** The header of a .npy file, without reading its values. */
export function readNpyShape(path: string): NpyShape {
  let fd: number;
  try { fd = openSync(path, 'r'); } catch (e) { throw cannotRead(path, e); }
  try {
    const head = new Uint8Array(HEAD_PROBE);
    const h = parseHeader(head.subarray(0, readAll(fd, head, 0, HEAD_PROBE, 0, path)), path, true);
    if (h === null) { const p = readNpy(path); return { n: p.n, c: p.c, h: p.h, w: p.w, shape: p.shape, float32: false }; }
    return { ...points(new Float32Array(0), h.shape), float32: h.descr === '<f4' || h.descr === '=f4' };
  } finally {
    closeSync(fd);
  }
}

/** Opens a float32 .npy file for reading rows in blocks (`alloc` provides the block buffer,
 *  as for readNpy); null when the file holds another type. Close it when done. */
export function openNpyRows(path: string, alloc?: (count: number) => Float32Array): NpyRows | null {
  let fd: number;
  try { fd = openSync(path, 'r'); } catch (e) { throw cannotRead(path, e); }
  let h: Header | null;
  try { h = readHeader(fd, path); } catch (e) { closeSync(fd); throw e; }
  if (h === null) { closeSync(fd); return null; }
  try { checkLength(fd, h, 4, path); } catch (e) { closeSync(fd); throw e; }
  const { dataStart } = h;
  const p = points(new Float32Array(0), h.shape);
  const row = p.c * p.h * p.w;
  let buf: Float32Array | null = null;
  let open = true;
  return {
    n: p.n, c: p.c, h: p.h, w: p.w, shape: p.shape, float32: true,
    read(b0: number, b1: number): Float32Array {
      const count = (b1 - b0) * row;
      if (buf === null || buf.length < count) buf = alloc ? alloc(count) : new Float32Array(count);
      const view = buf.subarray(0, count);
      const bytes = new Uint8Array(view.buffer, view.byteOffset, count * 4);
      if (readAll(fd, bytes, 0, bytes.length, dataStart + b0 * row * 4, path) < bytes.length) throw new UserError(`${path} is shorter than its shape says`);
      return view;
    },
    check(b0: number, b1: number): void {
      const count = (b1 - b0) * row;
      if (buf === null || buf.length < count) return;
      for (let q = 0; q < count; q += CHUNK_BYTES / 4) {
        const k = firstNonFinite(buf, q, Math.min(count, q + CHUNK_BYTES / 4));
        if (k >= 0) throw nonFinite(path, b0 * row + k);
      }
    },
    close(): void { if (open) { open = false; closeSync(fd); } },
  };
}

/** Chunks read at once by readNpyAsync (libuv runs four reads at a time by default). */
const READ_LANES = 4;

/** The header of a float32 file open as fd; null for any other kind (read whole instead). */
function readHeader(fd: number, path: string): Header | null {
  const head = new Uint8Array(HEAD_PROBE);
  const got = readAll(fd, head, 0, HEAD_PROBE, 0, path);
  const h = parseHeader(head.subarray(0, got), path, true);
  return h !== null && (h.descr === '<f4' || h.descr === '=f4') ? h : null;
}

function readAllAsync(fd: number, buf: Uint8Array, off: number, len: number, pos: number): Promise<number> {
  return new Promise((resolve, reject) => {
    let done = 0;
    const step = (): void => {
      read(fd, buf, off + done, len - done, pos + done, (err, r) => {
        if (err) { reject(err); return; }
        done += r;
        if (r === 0 || done >= len) resolve(done); else step();
      });
    };
    step();
  });
}

/** Header bytes read first: enough for any header numpy writes (it pads them to 64 or 128). */
const HEAD_PROBE = 4096;
/** Bytes read (then checked, while in cache) at a time. */
const CHUNK_BYTES = 1 << 20;

function cannotRead(path: string, e: unknown): UserError {
  return new UserError(`cannot read ${path}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (e as Error).message}`);
}

/** A file shorter than its header's shape says is refused before its values are allocated
 *  (a damaged header could ask for more memory than exists). */
function checkLength(fd: number, h: Header, itemBytes: number, path: string): void {
  let size: number;
  try { size = fstatSync(fd).size; } catch (e) { throw cannotRead(path, e); }
  if (size < h.dataStart + h.count * itemBytes) throw new UserError(`${path} is shorter than its shape says`);
}

/** Reads up to `len` bytes at file position `pos` into buf[off..]; returns the count read. */
function readAll(fd: number, buf: Uint8Array, off: number, len: number, pos: number, path: string): number {
  let done = 0;
  while (done < len) {
    let r: number;
    try { r = readSync(fd, buf, off + done, len - done, pos + done); } catch (e) { throw cannotRead(path, e); }
    if (r === 0) break;
    done += r;
  }
  return done;
}

interface Header { descr: string; shape: number[]; count: number; dataStart: number }

/** The header of a .npy file; with `partial`, null when `buf` (the file's start) ends inside it. */
function parseHeader(buf: Uint8Array, path: string, partial = false): Header | null {
  const magic = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59];
  if (buf.length < 10 || magic.some((b, i) => buf[i] !== b)) throw new UserError(`${path} is not a .npy file (bad magic bytes)`);
  const major = buf[6];
  const dv = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  let headerLen: number, start: number;
  if (major === 1) { headerLen = dv.getUint16(8, true); start = 10; }
  else if (major === 2 || major === 3) {
    if (buf.length < 12) throw new UserError(`${path}: unreadable .npy header`);
    headerLen = dv.getUint32(8, true); start = 12;
  } else throw new UserError(`${path}: unsupported .npy version ${major}`);
  if (start + headerLen > buf.length) {
    if (partial) return null;
    throw new UserError(`${path}: unreadable .npy header`);
  }
  const header = Buffer.from(buf.buffer, buf.byteOffset + start, headerLen).toString('latin1');
  const descr = /'descr'\s*:\s*'([^']*)'/.exec(header)?.[1];
  const fortran = /'fortran_order'\s*:\s*(True|False)/.exec(header)?.[1];
  const shapeText = /'shape'\s*:\s*\(([^)]*)\)/.exec(header)?.[1];
  if (descr === undefined || fortran === undefined || shapeText === undefined) throw new UserError(`${path}: unreadable .npy header`);
  if (fortran === 'True') throw new UserError(`${path} is stored in Fortran order; save it in C order (numpy.ascontiguousarray)`);
  const shape = shapeText.split(',').map((t) => t.trim()).filter((t) => t !== '').map(Number);
  if (shape.some((v) => !Number.isInteger(v) || v < 0)) throw new UserError(`${path}: unreadable shape (${shapeText})`);
  if (shape.length < 2 || shape.length > 4) throw new UserError(`${path} has shape (${shape.join(', ')}); expected N×D, N×H×W or N×C×H×W`);
  const known = ['<f4', '=f4', '<f8', '=f8', '|u1', '<u1', 'u1'];
  if (!known.includes(descr)) throw new UserError(`${path} holds ${descr} values; expected float32, float64 or uint8 (little-endian)`);
  return { descr, shape, count: shape.reduce((a, b) => a * b, 1), dataStart: start + headerLen };
}

export function parseNpy(buf: Uint8Array, path = '<buffer>'): NpyPoints {
  const { descr, shape, count, dataStart } = parseHeader(buf, path)!;
  const offset = buf.byteOffset + dataStart;
  const size = descr.endsWith('f4') ? 4 : descr.endsWith('f8') ? 8 : 1;
  if (buf.byteLength - dataStart < count * size) throw new UserError(`${path} is shorter than its shape says`);
  let data: Float32Array | Float64Array;
  if (size === 4) {
    data = offset % 4 === 0 ? new Float32Array(buf.buffer, offset, count) : new Float32Array(buf.buffer.slice(offset, offset + count * 4));
  } else if (size === 8) {
    data = offset % 8 === 0 ? new Float64Array(buf.buffer, offset, count) : new Float64Array(buf.buffer.slice(offset, offset + count * 8));
  } else {
    data = new Float32Array(count);
    for (let k = 0; k < count; k++) data[k] = buf[dataStart + k] / 127.5 - 1;
  }
  for (let q = 0; q < count; q += CHUNK_BYTES / 4) checkFinite(data, q, Math.min(count, q + CHUNK_BYTES / 4), path);
  return points(data, shape);
}

function checkFinite(data: Float32Array | Float64Array, q0: number, q1: number, path: string): void {
  const k = firstNonFinite(data, q0, q1);
  if (k >= 0) throw nonFinite(path, k);
}

function nonFinite(path: string, k: number): UserError {
  return new UserError(`${path} holds a NaN or infinite value (at flat index ${k})`);
}

function points<T extends Float32Array | Float64Array>(data: T, shape: number[]): NpyPoints & { data: T } {
  const n = shape[0];
  const [c, h, w] = shape.length === 2 ? [1, 1, shape[1]] : shape.length === 3 ? [1, shape[1], shape[2]] : [shape[1], shape[2], shape[3]];
  return { data, n, c, h, w, shape };
}
