// AssemblyScript entry of the wasm kernel module (compiled by scripts/build-wasm.mjs).
// Owns: the list of kernels the module exports. Must not know about the host or threads.
export { gemmChunk, scratchBytes, heapBase, KC, MC } from './gemm';
export { unaryF32, binary2dF32, adamF32, sumKeepMidF32 } from './elementwise';
export { im2colF32, col2imF32, copy2dF32, zeroBytes } from './conv';
export { centreRowsF32 } from './centre';
