/**
 * PNG in both directions, for the cases that matter to datasets:
 * - an encoder for 8-bit grey or RGB images (no interlace, filter "none", zlib level 6), used to
 *   write the squares and MNIST folders: for tiny images it is an order of magnitude faster
 *   than a libvips pipeline per image, and the output is an ordinary PNG any reader opens;
 * - a decoder for ordinary 8-bit PNGs (see decodePngRgb), the loader's fast path.
 *
 * Owns: PNG chunk layout, CRC, filters. Knows nothing of datasets.
 */
import { deflateSync, inflateSync } from 'node:zlib';

const CRC_TABLE = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();

/** PNG's CRC-32 of a chunk's type and data. */
export function crc32(buf: Uint8Array): number {
  let c = 0xffffffff;
  for (let i = 0; i < buf.length; i++) c = CRC_TABLE[(c ^ buf[i]) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type: string, data: Uint8Array): Buffer {
  const out = Buffer.alloc(12 + data.length);
  out.writeUInt32BE(data.length, 0);
  out.write(type, 4, 'latin1');
  out.set(data, 8);
  out.writeUInt32BE(crc32(out.subarray(4, 8 + data.length)), 8 + data.length);
  return out;
}

const SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
const IEND = chunk('IEND', new Uint8Array(0));

/** PNG bytes of an 8-bit image given as HWC samples with 1 (grey) or 3 (RGB) channels. */
export function encodePng(pixels: Uint8Array, width: number, height: number, channels: 1 | 3): Buffer {
  if (pixels.length !== width * height * channels) throw new Error(`encodePng: ${pixels.length} samples for ${width}x${height}x${channels}`);
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = channels === 1 ? 0 : 2; // colour type: grey or RGB
  const row = width * channels;
  const raw = new Uint8Array(height * (row + 1));
  for (let y = 0; y < height; y++) raw.set(pixels.subarray(y * row, (y + 1) * row), y * (row + 1) + 1);
  return Buffer.concat([SIGNATURE, chunk('IHDR', ihdr), chunk('IDAT', deflateSync(raw)), IEND]);
}

/**
 * Decode an ordinary 8-bit, non-interlaced PNG (grey, grey+alpha, RGB, RGBA or palette) to
 * HWC RGB bytes, as PIL's convert('RGB') gives them (alpha and tRNS ignored, grey repeated,
 * palette expanded; colour profiles and gamma ignored). Returns null for any other PNG
 * (16-bit, low bit depths, interlaced, or more than `maxPixels`), which the caller hands to libvips. Throws an Error
 * (not a UserError: the caller names the file) when the file is damaged.
 * Why: a libvips pipeline costs about half a millisecond per image, which dominates
 * 60,000 28×28 images; inflating them here costs a few microseconds each.
 */
export function decodePngRgb(file: Uint8Array, maxPixels = Infinity): { rgb: Uint8Array; width: number; height: number } | null {
  const buf = Buffer.from(file.buffer, file.byteOffset, file.byteLength);
  if (buf.length < 8 || !buf.subarray(0, 8).equals(SIGNATURE)) return null;
  let pos = 8;
  let width = 0, height = 0, depth = 0, colourType = -1, interlace = 0;
  let palette: Uint8Array | null = null;
  const idat: Buffer[] = [];
  let ended = false;
  while (pos + 8 <= buf.length) {
    const len = buf.readUInt32BE(pos);
    const type = buf.toString('latin1', pos + 4, pos + 8);
    const start = pos + 8;
    if (start + len + 4 > buf.length) throw new Error(`PNG chunk ${type} is truncated`);
    const data = buf.subarray(start, start + len);
    if (type === 'IHDR') {
      if (len < 13) throw new Error('PNG header is too short');
      width = data.readUInt32BE(0);
      height = data.readUInt32BE(4);
      depth = data[8];
      colourType = data[9];
      interlace = data[12];
    } else if (type === 'PLTE') palette = data;
    else if (type === 'IDAT') idat.push(data);
    else if (type === 'IEND') {
      ended = true;
      break;
    }
    pos = start + len + 4;
  }
  if (colourType < 0) throw new Error('PNG has no header chunk');
  if (depth !== 8 || interlace !== 0 || width * height > maxPixels) return null;
  const channels = ({ 0: 1, 2: 3, 3: 1, 4: 2, 6: 4 } as Record<number, number | undefined>)[colourType];
  if (channels === undefined) throw new Error(`PNG colour type ${colourType} is invalid`);
  if (colourType === 3 && palette === null) throw new Error('palette PNG without a palette');
  if (!ended) throw new Error('PNG is truncated (no IEND chunk)');
  if (width === 0 || height === 0) throw new Error('PNG has zero size');
  const raw = inflateSync(idat.length === 1 ? idat[0] : Buffer.concat(idat));
  const row = width * channels;
  if (raw.length < height * (row + 1)) throw new Error('PNG image data is truncated');
  // Unfilter in place into `px` (HWC with `channels` samples).
  const px = new Uint8Array(height * row);
  for (let y = 0; y < height; y++) {
    const filter = raw[y * (row + 1)];
    const src = y * (row + 1) + 1;
    const dst = y * row;
    const up = dst - row;
    for (let x = 0; x < row; x++) {
      const a = x >= channels ? px[dst + x - channels] : 0;
      const b = y > 0 ? px[up + x] : 0;
      const v = raw[src + x];
      let out: number;
      switch (filter) {
        case 0: out = v; break;
        case 1: out = v + a; break;
        case 2: out = v + b; break;
        case 3: out = v + ((a + b) >> 1); break;
        case 4: {
          const c = x >= channels && y > 0 ? px[up + x - channels] : 0;
          const p = a + b - c;
          const pa = Math.abs(p - a), pb = Math.abs(p - b), pc = Math.abs(p - c);
          out = v + (pa <= pb && pa <= pc ? a : pb <= pc ? b : c);
          break;
        }
        default: throw new Error(`PNG row filter ${filter} is invalid`);
      }
      px[dst + x] = out & 0xff;
    }
  }
  const n = width * height;
  const rgb = new Uint8Array(n * 3);
  if (colourType === 2) rgb.set(px);
  else if (colourType === 6) for (let i = 0; i < n; i++) { rgb[3 * i] = px[4 * i]; rgb[3 * i + 1] = px[4 * i + 1]; rgb[3 * i + 2] = px[4 * i + 2]; }
  else if (colourType === 3) {
    const pal = palette as Uint8Array;
    for (let i = 0; i < n; i++) {
      const k = 3 * px[i];
      if (k + 2 >= pal.length) throw new Error('PNG palette index out of range');
      rgb[3 * i] = pal[k]; rgb[3 * i + 1] = pal[k + 1]; rgb[3 * i + 2] = pal[k + 2];
    }
  } else {
    const step = channels; // grey (1) or grey+alpha (2)
    for (let i = 0; i < n; i++) { const g = px[step * i]; rgb[3 * i] = g; rgb[3 * i + 1] = g; rgb[3 * i + 2] = g; }
  }
  return { rgb, width, height };
}
