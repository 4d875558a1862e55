/**
 * The tensor engine's public API (knows nothing of GANs).
 *
 * Tensors: `Tensor` (float32 or float64, row-major, NCHW images; `.data`, `.shape`, `.dtype`,
 *   `.item()`, `.detach()`, `.requireGrad()`, `.backward()`, `.grad`), created by `tensor`,
 *   `zeros`, `ones`, `full`, `scalar`, `fromFunction`, `randn`/`rand` (from an `Rng`), `cast`,
 *   `clone`. Ops never modify their inputs.
 * Autograd: `grad(outputs, inputs, { gradOutputs, createGraph })` like torch.autograd.grad
 *   (with createGraph the gradients can be differentiated again: every backward rule is made of
 *   engine ops); `t.backward()` accumulates `.grad` on leaves; `noGrad(fn)` records nothing.
 * Ops (all differentiable to any order):
 *   elementwise: add, sub, mul, div (broadcasting; numbers allowed), neg, pow, square, sqrt,
 *     exp, log, tanh, sigmoid, softplus, abs, relu, leakyRelu, where (constant condition),
 *     gtMask (a constant mask);
 *   reductions: sum, mean (axes, keepdims), max (one axis), expand, sumTo;
 *   shape: reshape, flatten, permute, transpose, narrow, padDim, concat, indexSelect, indexAdd;
 *   linear algebra: matmul (transpose flags), linear;
 *   convolution: conv2d, convTranspose2d, conv2dWeightGrad;
 *   pooling: avgPool2d, adaptiveAvgPool2d, upsampleNearest2d, globalAvgPool2d.
 * Checking: gradcheck / gradgradcheck (finite differences in float64).
 * Kernels: getKernels, setBackend, getBackend, listBackends, registerBackend (kernels/kernels.ts
 *   documents the seam; the plain TypeScript backend registers on import of this module).
 */
import './kernels/ts/index.js';

export { Tensor, tensor, zeros, ones, full, scalar, fromFunction, randn, rand, cast, clone, sizeOf, stridesOf, shapeStr, sameShape } from './tensor.js';
export type { Shape, DType, FloatArray } from './tensor.js';
export { grad, noGrad, isGradEnabled, record } from './autograd.js';
export type { GradOptions, GradNode, BackwardRule } from './autograd.js';
export { gradcheck, gradgradcheck } from './gradcheck.js';
export type { GradcheckOptions, GradcheckResult } from './gradcheck.js';
export { zerosLike, onesLike, fullLike } from './ops/create.js';
export {
  add, sub, mul, div, neg, pow, square, sqrt, exp, log, tanh, sigmoid, softplus, abs, relu, leakyRelu,
  mulScalar, addScalar, where, gtMask, broadcastShapes,
} from './ops/elementwise.js';
export type { Operand } from './ops/elementwise.js';
export { sum, mean, max, expand, sumTo } from './ops/reduce.js';
export { reshape, flatten, permute, transpose, narrow, padDim, concat, indexSelect, indexAdd } from './ops/shape.js';
export { matmul, linear } from './ops/matmul.js';
export { conv2d, convTranspose2d, conv2dWeightGrad } from './ops/conv.js';
export type { Conv2dOptions, ConvTranspose2dOptions } from './ops/conv.js';
export { avgPool2d, adaptiveAvgPool2d, upsampleNearest2d, globalAvgPool2d } from './ops/pool.js';
export { batchNormTrain } from './ops/batch-norm.js';
export { glu } from './ops/glu.js';
export type { BatchNormResult } from './ops/batch-norm.js';
export { getKernels, setBackend, getBackend, listBackends, registerBackend } from './kernels/kernels.js';
export type { Kernels, UnaryOp, BinaryOp } from './kernels/kernels.js';
export { Rng } from './random.js';
