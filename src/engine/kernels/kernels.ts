/**
 * The kernel seam: the few primitive computations every engine op is built from.
 *
 * Owns: the `Kernels` interface and the choice of the active backend. Ops in src/engine call
 * only these functions for their arithmetic; a backend (engine/kernels/ts, engine/kernels/wasm)
 * implements them. Adding a backend touches no op; adding an op touches no backend.
 * All arrays are dense, row-major and contiguous; a subarray view stands for an offset.
 *
 * Sketch to be completed by the engine's author (elementwise, reductions, ...). Backends that
 * cannot run a kernel for a dtype (e.g. wasm for float64) delegate to the TypeScript backend.
 */
export type DType = 'float32' | 'float64';
export type FloatArray = Float32Array | Float64Array;

export interface Kernels {
  readonly name: string;
  /** Zeroed storage for a new tensor. A backend may place it in its own memory (a wasm heap)
   *  so that its kernels read it without copying. */
  alloc(dtype: DType, length: number): FloatArray;
  /** C (m×n) = op(A)·op(B), or C += op(A)·op(B) when `accumulate`. op(A) is m×k: A is stored
   *  m×k, or k×m when `transA`; op(B) is k×n: B is stored k×n, or n×k when `transB`. */
  gemm(transA: boolean, transB: boolean, m: number, n: number, k: number,
    a: FloatArray, b: FloatArray, c: FloatArray, accumulate: boolean): void;
}
