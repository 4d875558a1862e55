/**
 * The squares dataset of SPEC §2.1: 64×64 RGB images on a black background, each with one
 * white 10×10 square whose top-left corner (x, y) runs over Python's range(1, 64−10−1) in both
 * axes (52 × 52 = 2704 images), numbered row-major (y outer, x inner). Sizes, offset, stride
 * and colours are parameters.
 *
 * Owns: the pixels of the squares and writing them as `<i>.png`. Knows nothing of the command line.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { UserError } from '../util/errors.js';
import { writeFolderAtomically } from './atomic-folder.js';
import { datasetFromImages, type ImageDataset } from './dataset.js';
import { encodePng } from './png.js';
import { runPool } from './pool.js';

export interface SquaresOptions {
  readonly imSize?: number;
  readonly squareSize?: number;
  readonly offset?: number;
  readonly stride?: number;
  readonly background?: readonly [number, number, number];
  readonly foreground?: readonly [number, number, number];
}

export interface Squares {
  readonly imSize: number;
  /** Top-left corners (x, y) in image order. */
  readonly corners: ReadonlyArray<readonly [number, number]>;
  /** Each image HWC RGB bytes. */
  readonly images: Uint8Array[];
}

/** Python's range(start, stop, step) for positive step. */
function pyRange(start: number, stop: number, step: number): number[] {
  const out: number[] = [];
  for (let v = start; v < stop; v += step) out.push(v);
  return out;
}

export function squareCorners(imSize: number, squareSize: number, offset: number, stride: number): number[] {
  return pyRange(offset, imSize - squareSize - offset, stride);
}

/** The default folder name: `black_S-10_O-1_S-1` for the defaults. */
export function squaresFolderName(o: SquaresOptions = {}): string {
  const bg = o.background ?? [0, 0, 0];
  const bgName = bg.every((v) => v === 0) ? 'black' : `bg-${bg.join(',')}`;
  const size = o.imSize ?? 64;
  return `${bgName}_S-${o.squareSize ?? 10}_O-${o.offset ?? 1}_S-${o.stride ?? 1}${size === 64 ? '' : `_I-${size}`}`;
}

export function makeSquares(o: SquaresOptions = {}): Squares {
  const imSize = o.imSize ?? 64;
  const sq = o.squareSize ?? 10;
  const offset = o.offset ?? 1;
  const stride = o.stride ?? 1;
  const bg = o.background ?? [0, 0, 0];
  const fg = o.foreground ?? [255, 255, 255];
  for (const [name, v] of [['image size', imSize], ['square size', sq], ['stride', stride]] as const) {
    if (!Number.isInteger(v) || v <= 0) throw new UserError(`the ${name} must be a positive integer, got ${v}`);
  }
  if (!Number.isInteger(offset) || offset < 0) throw new UserError(`the offset must be a non-negative integer, got ${offset}`);
  const pos = squareCorners(imSize, sq, offset, stride);
  if (pos.length === 0) throw new UserError(`no ${sq}x${sq} square fits in a ${imSize}x${imSize} image with offset ${offset}`);
  const corners: Array<readonly [number, number]> = [];
  const images: Uint8Array[] = [];
  for (const y of pos) {
    for (const x of pos) {
      const img = new Uint8Array(imSize * imSize * 3);
      for (let k = 0; k < imSize * imSize; k++) img.set(bg, 3 * k);
      for (let yy = y; yy < y + sq; yy++) for (let xx = x; xx < x + sq; xx++) img.set(fg, 3 * (yy * imSize + xx));
      corners.push([x, y]);
      images.push(img);
    }
  }
  return { imSize, corners, images };
}

/** Write `<i>.png` for every square image into `outDir` (atomically, see atomic-folder.ts). */
export async function writeSquares(outDir: string, o: SquaresOptions = {}, overwrite = false): Promise<number> {
  const { imSize, images } = makeSquares(o);
  await writeFolderAtomically(outDir, overwrite, async (tmp) => {
    await runPool(images.length, 16, (i) => writeFile(join(tmp, `${i}.png`), encodePng(images[i], imSize, imSize, 3)));
  });
  return images.length;
}

/** The squares as an in-memory dataset (no disk), e.g. for the demo: `imSize` 64 keeps the
 *  bytes as they are; another size goes through the same resize as a folder would. */
export function squaresDataset(o: SquaresOptions = {}, load: { imSize?: number; grayScale?: boolean } = {}): ImageDataset {
  const sq = makeSquares(o);
  const images = sq.images.map((rgb) => ({ rgb, height: sq.imSize, width: sq.imSize }));
  const names = sq.images.map((_, i) => `${i}.png`);
  return datasetFromImages(images, names, { imSize: load.imSize ?? sq.imSize, grayScale: load.grayScale ?? true });
}
