// The wasm backend's matrix product against a float64 triple loop (an independent oracle) and
// against the TypeScript backend, on awkward shapes, every transpose, with and without
// accumulation, on one and two threads, for wasm-heap and foreign arrays.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { wasmKernels, planChunks } from '../../src/engine/kernels/wasm/backend.js';
import { tsKernels } from '../../src/engine/kernels/ts/index.js';
import { Rng } from '../../src/engine/random.js';

const k = wasmKernels();

function naive(ta: boolean, tb: boolean, m: number, n: number, kk: number,
  a: ArrayLike<number>, b: ArrayLike<number>, c0: ArrayLike<number>, acc: boolean): Float64Array {
  const out = new Float64Array(m * n);
  for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) {
    let s = acc ? c0[i * n + j] : 0;
    for (let p = 0; p < kk; p++) s += (ta ? a[p * m + i] : a[i * kk + p]) * (tb ? b[j * kk + p] : b[p * n + j]);
    out[i * n + j] = s;
  }
  return out;
}

function relErr(x: ArrayLike<number>, y: ArrayLike<number>): number {
  let e = 0, s = 0;
  for (let i = 0; i < y.length; i++) { e += (x[i] - y[i]) ** 2; s += y[i] ** 2; }
  return s === 0 ? Math.sqrt(e) : Math.sqrt(e / s);
}

function fill(arr: Float32Array, rng: Rng): Float32Array {
  for (let i = 0; i < arr.length; i++) arr[i] = rng.uniform() * 2 - 1;
  return arr;
}

const shapes: [number, number, number][] = [
  [1, 1, 1], [1, 7, 3], [5, 1, 9], [3, 5, 1], [2, 3, 4], [4, 8, 16], [7, 13, 17], [31, 37, 41],
  [64, 64, 64], [67, 131, 259], [130, 9, 513], [257, 520, 33], [3, 4, 0],
  [6, 8, 5], [12, 17, 4], [121, 9, 3], [126, 24, 257], // whole / partial 6-row slivers, a block of rows past MC
];

test('wasm backend is available on this runtime', () => {
  assert.ok(k !== null, 'WebAssembly SIMD kernels failed to load');
});

for (const threads of [1, 2]) {
  test(`gemm matches a float64 triple loop on awkward shapes (${threads} thread(s))`, () => {
    assert.ok(k);
    k.setThreads(threads, false);
    const rng = new Rng(7 + threads);
    for (const [m, n, kk] of shapes) {
      for (const ta of [false, true]) for (const tb of [false, true]) for (const acc of [false, true]) {
        const a = fill(k.alloc('float32', m * kk) as Float32Array, rng);
        const b = fill(k.alloc('float32', kk * n) as Float32Array, rng);
        const c = fill(k.alloc('float32', m * n) as Float32Array, rng);
        const want = naive(ta, tb, m, n, kk, a, b, c, acc);
        k.gemm(ta, tb, m, n, kk, a, b, c, acc);
        const err = relErr(c, want);
        assert.ok(err < 1e-5, `m=${m} n=${n} k=${kk} transA=${ta} transB=${tb} acc=${acc}: rel err ${err}`);
      }
    }
  });
}

test('gemm on large products split across threads agrees with the TypeScript backend', () => {
  assert.ok(k);
  const rng = new Rng(3);
  for (const threads of [1, 2]) {
    k.setThreads(threads, false);
    for (const [m, n, kk, ta, tb] of [[64, 1000, 300, false, true], [300, 257, 64, true, false], [129, 515, 270, false, false]] as const) {
      const a = fill(k.alloc('float32', m * kk) as Float32Array, rng);
      const b = fill(k.alloc('float32', kk * n) as Float32Array, rng);
      const c = k.alloc('float32', m * n) as Float32Array;
      const ref = new Float32Array(m * n);
      k.gemm(ta, tb, m, n, kk, a, b, c, false);
      tsKernels.gemm(ta, tb, m, n, kk, a, b, ref, false);
      assert.ok(relErr(c, ref) < 1e-5, `${m}×${n}×${kk} on ${threads} threads: ${relErr(c, ref)}`);
    }
  }
});

test('non-adaptive two-thread products went through the pool', () => {
  assert.ok(k);
  assert.ok(k.poolStats().parallel > 0);
});

test('gemm copies foreign arrays and subarray views in and out', () => {
  assert.ok(k);
  k.setThreads(2, false);
  const rng = new Rng(11);
  const [m, n, kk] = [70, 150, 90];
  const a = fill(new Float32Array(m * kk), rng);
  const bBig = fill(k.alloc('float32', kk * n + 13) as Float32Array, rng);
  const b = bBig.subarray(13);
  const c = fill(new Float32Array(m * n), rng);
  const want = naive(false, true, m, n, kk, a, b, c, true);
  k.gemm(false, true, m, n, kk, a, b, c, true);
  assert.ok(relErr(c, want) < 1e-5);
});

