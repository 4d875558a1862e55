/**
 * An in-memory image dataset (SPEC §2) and the builder that fills it as images are decoded.
 *
 * Storage, chosen to be compact and exact:
 * - `bytes`: when every image's final pixels are its decoded bytes (center crop or original size
 *   already equals imSize, so no resize) the 8-bit samples themselves are kept, 1 plane per
 *   image when all images have R = G = B (grey sources) else 3; grey and [-1,1] are applied in
 *   `batch()` through float32 tables, so values equal the float pipeline bit for bit.
 *   Fashion-MNIST at 28²: 47 MB instead of 188 MB of float32.
 * - `float`: when a resize is needed the values are no longer bytes; final float32 CHW values
 *   in [-1,1] are kept, provided they fit `maxFloatBytes`.
 * - `quantized`: larger than that, the final [0,1] values are rounded to 8 bits (error at most
 *   1/510 on the [-1,1] scale), with a notice.
 *
 * Owns: the store, batch assembly (NCHW float32 in [-1,1]). Knows nothing of files or caching.
 */
import type { DecodedImage } from './decode.js';
import {
  BYTE_TO_SIGNED, GREY_OF_EQUAL, centerCropBytes, croppedShape, greyOfBytes, isByteExact,
  transformToFloat, unitToSigned, type TransformOptions,
} from './transforms.js';

export type StoreKind = 'bytes' | 'float' | 'quantized';

export interface DatasetStore {
  readonly kind: StoreKind;
  /** Planes stored per image (1 or 3). */
  readonly storedChannels: number;
  readonly data: Uint8Array | Float32Array;
}

const GREY_SIGNED_OF_EQUAL = GREY_OF_EQUAL.map(unitToSigned);

export class ImageDataset {
  /** Channels of the batches: 1 when gray-scale, else 3. */
  readonly channels: number;
  private readonly plane: number;

  constructor(
    readonly count: number,
    readonly size: number,
    readonly grayScale: boolean,
    /** File names (not paths), in dataset order. */
    readonly names: readonly string[],
    readonly store: DatasetStore,
  ) {
    this.channels = grayScale ? 1 : 3;
    this.plane = size * size;
    const expected = count * store.storedChannels * this.plane;
    if (store.data.length !== expected) throw new Error(`dataset store holds ${store.data.length} samples, expected ${expected}`);
  }

  /** Floats per image in a batch. */
  get imageLength(): number {
    return this.channels * this.plane;
  }

  /** Images at `indices`, NCHW float32 in [-1,1], written into `out` if given. */
  batch(indices: ArrayLike<number>, out?: Float32Array): Float32Array {
    const per = this.imageLength;
    const n = indices.length;
    if (out && out.length < n * per) throw new Error(`batch output holds ${out.length} floats, needs ${n * per}`);
    const dst = out ?? new Float32Array(n * per);
    const { kind, storedChannels, data } = this.store;
    const plane = this.plane;
    for (let b = 0; b < n; b++) {
      const i = indices[b];
      if (!(i >= 0 && i < this.count) || !Number.isInteger(i)) throw new Error(`image index ${i} is outside 0..${this.count - 1}`);
      const d0 = b * per;
      const s0 = i * storedChannels * plane;
      if (kind === 'float') {
        dst.set((data as Float32Array).subarray(s0, s0 + per), d0);
      } else if (kind === 'quantized' || storedChannels === this.channels && !(this.grayScale && kind === 'bytes')) {
        for (let k = 0; k < per; k++) dst[d0 + k] = BYTE_TO_SIGNED[data[s0 + k]];
      } else if (storedChannels === 1 && this.channels === 1) {
        for (let k = 0; k < plane; k++) dst[d0 + k] = GREY_SIGNED_OF_EQUAL[data[s0 + k]];
      } else if (storedChannels === 1) {
        for (let k = 0; k < plane; k++) {
          const v = BYTE_TO_SIGNED[data[s0 + k]];
          dst[d0 + k] = v;
          dst[d0 + plane + k] = v;
          dst[d0 + 2 * plane + k] = v;
        }
      } else {
        for (let k = 0; k < plane; k++) {
          dst[d0 + k] = unitToSigned(greyOfBytes(data[s0 + k], data[s0 + plane + k], data[s0 + 2 * plane + k]));
        }
      }
    }
    return dst;
  }

  /** The whole dataset, NCHW float32 in [-1,1]: the "full batch" of the metrics. For a
   *  `float` store this is the store itself: treat it as read-only. */
  all(): Float32Array {
    if (this.store.kind === 'float') return this.store.data as Float32Array;
    const idx = new Int32Array(this.count);
    for (let i = 0; i < this.count; i++) idx[i] = i;
    return this.batch(idx);
  }
}

