/**
 * The kernel seam: the few primitive computations every engine op is built from.
 *
 * Owns: the `Kernels` interface and the choice of the active backend. Ops in src/engine call
 * only these functions for their arithmetic; a backend (engine/kernels/ts, engine/kernels/wasm)
 * implements them. Adding a backend touches no op; adding an op touches no backend.
 * Knows nothing of tensors, autograd or GANs: only flat typed arrays and sizes.
 *
 * Conventions for every kernel:
 * - Arrays are dense, row-major; a subarray view stands for an offset. All arrays passed to one
 *   call have the same dtype (Float32Array everywhere or Float64Array everywhere).
 * - Output arrays never alias inputs unless a kernel says so.
 * - "Strided" arguments describe an n-d walk: `shape` is the iteration shape (outer first) and a
 *   stride of 0 repeats an element (broadcasting). Callers pass shapes already collapsed
 *   (adjacent dims merged where possible), so rank is small (usually 1–3).
 * - Backends that cannot run a kernel for a dtype (e.g. wasm for float64) delegate to the
 *   TypeScript backend (`tsKernels`), which implements everything.
 *
 * Backend choice: `getKernels()` returns the active backend: the one named by the environment
 * variable DISCRETE_GANS_BACKEND (ts|wasm) if set, else the registered backend with the highest
 * priority (the TypeScript backend has priority 0). `registerBackend` is called by a backend's
 * module when imported; `setBackend(name)` switches explicitly (tests, benchmarks).
 * The interface only grows: new kernels are added, existing signatures do not change.
 */
export type DType = 'float32' | 'float64';
export type FloatArray = Float32Array | Float64Array;

/** Elementwise functions of one input (and an optional scalar `param`). out[i] = f(x[i]). */
export type UnaryOp =
  | 'neg' | 'exp' | 'log' | 'tanh' | 'sigmoid' | 'sqrt' | 'abs' | 'sign'
  | 'softplus'        // log(1 + exp(x)), computed stably
  | 'leakyRelu'       // x > 0 ? x : param * x   (relu: param = 0)
  | 'leakyMask'       // x > 0 ? 1 : param       (the derivative of leakyRelu, as a constant mask)
  | 'pow'             // x ** param
  | 'scale'           // x * param
  | 'addScalar'       // x + param
  | 'gtMask';         // x > param ? 1 : 0

/** Elementwise functions of two inputs. */
export type BinaryOp = 'add' | 'sub' | 'mul' | 'div';

export interface Kernels {
  readonly name: string;
  /** Zeroed storage for a new tensor. A backend may place it in its own memory (a wasm heap)
   *  so that its kernels read it without copying. Every tensor's storage comes from here. */
  alloc(dtype: DType, length: number): FloatArray;
  /** Optional: storage like `alloc` whose contents are unspecified (not zeroed), for scratch the
   *  caller overwrites entirely before reading. Backends without it: callers use `alloc`. */
  allocScratch?(dtype: DType, length: number): FloatArray;
  /** Optional hint: storage from `alloc` that nobody will use again (scratch buffers of an
   *  op) may be reused at once. Callers never pass tensor storage that could still be read. */
  release?(arr: FloatArray): void;

  /** C (m×n) = op(A)·op(B), or C += op(A)·op(B) when `accumulate`. op(A) is m×k: A is stored
   *  m×k, or k×m when `transA`; op(B) is k×n: B is stored k×n, or n×k when `transB`. */
  gemm(transA: boolean, transB: boolean, m: number, n: number, k: number,
    a: FloatArray, b: FloatArray, c: FloatArray, accumulate: boolean): void;

  /** out[i] = f(x[i]) for i < out.length (x.length === out.length; x may equal out). */
  unary(op: UnaryOp, x: FloatArray, out: FloatArray, param: number): void;

  /** Strided binary op with broadcasting: for every multi-index i over `shape`,
   *  out[flat(i)] = a[Σ i·aStrides] op b[Σ i·bStrides]; out is contiguous with that shape. */
  binary(op: BinaryOp, shape: readonly number[], a: FloatArray, aStrides: readonly number[],
    b: FloatArray, bStrides: readonly number[], out: FloatArray): void;

  /** Sum reduction: x is contiguous with `shape`; out[Σ i·outStrides] += x[flat(i)], where
   *  outStrides is 0 on the reduced dims. `out` is overwritten (zeroed first). */
  sumReduce(shape: readonly number[], x: FloatArray, outStrides: readonly number[], out: FloatArray): void;

