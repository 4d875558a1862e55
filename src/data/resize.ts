/**
 * Geometry of the image transforms of SPEC §2, on float planes: torchvision's center-crop
 * offsets (Python's round-half-even, zero padding when the crop is larger than the image) and
 * its antialiased bilinear resize (tensor `Resize(antialias=True)`, i.e. PyTorch's
 * `_upsample_bilinear2d_aa`, itself PIL's resampling scheme).
 *
 * The resize is separable. For each output index i along an axis of input length `n` and
 * output length `m`, with scale = n/m: center = scale·(i+0.5); support = scale when
 * downscaling (the triangle filter is stretched by the downscale factor), 1 when upscaling;
 * the contributing inputs are j in [trunc(center−support+0.5), trunc(center+support+0.5)) clipped
 * to [0, n); weight_j = max(0, 1 − |(j − center + 0.5)/max(scale, 1)|), normalised to sum 1.
 * Width is resampled first, then height, in float32 like PyTorch; results agree with
 * torchvision to float round-off (see test/fixtures/data/make_resize_fixture.py).
 *
 * Owns: pixel geometry only. Knows nothing of files, decoding, caching or datasets.
 */

/** Weights of one axis: for output i, inputs start[i] .. start[i]+len[i]-1 with weights
 *  w[i*maxLen .. i*maxLen+len[i]-1]. */
export interface AxisWeights {
  readonly start: Int32Array;
  readonly len: Int32Array;
  readonly maxLen: number;
  readonly w: Float32Array;
}

const weightCache = new Map<string, AxisWeights>();

/** Weights for resizing an axis of `inSize` to `outSize` (memoised: datasets reuse a few sizes). */
export function antialiasWeights(inSize: number, outSize: number): AxisWeights {
  const key = `${inSize}:${outSize}`;
  let w = weightCache.get(key);
  if (!w) {
    if (weightCache.size > 64) weightCache.clear();
    w = computeWeights(inSize, outSize);
    weightCache.set(key, w);
  }
  return w;
}

function computeWeights(inSize: number, outSize: number): AxisWeights {
  const scale = inSize / outSize;
  const support = scale >= 1 ? scale : 1;
  const invScale = scale >= 1 ? 1 / scale : 1;
  const maxLen = Math.ceil(support) * 2 + 1;
  const start = new Int32Array(outSize);
  const len = new Int32Array(outSize);
  const w = new Float32Array(outSize * maxLen);
  for (let i = 0; i < outSize; i++) {
    const center = scale * (i + 0.5);
    const lo = Math.max(Math.trunc(center - support + 0.5), 0);
    const hi = Math.min(Math.trunc(center + support + 0.5), inSize);
    const n = Math.min(hi - lo, maxLen);
    let total = 0;
    for (let k = 0; k < n; k++) {
      const x = Math.abs((k + lo - center + 0.5) * invScale);
      const v = x < 1 ? 1 - x : 0;
      w[i * maxLen + k] = v;
      total += v;
    }
    if (total > 0) for (let k = 0; k < n; k++) w[i * maxLen + k] /= total;
    start[i] = lo;
    len[i] = n;
  }
  return { start, len, maxLen, w };
}

/**
 * Resize `channels` planes of size inH×inW (CHW, float32) to outH×outW into `out` (CHW).
 * Identity sizes copy. `scratch` (length ≥ channels·inH·outW) avoids an allocation per image.
 */
export function resizeAntialiased(
  src: Float32Array, channels: number, inH: number, inW: number,
  outH: number, outW: number, out: Float32Array, scratch?: Float32Array,
): void {
  if (inH === outH && inW === outW) {
    out.set(src.subarray(0, channels * inH * inW));
    return;
  }
  const tmp = scratch && scratch.length >= channels * inH * outW ? scratch : new Float32Array(channels * inH * outW);
  // Horizontal pass: inH × inW → inH × outW.
  if (inW === outW) tmp.set(src.subarray(0, channels * inH * inW));
  else {
    const { start, len, maxLen, w } = antialiasWeights(inW, outW);
    for (let row = 0; row < channels * inH; row++) {
      const s = row * inW;
      const d = row * outW;
      for (let x = 0; x < outW; x++) {
        const j0 = s + start[x];
        const wo = x * maxLen;
        let acc = 0;
        for (let k = 0; k < len[x]; k++) acc += w[wo + k] * src[j0 + k];
        tmp[d + x] = Math.fround(acc);
      }
    }
  }
  // Vertical pass: inH × outW → outH × outW.
  if (inH === outH) {
    out.set(tmp.subarray(0, channels * inH * outW));
    return;
  }
  const { start, len, maxLen, w } = antialiasWeights(inH, outH);
  for (let c = 0; c < channels; c++) {
    const sBase = c * inH * outW;
    const dBase = c * outH * outW;
    for (let y = 0; y < outH; y++) {
      const wo = y * maxLen;
      const d = dBase + y * outW;
      for (let x = 0; x < outW; x++) out[d + x] = 0;
      for (let k = 0; k < len[y]; k++) {
        const wk = w[wo + k];
        const s = sBase + (start[y] + k) * outW;
        for (let x = 0; x < outW; x++) out[d + x] += wk * tmp[s + x];
      }
    }
  }
}

/** Python's round(): half to even. */
function roundHalfEven(v: number): number {
  const f = Math.floor(v);
  const diff = v - f;
  if (diff > 0.5) return f + 1;
  if (diff < 0.5) return f;
  return f % 2 === 0 ? f : f + 1;
}

/**
 * Where torchvision's CenterCrop takes a crop of length `crop` from an axis of length `size`:
 * the source index of output 0. Negative when the crop is larger than the image (torchvision
 * pads with zeros: (crop−size)//2 before, the rest after).
 */
export function centerCropOffset(size: number, crop: number): number {
  if (crop <= size) return roundHalfEven((size - crop) / 2);
  return -Math.floor((crop - size) / 2);
}

/** The size torchvision's Resize(int) gives: shorter side → `size`, longer → int(size·long/short). */
export function resizedShape(h: number, w: number, size: number): [number, number] {
  if (h === w) return [size, size];
  if (h < w) return [size, Math.trunc((size * w) / h)];
  return [Math.trunc((size * h) / w), size];
}