/** Fills a store image by image (in any order), upgrading its kind when an image needs it. */
export class DatasetBuilder {
  private kind: StoreKind = 'bytes';
  private storedChannels = 1;
  private data: Uint8Array | Float32Array;
  private readonly filled: Uint8Array;
  private readonly plane: number;
  private readonly outChannels: number;
  /** Set when some image was not square after resizing and got center-cropped. */
  squareCropped = 0;
  /** Set when the store had to be quantized. */
  quantizedBecause = '';

  constructor(readonly count: number, private readonly opts: TransformOptions, private readonly maxFloatBytes: number) {
    this.plane = opts.imSize * opts.imSize;
    this.outChannels = opts.grayScale ? 1 : 3;
    this.data = new Uint8Array(count * this.plane);
    this.filled = new Uint8Array(count);
  }

  add(i: number, img: DecodedImage): void {
    if (this.kind === 'bytes' && !isByteExact(img.height, img.width, this.opts)) this.leaveBytes();
    if (this.kind === 'bytes') this.addBytes(i, img);
    else this.addFloat(i, img);
    this.filled[i] = 1;
  }

  finish(names: readonly string[]): ImageDataset {
    return new ImageDataset(this.count, this.opts.imSize, this.opts.grayScale, names, {
      kind: this.kind, storedChannels: this.storedChannels, data: this.data,
    });
  }

  private addBytes(i: number, img: DecodedImage): void {
    const [ch, cw] = croppedShape(img.height, img.width, this.opts);
    const bytes = centerCropBytes(img.rgb, img.height, img.width, ch, cw);
    const plane = this.plane;
    if (this.storedChannels === 1) {
      let equal = true;
      for (let k = 0; k < plane && equal; k++) equal = bytes[3 * k] === bytes[3 * k + 1] && bytes[3 * k] === bytes[3 * k + 2];
      if (!equal) this.widenToRgb();
    }
    const d = this.data as Uint8Array;
    if (this.storedChannels === 1) {
      const o = i * plane;
      for (let k = 0; k < plane; k++) d[o + k] = bytes[3 * k];
    } else {
      const o = i * 3 * plane;
      for (let k = 0; k < plane; k++) {
        d[o + k] = bytes[3 * k];
        d[o + plane + k] = bytes[3 * k + 1];
        d[o + 2 * plane + k] = bytes[3 * k + 2];
      }
    }
  }

  private widenToRgb(): void {
    const plane = this.plane;
    const old = this.data as Uint8Array;
    const wide = new Uint8Array(this.count * 3 * plane);
    for (let i = 0; i < this.count; i++) {
      if (!this.filled[i]) continue;
      const src = old.subarray(i * plane, (i + 1) * plane);
      for (let c = 0; c < 3; c++) wide.set(src, (i * 3 + c) * plane);
    }
    this.data = wide;
    this.storedChannels = 3;
  }

  /** Convert what is stored as bytes to the float (or quantized) store. */
  private leaveBytes(): void {
    const floats = this.count * this.outChannels * this.plane;
    const old = this.finish(new Array<string>(this.count).fill(''));
    this.kind = floats * 4 <= this.maxFloatBytes ? 'float' : 'quantized';
    if (this.kind === 'quantized') {
      this.quantizedBecause = `the resized dataset would take ${(floats * 4 / 2 ** 30).toFixed(1)} GiB as float32`;
    }
    const next = this.kind === 'float' ? new Float32Array(floats) : new Uint8Array(floats);
    const per = this.outChannels * this.plane;
    const one = new Float32Array(per);
    for (let i = 0; i < this.count; i++) {
      if (!this.filled[i]) continue;
      old.batch([i], one);
      this.put(next, i, one);
    }
    this.data = next;
    this.storedChannels = this.outChannels;
  }

  private addFloat(i: number, img: DecodedImage): void {
    const per = this.outChannels * this.plane;
    const target = this.kind === 'float' ? (this.data as Float32Array).subarray(i * per, (i + 1) * per) : new Float32Array(per);
    const { squareCropped } = transformToFloat(img.rgb, img.height, img.width, this.opts, target);
    if (squareCropped) this.squareCropped++;
    if (this.kind === 'quantized') this.put(this.data, i, target);
  }

  private put(store: Uint8Array | Float32Array, i: number, values: Float32Array): void {
    const per = values.length;
    if (store instanceof Float32Array) store.set(values, i * per);
    else for (let k = 0; k < per; k++) store[i * per + k] = Math.round(((values[k] + 1) / 2) * 255);
  }
}

/** A dataset from images already in memory (HWC RGB bytes), through the same transforms as a
 *  folder: for the squares demo and for tests that need no disk. */
export function datasetFromImages(images: readonly DecodedImage[], names: readonly string[], opts: TransformOptions, maxFloatBytes = 4 * 2 ** 30): ImageDataset {
  if (images.length === 0) throw new Error('datasetFromImages needs at least one image');
  if (names.length !== images.length) throw new Error(`datasetFromImages: ${images.length} images but ${names.length} names`);
  const b = new DatasetBuilder(images.length, opts, maxFloatBytes);
  images.forEach((img, i) => b.add(i, img));
  return b.finish(names);
}
