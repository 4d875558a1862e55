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
import { readFile } from 'node:fs/promises';
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

export async function decodeRgb(path: string): Promise<DecodedImage> {
  try {
    const file = await readFile(path);
    // Ordinary 8-bit PNGs are inflated here (fast for tiny images); everything else by libvips.
    const png = extname(path).toLowerCase() === '.png' ? decodePngRgb(file) : null;
    if (png) return { rgb: png.rgb, height: png.height, width: png.width };
    const { data, info } = await sharp(file, { failOn: 'error', pages: 1 })
      .removeAlpha()
      .toColourspace('srgb')
      .raw({ depth: 'uchar' })
      .toBuffer({ resolveWithObject: true });
    if (info.channels !== 3) throw new Error(`decoded to ${info.channels} channels`);
    return { rgb: new Uint8Array(data.buffer, data.byteOffset, data.byteLength), height: info.height, width: info.width };
  } catch (err) {
    const msg = err instanceof Error ? err.message.split('\n')[0] : String(err);
    throw new UserError(`cannot decode the image ${path} (${msg})`);
  }
}
