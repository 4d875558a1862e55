/**
 * Registers the WebAssembly SIMD backend (`wasm`) with the kernel seam, above the TypeScript
 * one, when this runtime can run it; otherwise says once on stderr that the TypeScript kernels
 * are used. Skipped entirely when DISCRETE_GANS_BACKEND=ts. Importing starts no thread.
 */
import { registerBackend } from '../kernels.js';
import '../ts/index.js';
import { wasmKernels } from './backend.js';
import { whyUnavailable } from './runtime.js';

export { wasmKernels } from './backend.js';
export type { WasmKernels } from './backend.js';
export { nodeFlagsForFastKernels } from './runtime.js';

if (process.env.DISCRETE_GANS_BACKEND !== 'ts') {
  const k = wasmKernels();
  if (k !== null) registerBackend(k, 10);
  else process.stderr.write(`discrete-gans: fast kernels unavailable (${whyUnavailable()}); using the TypeScript backend\n`);
}
