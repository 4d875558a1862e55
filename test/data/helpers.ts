// Test helpers for the data tests: temporary folders, and PNGs with known pixels (through
// sharp for 8-bit, or encoded by hand for 16-bit, which sharp's raw input cannot express).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deflateSync } from 'node:zlib';
import sharp from 'sharp';
import { crc32 } from '../../src/data/png.js';

export function tempDir(prefix: string): { path: string; remove: () => void } {
  const path = mkdtempSync(join(tmpdir(), `dg-${prefix}-`));
  return { path, remove: () => rmSync(path, { recursive: true, force: true }) };
}

/** Write HWC bytes with 1 (grey), 2 (grey+alpha), 3 (RGB) or 4 (RGBA) channels as a PNG. */
export async function writePng(path: string, data: ArrayLike<number>, width: number, height: number, channels: 1 | 2 | 3 | 4): Promise<void> {
  await sharp(Buffer.from(Uint8Array.from(data)), { raw: { width, height, channels } }).png().toFile(path);
}


function chunk(type: string, data: Buffer): Buffer {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const td = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(td));
  return Buffer.concat([len, td, crc]);
}

/** A 16-bit PNG (colour type 0 grey or 2 RGB) from 16-bit samples, HWC. */
export function writePng16(path: string, samples: ArrayLike<number>, width: number, height: number, channels: 1 | 3): void {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 16;
  ihdr[9] = channels === 1 ? 0 : 2;
  const rowBytes = width * channels * 2;
  const raw = Buffer.alloc(height * (rowBytes + 1));
  for (let y = 0; y < height; y++) {
    raw[y * (rowBytes + 1)] = 0; // filter: none
    for (let k = 0; k < width * channels; k++) raw.writeUInt16BE(samples[y * width * channels + k], y * (rowBytes + 1) + 1 + 2 * k);
  }
  const sig = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  writeFileSync(path, Buffer.concat([sig, chunk('IHDR', ihdr), chunk('IDAT', deflateSync(raw)), chunk('IEND', Buffer.alloc(0))]));
}

/** Largest absolute difference between two arrays of equal length. */
export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new Error(`lengths differ: ${a.length} vs ${b.length}`);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}
