/**
 * Constant tensors shaped like others (no graph): zerosLike, onesLike, fullLike.
 * Knows nothing of autograd beyond producing leaves that need no gradient.
 */
import { full, zeros, type Tensor } from '../tensor.js';

export function zerosLike(x: Tensor): Tensor { return zeros(x.shape, x.dtype); }
export function onesLike(x: Tensor): Tensor { return full(x.shape, 1, x.dtype); }
export function fullLike(x: Tensor, value: number): Tensor { return full(x.shape, value, x.dtype); }
