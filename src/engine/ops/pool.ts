/**
 * Pooling and resampling, composed from reshape/sum/expand so their gradients (of any order)
 * come for free: avgPool2d with kernel = stride, adaptiveAvgPool2d to a size that divides the
 * input, nearest upsampling by an integer factor, global average pooling.
 */
import { Tensor, shapeStr } from '../tensor.js';
import { mean } from './reduce.js';
import { expand } from './reduce.js';
import { reshape } from './shape.js';

function check4(op: string, x: Tensor): void {
  if (x.ndim !== 4) throw new Error(`${op}: needs an N×C×H×W tensor, got ${shapeStr(x.shape)}`);
}

/** Average pooling with a k×k kernel and stride k (H and W divisible by k). */
export function avgPool2d(x: Tensor, k: number): Tensor {
  check4('avgPool2d', x);
  if (!(Number.isInteger(k) && k >= 1)) throw new RangeError(`avgPool2d: kernel must be a positive integer, got ${k}`);
  const [n, c, h, w] = x.shape;
  if (h % k !== 0 || w % k !== 0) throw new Error(`avgPool2d: kernel ${k} does not divide ${shapeStr(x.shape)}`);
  return reshape(mean(reshape(x, [n, c, h / k, k, w / k, k]), [3, 5]), [n, c, h / k, w / k]);
}

/** Adaptive average pooling to size×size when the input sides are multiples of it. */
export function adaptiveAvgPool2d(x: Tensor, size: number): Tensor {
  check4('adaptiveAvgPool2d', x);
  const [, , h, w] = x.shape;
  if (h !== w || h % size !== 0) throw new Error(`adaptiveAvgPool2d: output ${size} does not divide the square input ${shapeStr(x.shape)}`);
  return avgPool2d(x, h / size);
}

/** Nearest-neighbour upsampling by an integer factor (default 2). */
export function upsampleNearest2d(x: Tensor, factor = 2): Tensor {
  check4('upsampleNearest2d', x);
  if (!(Number.isInteger(factor) && factor >= 1)) throw new RangeError(`upsampleNearest2d: factor must be a positive integer, got ${factor}`);
  const [n, c, h, w] = x.shape;
  const e = expand(reshape(x, [n, c, h, 1, w, 1]), [n, c, h, factor, w, factor]);
  return reshape(e, [n, c, h * factor, w * factor]);
}

/** Mean over H and W: N×C×H×W → N×C. */
export function globalAvgPool2d(x: Tensor): Tensor {
  check4('globalAvgPool2d', x);
  return mean(x, [2, 3]);
}
