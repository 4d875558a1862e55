/**
 * Decoding one image file to 8-bit RGB bytes with `sharp` (libvips), the way PIL's
 * `Image.open(f).convert('RGB')` sees it: alpha is dropped (not composited), grey is repeated
 * into three channels, palettes are expanded, EXIF orientation is ignored. 16-bit samples are
 * scaled to 8 bits by libvips (v·255/65535, rounded), which is what SPEC §2 asks for (PIL would
 * clip them). Embedded colour profiles are not applied.
 *
 * Ordinary 8-bit non-interlaced PNGs are decoded by png.ts (same bytes, much less overhead per
 * image); the tests check both paths give the same pixels.
 *
 * Owns: which file names count as images, and turning a file into HWC RGB bytes, or a
 * UserError naming the file. Knows nothing of transforms, datasets or caching.
 */
import sharp from 'sharp';
import { readFileSync } from 'node:fs';
import { extname } from 'node:path';
import { UserError } from '../util/errors.js';
import { decodePngRgb } from './png.js';

/** File extensions treated as images (those libvips decodes in sharp's prebuilt binaries). */
export const IMAGE_EXTENSIONS: ReadonlySet<string> = new Set([
  '.png', '.jpg', '.jpeg', '.webp', '.tif', '.tiff', '.gif', '.avif', '.heic', '.heif',
]);

export function isImageName(name: string): boolean {
  return IMAGE_EXTENSIONS.has(extname(name).toLowerCase());
}

export interface DecodedImage {
  /** HWC, 3 channels, 8 bits. */
  readonly rgb: Uint8Array;
  readonly height: number;
  readonly width: number;
}

/** Larger PNGs go to libvips, which decodes them on its own threads. */
const FAST_PNG_MAX_PIXELS = 256 * 256;

export async function decodeRgb(path: string): Promise<DecodedImage> {
  try {
    if (extname(path).toLowerCase() === '.png') {
      // Ordinary 8-bit PNGs are read and inflated here, synchronously: for tiny images a
      // thread-pool round trip costs more than the work (60,000 28×28 PNGs: ~4 s instead of ~20 s).
      const file = readFileSync(path);
      const png = decodePngRgb(file, FAST_PNG_MAX_PIXELS);
      if (png) return { rgb: png.rgb, height: png.height, width: png.width };
      return await decodeWithVips(file);
    }
    return await decodeWithVips(path);
  } catch (err) {
    const msg = err instanceof Error ? err.message.split('\n')[0] : String(err);
    throw new UserError(`cannot decode the image ${path} (${msg})`);
  }
}

async function decodeWithVips(input: string | Buffer): Promise<DecodedImage> {
  const { data, info } = await sharp(input, { failOn: 'error', pages: 1 })
    .removeAlpha()
    .toColourspace('srgb')
    .raw({ depth: 'uchar' })
    .toBuffer({ resolveWithObject: true });
  if (info.channels !== 3) throw new Error(`decoded to ${info.channels} channels`);
  return { rgb: new Uint8Array(data.buffer, data.byteOffset, data.byteLength), height: info.height, width: info.width };
}
