/**
 * Image grids of a batch, as the reference writes them with torchvision's
 * `save_image(batch, nrow=int(√b), normalize=True, pad_value=1, scale_each=True)`.
 *
 * Owns: laying out an NCHW batch as one RGB picture (2-pixel padding of value 1, `nrow` tiles per
 * row, grey replicated to three channels), the per-tile min–max scaling (`'scale-each'`, the
 * reference's look) or the plain [-1, 1] → [0, 1] rendering (`'plain'`), the quantisation
 * pixel = clamp(x·255 + 0.5) truncated to 8 bits, and writing the PNG with sharp.
 * Knows nothing of networks or training: it receives a Float32Array and a shape.
 */
import sharp from 'sharp';

export type GridScaling = 'scale-each' | 'plain';

export interface GridOptions {
  /** Tiles per row; default int(√b). */
  nrow?: number;
  /** Padding in pixels between and around tiles; default 2. */
  padding?: number;
  /** Value of the padding after scaling (1 = white); default 1. */
  padValue?: number;
  /** 'scale-each' (default): each tile min–max scaled on its own; 'plain': (x + 1) / 2. */
  scaling?: GridScaling;
}

export interface RgbImage {
  readonly width: number;
  readonly height: number;
  /** width·height·3 bytes, row-major, interleaved RGB. */
  readonly data: Uint8Array;
}

/** Quantise a [0, 1] value the way save_image does: clamp(x·255 + 0.5, 0, 255), truncated. */
function toByte(x: number): number {
  const v = Math.fround(Math.fround(x * 255) + 0.5);
  if (!(v > 0)) return 0; // also NaN → 0
  if (v >= 255) return 255;
  return Math.trunc(v);
}

/**
 * Lay out `batch` (b·c·h·w values, c = 1 or 3) as an RGB grid. A batch of one image is
 * returned without padding, as torchvision's make_grid does.
 */
export function makeGrid(batch: Float32Array, shape: readonly [number, number, number, number], options: GridOptions = {}): RgbImage {
  const [b, c, h, w] = shape;
  if (c !== 1 && c !== 3) throw new Error(`image grids need 1 or 3 channels, got ${c}`);
  if (batch.length !== b * c * h * w) throw new Error(`batch has ${batch.length} values, shape says ${b * c * h * w}`);
  if (b < 1) throw new Error('an image grid needs at least one image');
  const scaling = options.scaling ?? 'scale-each';
  const padValue = options.padValue ?? 1;
  const single = b === 1;
  const padding = single ? 0 : (options.padding ?? 2);
  const nrow = options.nrow ?? Math.max(1, Math.floor(Math.sqrt(b)));
  const xmaps = Math.min(nrow, b);
  const ymaps = Math.ceil(b / xmaps);
  const cellH = h + padding;
  const cellW = w + padding;
  const height = single ? h : cellH * ymaps + padding;
  const width = single ? w : cellW * xmaps + padding;
  const data = new Uint8Array(width * height * 3);
  data.fill(toByte(padValue));
  const plane = h * w;
  for (let k = 0; k < b; k++) {
    const base = k * c * plane;
    let lo = 0;
    let scale = 1;
    let offset = 0;
    if (scaling === 'scale-each') {
      let mn = Infinity;
      let mx = -Infinity;
      for (let i = 0; i < c * plane; i++) {
        const v = batch[base + i];
        if (v < mn) mn = v;
        if (v > mx) mx = v;
      }
      lo = mn;
      scale = Math.max(Math.fround(mx - mn), 1e-5);
      offset = mx; // clamp bounds [mn, mx]
    }
    const y0 = Math.floor(k / xmaps) * cellH + padding;
    const x0 = (k % xmaps) * cellW + padding;
    for (let ch = 0; ch < 3; ch++) {
      const src = base + (c === 1 ? 0 : ch) * plane;
      for (let y = 0; y < h; y++) {
        let o = ((y0 + y) * width + x0) * 3 + ch;
        for (let x = 0; x < w; x++, o += 3) {
          const v = batch[src + y * w + x];
          let u: number;
          if (scaling === 'scale-each') {
            const clamped = v < lo ? lo : v > offset ? offset : v;
            u = Math.fround(Math.fround(clamped - lo) / scale);
          } else {
            u = Math.fround(Math.fround(v + 1) / 2);
          }
          data[o] = toByte(u);
        }
      }
    }
  }
  return { width, height, data };
}

/** Encode an RGB image as PNG bytes. */
export async function encodePng(image: RgbImage): Promise<Buffer> {
  return sharp(Buffer.from(image.data.buffer, image.data.byteOffset, image.data.byteLength), {
    raw: { width: image.width, height: image.height, channels: 3 },
  }).png().toBuffer();
}

/** Write `batch` as a grid PNG at `path` (the caller makes the folder). */
export async function saveImageGrid(path: string, batch: Float32Array, shape: readonly [number, number, number, number], options: GridOptions = {}): Promise<void> {
  const { mkdir, writeFile } = await import('node:fs/promises');
  const { dirname } = await import('node:path');
  await mkdir(dirname(path), { recursive: true }); // as writePlots: the folder is made if missing
  await writeFile(path, await encodePng(makeGrid(batch, shape, options)));
}
