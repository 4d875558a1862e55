/**
 * Reading NumPy `.npy` files of point sets or images for the `metrics` command and the library:
 * float32, float64 or uint8, C order, shape N×D, N×H×W (grey) or N×C×H×W. uint8 values are
 * mapped to [-1, 1] as image folders are (v / 127.5 − 1); floats are taken as they are.
 *
 * Owns: the .npy header and the conversion to float32. Errors are UserErrors naming the file.
 * Knows nothing of distances or training.
 */
import { readFileSync } from 'node:fs';
import { UserError } from '../../util/errors.js';

export interface NpyPoints {
  /** Values as float32, row-major. */
  readonly data: Float32Array;
  /** Number of samples and the per-sample shape as images (N×D reads as 1×1×D). */
  readonly n: number;
  readonly c: number;
  readonly h: number;
  readonly w: number;
  /** The shape as stored. */
  readonly shape: readonly number[];
}

export function readNpy(path: string): NpyPoints {
  let buf: Buffer;
  try { buf = readFileSync(path); } catch (e) {
    throw new UserError(`cannot read ${path}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (e as Error).message}`);
  }
  return parseNpy(buf, path);
}

export function parseNpy(buf: Uint8Array, path = '<buffer>'): NpyPoints {
  const magic = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59];
  if (buf.length < 10 || magic.some((b, i) => buf[i] !== b)) throw new UserError(`${path} is not a .npy file (bad magic bytes)`);
  const major = buf[6];
  const dv = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  let headerLen: number, start: number;
  if (major === 1) { headerLen = dv.getUint16(8, true); start = 10; }
  else if (major === 2 || major === 3) { headerLen = dv.getUint32(8, true); start = 12; }
  else throw new UserError(`${path}: unsupported .npy version ${major}`);
  const header = Buffer.from(buf.buffer, buf.byteOffset + start, headerLen).toString('latin1');
  const descr = /'descr'\s*:\s*'([^']*)'/.exec(header)?.[1];
  const fortran = /'fortran_order'\s*:\s*(True|False)/.exec(header)?.[1];
  const shapeText = /'shape'\s*:\s*\(([^)]*)\)/.exec(header)?.[1];
  if (descr === undefined || fortran === undefined || shapeText === undefined) throw new UserError(`${path}: unreadable .npy header`);
  if (fortran === 'True') throw new UserError(`${path} is stored in Fortran order; save it in C order (numpy.ascontiguousarray)`);
  const shape = shapeText.split(',').map((s) => s.trim()).filter((s) => s !== '').map(Number);
  if (shape.some((v) => !Number.isInteger(v) || v < 0)) throw new UserError(`${path}: unreadable shape (${shapeText})`);
  if (shape.length < 2 || shape.length > 4) throw new UserError(`${path} has shape (${shape.join(', ')}); expected N×D, N×H×W or N×C×H×W`);
  const count = shape.reduce((a, b) => a * b, 1);
  const offset = buf.byteOffset + start + headerLen;
  let data: Float32Array;
  if (descr === '<f4' || descr === '=f4') {
    if (buf.byteLength - start - headerLen < count * 4) throw new UserError(`${path} is shorter than its shape says`);
    data = offset % 4 === 0 ? new Float32Array(buf.buffer, offset, count) : new Float32Array(buf.buffer.slice(offset, offset + count * 4));
  } else if (descr === '<f8' || descr === '=f8') {
    if (buf.byteLength - start - headerLen < count * 8) throw new UserError(`${path} is shorter than its shape says`);
    const src = offset % 8 === 0 ? new Float64Array(buf.buffer, offset, count) : new Float64Array(buf.buffer.slice(offset, offset + count * 8));
    data = Float32Array.from(src);
  } else if (descr === '|u1' || descr === '<u1' || descr === 'u1') {
    if (buf.byteLength - start - headerLen < count) throw new UserError(`${path} is shorter than its shape says`);
    data = new Float32Array(count);
    for (let k = 0; k < count; k++) data[k] = buf[start + headerLen + k] / 127.5 - 1;
  } else {
    throw new UserError(`${path} holds ${descr} values; expected float32, float64 or uint8 (little-endian)`);
  }
  // NaN as soon as any value is NaN or infinite (four independent sums: no add chain).
  let p0 = 0, p1 = 0, p2 = 0, p3 = 0, q = 0;
  for (; q + 4 <= count; q += 4) { p0 += data[q] * 0; p1 += data[q + 1] * 0; p2 += data[q + 2] * 0; p3 += data[q + 3] * 0; }
  for (; q < count; q++) p0 += data[q] * 0;
  if (p0 + p1 + p2 + p3 !== 0) {
    let k = 0;
    while (Number.isFinite(data[k])) k++;
    throw new UserError(`${path} holds a NaN or infinite value (at flat index ${k})`);
  }
  const n = shape[0];
  const [c, h, w] = shape.length === 2 ? [1, 1, shape[1]] : shape.length === 3 ? [1, shape[1], shape[2]] : [shape[1], shape[2], shape[3]];
  return { data, n, c, h, w, shape };
}
