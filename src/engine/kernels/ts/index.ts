/**
 * The plain TypeScript kernel backend (`ts`): implements every kernel of the seam for float32
 * and float64, and registers itself with priority 0 (the fallback every other backend beats).
 * Knows nothing of tensors or autograd.
 */
import { registerBackend, type DType, type Kernels } from '../kernels.js';
import { gemm } from './gemm.js';
import { im2col, col2im } from './conv.js';
import { adam, binary, copyStrided, gatherRows, maxReduce, scatterAddRows, sumReduce, unary } from './elementwise.js';

export const tsKernels: Kernels = {
  name: 'ts',
  alloc(dtype: DType, length: number) {
    return dtype === 'float32' ? new Float32Array(length) : new Float64Array(length);
  },
  gemm, unary, binary, sumReduce, maxReduce, copyStrided, im2col, col2im, gatherRows, scatterAddRows, adam,
};

registerBackend(tsKernels, 0);
