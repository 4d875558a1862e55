/**
 * Loads the compiled AssemblyScript kernels and the shared memory they run on.
 *
 * Owns: finding build/kernels-*.wasm, feature detection (relaxed SIMD fused multiply-add,
 * else plain SIMD, else nothing), the one shared WebAssembly.Memory, the main thread's
 * instance and its heap. Knows nothing of the Kernels interface or of worker threads.
 */
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';
import v8 from 'node:v8';
import { WasmHeap } from './heap.js';

/** The functions exported by src/engine/kernels/wasm/assembly/index.ts. */
export interface KernelExports {
  gemmChunk(transA: number, transB: number, m: number, n: number, k: number,
    a: number, b: number, c: number, accumulate: number,
    i0: number, i1: number, j0: number, j1: number, scratch: number): void;
  scratchBytes(maxCols: number): number;
  unaryF32(op: number, n: number, x: number, out: number, param: number): void;
  binary2dF32(op: number, rows: number, n: number, a: number, ra: number, sa: number,
    b: number, rb: number, sb: number, out: number): void;
  im2colF32(x: number, c: number, h: number, w: number, kh: number, kw: number,
    sh: number, sw: number, ph: number, pw: number, oh: number, ow: number, col: number, ld: number): void;
  col2imF32(col: number, c: number, h: number, w: number, kh: number, kw: number,
    sh: number, sw: number, ph: number, pw: number, oh: number, ow: number, x: number, ld: number): void;
  adamF32(n: number, p: number, g: number, m: number, v: number,
    b1: number, c1: number, b2: number, c2: number, eps: number, stepSize: number, sq2: number): void;
  zeroBytes(ptr: number, bytes: number): void;
  sumKeepMidF32(outer: number, mid: number, inner: number, x: number, out: number): void;
  copy2dF32(rows: number, n: number, x: number, rx: number, sx: number, out: number): void;
  heapBase(): number;
  centreRowsF32(rows: number, d: number, src: number, mu: number, dst: number, norms: number): void;
}

export interface WasmRuntime {
  /** 'relaxed-simd' (fused multiply-add) or 'simd'. */
  readonly variant: 'relaxed-simd' | 'simd';
  readonly module: WebAssembly.Module;
  readonly memory: WebAssembly.Memory;
  readonly exports: KernelExports;
  readonly heap: WasmHeap;
}

const RELAXED_FLAG = '--experimental-wasm-relaxed-simd';
const MAX_PAGES = 65536; // 4 GiB of address space; only touched pages cost memory

/** build/ at the package root, from dist/src/engine/kernels/wasm/ (or src/... under a loader). */
export function wasmBuildDir(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 8; i++) {
    const candidate = join(dir, 'build');
    if (existsSync(join(candidate, 'kernels-simd.wasm'))) return candidate;
    dir = dirname(dir);
  }
  return join(dirname(fileURLToPath(import.meta.url)), '../../../../../build');
}

function compile(file: string): WebAssembly.Module | null {
  const path = join(wasmBuildDir(), file);
  if (!existsSync(path)) return null;
  const bytes = readFileSync(path);
  if (!WebAssembly.validate(bytes)) return null;
  try { return new WebAssembly.Module(bytes); } catch { return null; }
}

/** Node 20 ships relaxed SIMD behind a V8 flag; it can be switched on before compiling. */
function enableRelaxedSimd(): void {
  try { v8.setFlagsFromString(RELAXED_FLAG); } catch { /* older or locked-down runtime */ }
}

let cached: WasmRuntime | null | undefined;
let reason = '';

/** The runtime, created once; null when this Node cannot run the SIMD kernels (see whyUnavailable). */
export function loadRuntime(): WasmRuntime | null {
  if (cached !== undefined) return cached;
  cached = null;
  if (process.env.DISCRETE_GANS_WASM_SIMD === 'none') {
    reason = 'DISCRETE_GANS_WASM_SIMD=none';
    return null;
  }
  try {
    let variant: WasmRuntime['variant'] = 'relaxed-simd';
    let module = process.env.DISCRETE_GANS_WASM_SIMD === 'plain' ? null : compile('kernels-relaxed.wasm');
    if (module === null && process.env.DISCRETE_GANS_WASM_SIMD !== 'plain') {
      enableRelaxedSimd();
      module = compile('kernels-relaxed.wasm');
    }
    if (module === null) { variant = 'simd'; module = compile('kernels-simd.wasm'); }
    if (module === null) {
      reason = existsSync(join(wasmBuildDir(), 'kernels-simd.wasm'))
        ? 'this runtime lacks WebAssembly SIMD' : 'build/kernels-simd.wasm is missing (run npm run build)';
      return null;
    }
    const memory = new WebAssembly.Memory({ initial: 16, maximum: MAX_PAGES, shared: true });
    const instance = new WebAssembly.Instance(module, { env: { memory } });
    const exports = instance.exports as unknown as KernelExports;
    const heap = new WasmHeap(memory, exports.heapBase(), (offset, bytes) => exports.zeroBytes(offset, bytes));
    cached = { variant, module, memory, exports, heap };
  } catch (err) {
    reason = `the WebAssembly kernels failed to load (${(err as Error).message})`;
    cached = null;
  }
  return cached;
}

/** Why loadRuntime returned null ('' when it did not). */
export function whyUnavailable(): string {
  return reason;
}

/** Node options a launcher may pass so relaxed SIMD is on from the start. The backend also
 *  turns it on by itself (v8.setFlagsFromString) so this is optional. */
export function nodeFlagsForFastKernels(): string[] {
  const major = Number(process.versions.node.split('.')[0]);
  if (major !== 20 || process.execArgv.includes(RELAXED_FLAG)) return [];
  return [RELAXED_FLAG];
}
