/**
 * An in-memory image dataset (SPEC §2) and the builder that fills it as images are decoded.
 *
 * Storage, chosen to be compact and exact:
 * - `bytes`: the 8-bit samples after the center crop (the last integer-exact step), 1 plane per
 *   image when all images have R = G = B (grey sources) else 3, all images of one stored shape.
 *   `batch()` applies grey, the resize (if the stored shape is not imSize²) and [-1,1] with the
 *   very functions of the per-image pipeline, so values equal it bit for bit. Chosen when no
 *   resize is needed (Fashion-MNIST at 28²: 47 MB instead of 188 MB of float32), and for
 *   upscaling, where the source is smaller than the result (Fashion-MNIST at 64²: 47 MB instead
 *   of 983 MB; a batch of 64 costs a few milliseconds of resizing).
 * - `float`: otherwise (downscaling, or images of several sizes) the final float32 CHW values in
 *   [-1,1], provided they fit `maxFloatBytes`.
 * - `quantized`: larger than that, the final [0,1] values rounded to 8 bits (error at most
 *   1/510 on the [-1,1] scale), with a notice.
 *
 * Owns: the store, batch assembly (NCHW float32 in [-1,1]). Knows nothing of files or caching.
 */
import type { DecodedImage } from './decode.js';
import { resizedShape } from './resize.js';
import {
  BYTE_TO_SIGNED, BYTE_TO_UNIT, GREY_OF_EQUAL, centerCropBytes, croppedShape, finishFromUnit, greyOfBytes,
  transformToFloat, unitToSigned, type ResizeWorkspace, type TransformOptions,
} from './transforms.js';

export type StoreKind = 'bytes' | 'float' | 'quantized';

export interface DatasetStore {
  readonly kind: StoreKind;
  /** Planes stored per image (1 or 3). */
  readonly storedChannels: number;
  readonly data: Uint8Array | Float32Array;
  /** Stored image shape: the cropped source for `bytes`, imSize² for the others. */
  readonly height: number;
  readonly width: number;
}

const GREY_SIGNED_OF_EQUAL = GREY_OF_EQUAL.map(unitToSigned);