  /** Max over the middle dim of x viewed as (outer, n, inner): out (outer×inner) gets the
   *  maximum, argmax (outer×inner) its index in 0..n-1 (first one on ties). */
  maxReduce(outer: number, n: number, inner: number, x: FloatArray, out: FloatArray, argmax: Int32Array): void;

  /** Strided copy: out (contiguous, `shape`) [flat(i)] = x[Σ i·xStrides]. Used for permutes. */
  copyStrided(shape: readonly number[], x: FloatArray, xStrides: readonly number[], out: FloatArray): void;

  /** One image x (c×h×w) to columns col ((c·kh·kw) × (oh·ow)), zero padding; row index
   *  (ci·kh + ki)·kw + kj, column index oy·ow + ox, reading x[ci, oy·sh − ph + ki, ox·sw − pw + kj].
   *  Row r starts at col[r·ld] (ld ≥ oh·ow, default oh·ow), so the columns of several images can
   *  be written side by side into one batched matrix; elements between rows are not touched. */
  im2col(x: FloatArray, c: number, h: number, w: number, kh: number, kw: number,
    sh: number, sw: number, ph: number, pw: number, oh: number, ow: number, col: FloatArray, ld?: number): void;

  /** The adjoint of im2col: x (c×h×w) += the columns scattered back (x is NOT zeroed); row r
   *  of the columns starts at col[r·ld] (default oh·ow). */
  col2im(col: FloatArray, c: number, h: number, w: number, kh: number, kw: number,
    sh: number, sw: number, ph: number, pw: number, oh: number, ow: number, x: FloatArray, ld?: number): void;

  /** out[r] = x[idx[r]] for rows of length rowLen (gather along dim 0). */
  gatherRows(x: FloatArray, rowLen: number, idx: Int32Array, out: FloatArray): void;
  /** out[idx[r]] += g[r] for rows of length rowLen (out is NOT zeroed). */
  scatterAddRows(g: FloatArray, rowLen: number, idx: Int32Array, out: FloatArray): void;

  /** One Adam step on p in place with PyTorch semantics:
   *  m = b1·m + (1−b1)·g; v = b2·v + (1−b2)·g²; p −= (lr/bc1) · m / (sqrt(v)/sqrt(bc2) + eps). */
  adam(p: FloatArray, g: FloatArray, m: FloatArray, v: FloatArray,
    lr: number, b1: number, b2: number, eps: number, bc1: number, bc2: number): void;
}

interface Registered { kernels: Kernels; priority: number }
const backends = new Map<string, Registered>();
let active: Kernels | null = null;

/** Make a backend available. The highest priority one that is registered becomes the default
 *  (unless DISCRETE_GANS_BACKEND names another, or setBackend chose one). */
export function registerBackend(kernels: Kernels, priority: number): void {
  backends.set(kernels.name, { kernels, priority });
  active = null; // re-resolve on next use (unless set explicitly below)
  if (explicit !== null && backends.has(explicit)) active = backends.get(explicit)!.kernels;
}

let explicit: string | null = null;

/** Switch the active backend by name ('ts', 'wasm'). Throws if it is not registered. */
export function setBackend(name: string): void {
  const b = backends.get(name);
  if (!b) throw new Error(`kernel backend "${name}" is not available (registered: ${[...backends.keys()].join(', ')})`);
  explicit = name;
  active = b.kernels;
}

/** The name of the active backend. */
export function getBackend(): string {
  return getKernels().name;
}

/** Names of the registered backends. */
export function listBackends(): string[] {
  return [...backends.keys()];
}

/** The active kernels (resolved on first use). */
export function getKernels(): Kernels {
  if (active !== null) return active;
  const env = typeof process !== 'undefined' ? process.env.DISCRETE_GANS_BACKEND : undefined;
  if (explicit === null && env) {
    const b = backends.get(env);
    if (!b) throw new Error(`DISCRETE_GANS_BACKEND=${env} names no available kernel backend (registered: ${[...backends.keys()].join(', ')})`);
    active = b.kernels;
    return active;
  }
  let best: Registered | null = null;
  for (const b of backends.values()) if (best === null || b.priority > best.priority) best = b;
  if (best === null) throw new Error('no kernel backend is registered (import src/engine/index.js)');
  active = best.kernels;
  return active;
}