test('float64 products are delegated and exact to float64 rounding', () => {
  assert.ok(k);
  const a = Float64Array.from([1, 2, 3, 4, 5, 6]);
  const b = Float64Array.from([7, 8, 9, 10, 11, 12]);
  const c = k.alloc('float64', 4) as Float64Array;
  k.gemm(false, false, 2, 2, 3, a, b, c, false);
  assert.deepEqual([...c], [58, 64, 139, 154]);
});

test('chunk plans cover the product with few enough chunks for the control block', () => {
  for (const [m, n, t] of [[1, 1, 2], [64, 1024, 2], [1024, 1024, 2], [5_000_000, 4096, 2], [3, 100000, 2], [1000, 1000, 1]]) {
    const [mb, nb] = planChunks(m, n, t);
    assert.ok(mb >= 1 && nb >= 1 && mb <= Math.max(m, 1) * 2 && nb <= n);
    assert.ok(Math.ceil(m / mb) * Math.ceil(n / nb) <= 60000, `${m}×${n}`);
    if (t > 1 && m * n >= 64 * 1024) assert.ok(Math.ceil(m / mb) * Math.ceil(n / nb) >= 2 * t, `${m}×${n} gives every thread work`);
  }
});

test('a full heap: foreign operands that cannot be copied in get the exact product through the staging region (tiles and inner chunks, every transpose, accumulating or not), and the OT centring falls back too', async () => {
  const { loadRuntime } = await import('../../src/engine/kernels/wasm/runtime.js');
  const rt = loadRuntime();
  if (k === null || rt === null) return;
  const heap = rt.heap;
  const rng = new Rng(77);
  const m = 37, n = 53, kk = 1031;
  const a = fill(new Float32Array(m * kk), rng), b = fill(new Float32Array(kk * n), rng);
  const want = naive(false, false, m, n, kk, a, b, new Float64Array(m * n), false);
  const { fastGemm } = await import('../../src/ot/gemm.js');
  const rows = 777, d = 13;
  const p = fill(new Float32Array(rows * d), rng);
  const mu = fastGemm?.alloc(d), out = fastGemm?.alloc(rows * d);
  heap.simulateFull = true; // nothing more can be placed in the memory
  try {
    const spilled = heap.foreignAllocations, staged = k.stagedRuns;
    const c = new Float32Array(m * n);
    k.gemm(false, false, m, n, kk, a, b, c, false);
    assert.ok(heap.foreignAllocations > spilled, 'the temporaries could not be placed');
    assert.equal(k.stagedRuns, staged + 1);
    assert.ok(relErr(c, want) < 1e-5, `relative error ${relErr(c, want)}`);
    // Small staging: several tiles of C, and an inner dimension in chunks (k > 2048).
    const prev = k.setStagingLimit(40_000);
    try {
      for (const [ta, tb, acc] of [[false, false, true], [true, false, false], [false, true, true], [true, true, false]] as const) {
        const M = 45, N = 70, KK = 4500;
        const A = fill(new Float32Array(M * KK), rng), B = fill(new Float32Array(KK * N), rng), C0 = fill(new Float32Array(M * N), rng);
        const C = Float32Array.from(C0);
        k.gemm(ta, tb, M, N, KK, A, B, C, acc);
        const ref = naive(ta, tb, M, N, KK, A, B, C0, acc);
        assert.ok(relErr(C, ref) < 1e-5, `ta=${ta} tb=${tb} acc=${acc}: relative error ${relErr(C, ref)}`);
      }
    } finally {
      k.setStagingLimit(prev);
    }
    if (fastGemm && mu && out && heap.owns(mu) && heap.owns(out)) {
      const before = heap.foreignAllocations, norms = new Float64Array(rows);
      fastGemm.centreRows(p, rows, d, mu, out, norms);
      assert.ok(heap.foreignAllocations > before, 'the norms temporary could not be placed');
      for (let i = 0; i < rows; i++) {
        let s = 0;
        for (let t = 0; t < d; t++) s += p[i * d + t] * p[i * d + t];
        assert.ok(Math.abs(norms[i] - s) <= 1e-9 * s, `row ${i}: norm ${norms[i]} vs ${s}`);
        for (let t = 0; t < d; t++) assert.equal(out[i * d + t], p[i * d + t]);
      }
    }
  } finally {
    heap.simulateFull = false;
  }
});