export class ImageDataset {
  /** Channels of the batches: 1 when gray-scale, else 3. */
  readonly channels: number;
  private readonly plane: number;
  private readonly work: ResizeWorkspace = {};
  private unit: Float32Array | null = null;
  /** Notices decoding gave (center crops, 8-bit storage), kept with the cache so that a cached
   *  load repeats them. */
  notes: string[] = [];

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
    if (store.kind !== 'bytes' && (store.height !== size || store.width !== size)) throw new Error('a float or quantized store holds imSize² images');
    const expected = count * store.storedChannels * store.height * store.width;
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
    for (let b = 0; b < n; b++) {
      const i = indices[b];
      if (!Number.isInteger(i) || i < 0 || i >= this.count) throw new Error(`image index ${i} is outside 0..${this.count - 1}`);
      this.imageInto(i, dst, b * per);
    }
    return dst;
  }

  private imageInto(i: number, dst: Float32Array, d0: number): void {
    const { kind, storedChannels, data, height, width } = this.store;
    const per = this.imageLength;
    if (kind === 'float') {
      dst.set((data as Float32Array).subarray(i * per, (i + 1) * per), d0);
      return;
    }
    if (kind === 'quantized') {
      for (let k = 0; k < per; k++) dst[d0 + k] = BYTE_TO_SIGNED[data[i * per + k]];
      return;
    }
    const sp = height * width;
    const s0 = i * storedChannels * sp;
    if (height === this.size && width === this.size) {
      // Bytes are final pixels: tables straight to [-1,1].
      if (storedChannels === 1 && this.channels === 1) for (let k = 0; k < sp; k++) dst[d0 + k] = GREY_SIGNED_OF_EQUAL[data[s0 + k]];
      else if (storedChannels === 1) {
        for (let k = 0; k < sp; k++) {
          const v = BYTE_TO_SIGNED[data[s0 + k]];
          dst[d0 + k] = v;
          dst[d0 + sp + k] = v;
          dst[d0 + 2 * sp + k] = v;
        }
      } else if (this.channels === 3) for (let k = 0; k < 3 * sp; k++) dst[d0 + k] = BYTE_TO_SIGNED[data[s0 + k]];
      else for (let k = 0; k < sp; k++) dst[d0 + k] = unitToSigned(greyOfBytes(data[s0 + k], data[s0 + sp + k], data[s0 + 2 * sp + k]));
      return;
    }
    // Bytes of the cropped source: to [0,1] (and grey), then the shared resize-and-finish step.
    const c = this.channels;
    if (!this.unit || this.unit.length < c * sp) this.unit = new Float32Array(c * sp);
    const u = this.unit;
    if (storedChannels === 1 && c === 1) for (let k = 0; k < sp; k++) u[k] = GREY_OF_EQUAL[data[s0 + k]];
    else if (storedChannels === 1) {
      for (let k = 0; k < sp; k++) {
        const v = BYTE_TO_UNIT[data[s0 + k]];
        u[k] = v;
        u[sp + k] = v;
        u[2 * sp + k] = v;
      }
    } else if (c === 3) for (let k = 0; k < 3 * sp; k++) u[k] = BYTE_TO_UNIT[data[s0 + k]];
    else for (let k = 0; k < sp; k++) u[k] = greyOfBytes(data[s0 + k], data[s0 + sp + k], data[s0 + 2 * sp + k]);
    finishFromUnit(u, c, height, width, this.size, dst.subarray(d0, d0 + per), this.work);
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
  private data: Uint8Array | Float32Array = new Uint8Array(0);
  /** Stored shape of the bytes store; 0 until the first image. */
  private height = 0;
  private width = 0;
  private readonly filled: Uint8Array;
  private readonly plane: number;
  private readonly outChannels: number;
  /** Images that were not square after resizing (center-cropped). */
  squareCropped = 0;
  /** Images smaller than --center_crop on a side (padded with black, as torchvision does). */
  cropPadded = 0;
  /** Set when the store had to be quantized. */
  quantizedBecause = '';

  constructor(readonly count: number, private readonly opts: TransformOptions, private readonly maxFloatBytes: number) {
    this.plane = opts.imSize * opts.imSize;
    this.outChannels = opts.grayScale ? 1 : 3;
    this.filled = new Uint8Array(count);
  }

  add(i: number, img: DecodedImage): void {
    const [ch, cw] = croppedShape(img.height, img.width, this.opts);
    const [rh, rw] = resizedShape(ch, cw, this.opts.imSize);
    if (rh !== rw) this.squareCropped++;
    if (this.opts.centerCrop !== undefined && (img.height < this.opts.centerCrop || img.width < this.opts.centerCrop)) this.cropPadded++;
    if (this.kind === 'bytes' && this.height === 0) {
      const exact = ch === this.opts.imSize && cw === this.opts.imSize;
      // Keep source bytes when they are final, or smaller than the floats they become.
      if (exact || 3 * ch * cw <= this.outChannels * this.plane * 4) {
        this.height = ch;
        this.width = cw;
        this.data = new Uint8Array(this.count * ch * cw);
      } else this.leaveBytes();
    } else if (this.kind === 'bytes' && (ch !== this.height || cw !== this.width)) this.leaveBytes();
    if (this.kind === 'bytes') this.addBytes(i, img, ch, cw);
    else this.addFloat(i, img);
    this.filled[i] = 1;
  }

  finish(names: readonly string[]): ImageDataset {
    const shape = this.kind === 'bytes' ? { height: this.height, width: this.width } : { height: this.opts.imSize, width: this.opts.imSize };
    return new ImageDataset(this.count, this.opts.imSize, this.opts.grayScale, names, {
      kind: this.kind, storedChannels: this.storedChannels, data: this.data, ...shape,
    });
  }

  private addBytes(i: number, img: DecodedImage, ch: number, cw: number): void {
    const bytes = centerCropBytes(img.rgb, img.height, img.width, ch, cw);
    const sp = ch * cw;
    if (this.storedChannels === 1) {
      let equal = true;
      for (let k = 0; k < sp && equal; k++) equal = bytes[3 * k] === bytes[3 * k + 1] && bytes[3 * k] === bytes[3 * k + 2];
      if (!equal) this.widenToRgb();
    }
    const d = this.data as Uint8Array;
    if (this.storedChannels === 1) {
      const o = i * sp;
      for (let k = 0; k < sp; k++) d[o + k] = bytes[3 * k];
    } else {
      const o = i * 3 * sp;
      for (let k = 0; k < sp; k++) {
        d[o + k] = bytes[3 * k];
        d[o + sp + k] = bytes[3 * k + 1];
        d[o + 2 * sp + k] = bytes[3 * k + 2];
      }
    }
  }

  private widenToRgb(): void {
    const sp = this.height * this.width;
    const old = this.data as Uint8Array;
    const wide = new Uint8Array(this.count * 3 * sp);
    for (let i = 0; i < this.count; i++) {
      if (!this.filled[i]) continue;
      const src = old.subarray(i * sp, (i + 1) * sp);
      for (let c = 0; c < 3; c++) wide.set(src, (i * 3 + c) * sp);
    }
    this.data = wide;
    this.storedChannels = 3;
  }

  /** Convert what is stored as bytes to the float (or quantized) store. */
  private leaveBytes(): void {
    const floats = this.count * this.outChannels * this.plane;
    const old = this.height > 0 ? this.finish(new Array<string>(this.count).fill('')) : null;
    this.kind = floats * 4 <= this.maxFloatBytes ? 'float' : 'quantized';
    if (this.kind === 'quantized') {
      this.quantizedBecause = `the resized dataset would take ${(floats * 4 / 2 ** 30).toFixed(1)} GiB as float32`;
    }
    const next = this.kind === 'float' ? new Float32Array(floats) : new Uint8Array(floats);
    const per = this.outChannels * this.plane;
    const one = new Float32Array(per);
    if (old) {
      for (let i = 0; i < this.count; i++) {
        if (!this.filled[i]) continue;
        old.batch([i], one);
        this.put(next, i, one);
      }
    }
    this.data = next;
    this.storedChannels = this.outChannels;
  }

  private addFloat(i: number, img: DecodedImage): void {
    const per = this.outChannels * this.plane;
    const target = this.kind === 'float' ? (this.data as Float32Array).subarray(i * per, (i + 1) * per) : new Float32Array(per);
    transformToFloat(img.rgb, img.height, img.width, this.opts, target);
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
