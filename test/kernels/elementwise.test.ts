// The wasm backend's elementwise kernels against the TypeScript backend: every unary op
// (including those delegated), binary ops on contiguous, broadcast, transposed and scalar
// operands of several ranks, arrays inside and outside the wasm heap, awkward lengths.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { wasmKernels } from '../../src/engine/kernels/wasm/backend.js';
import { tsKernels } from '../../src/engine/kernels/ts/index.js';
import type { BinaryOp, UnaryOp } from '../../src/engine/kernels/kernels.js';
import { Rng } from '../../src/engine/random.js';

const k = wasmKernels()!;
const rng = new Rng(5);

function filled(n: number, inHeap: boolean, positive = false): Float32Array {
  const a = inHeap ? (k.alloc('float32', n) as Float32Array) : new Float32Array(n);
  for (let i = 0; i < n; i++) a[i] = positive ? rng.uniform() + 0.1 : rng.uniform() * 4 - 2;
  if (n > 3 && !positive) { a[0] = 0; a[1] = -0; a[2] = 0.5; }
  return a;
}

/** Elementwise closeness: |x − y| ≤ 2 ulp-ish of float32 (params are rounded to float32 in wasm). */
function assertClose(x: Float32Array, y: Float32Array, what: string): void {
  assert.equal(x.length, y.length);
  for (let i = 0; i < x.length; i++) {
    if (Number.isNaN(y[i])) { assert.ok(Number.isNaN(x[i]), `${what} [${i}]`); continue; }
    assert.ok(Math.abs(x[i] - y[i]) <= 2.5e-7 * Math.abs(y[i]) + 1e-30, `${what} [${i}]: ${x[i]} vs ${y[i]}`);
  }
}

const UNARY: [UnaryOp, number, boolean][] = [
  ['neg', 0, false], ['abs', 0, false], ['sign', 0, false], ['leakyRelu', 0.2, false], ['leakyRelu', 0, false],
  ['leakyMask', 0.2, false], ['scale', -3.7, false], ['addScalar', 1.25, false], ['gtMask', 0.3, false],
  ['sqrt', 0, true], ['pow', 2, false], ['pow', 3, false], ['exp', 0, false], ['log', 0, true], ['tanh', 0, false],
  ['sigmoid', 0, false], ['softplus', 0, false],
];

test('unary kernels match the TypeScript backend', () => {
  for (const n of [1, 3, 4, 5, 17, 1000, 4099]) {
    for (const [op, param, positive] of UNARY) {
      for (const inHeap of [true, false]) {
        const x = filled(n, inHeap, positive);
        const out = k.alloc('float32', n) as Float32Array;
        const ref = new Float32Array(n);
        k.unary(op, x, out, param);
        tsKernels.unary(op, x, ref, param);
        assertClose(out, ref, `${op}(${param}) n=${n} inHeap=${inHeap}`);
      }
    }
  }
});

test('unary kernels work in place', () => {
  const x = filled(37, true);
  const ref = new Float32Array(37);
  tsKernels.unary('leakyRelu', x, ref, 0.2);
  k.unary('leakyRelu', x, x, 0.2);
  assertClose(x, ref, 'in place');
});

function contiguous(shape: number[]): number[] {
  const s = new Array<number>(shape.length).fill(1);
  for (let d = shape.length - 2; d >= 0; d--) s[d] = s[d + 1] * shape[d + 1];
  return s;
}

test('binary kernels match the TypeScript backend on broadcasts and strided views', () => {
  const cases: { shape: number[]; a: number[]; b: number[] }[] = [];
  for (const shape of [[1], [7], [64, 1024], [3, 5], [2, 3, 4], [2, 3, 5, 7], [1, 1]]) {
    const c = contiguous(shape);
    cases.push({ shape, a: c, b: c });
    cases.push({ shape, a: c, b: shape.map((_, d) => (d === shape.length - 1 ? 1 : 0)) }); // row broadcast (bias)
    cases.push({ shape, a: shape.map((_, d) => (d === 0 ? 1 : 0)), b: c });                // column broadcast
    cases.push({ shape, a: c, b: shape.map(() => 0) });                                      // scalar
    if (shape.length >= 2) {
      const t = [...c]; const r = shape.length; // a read transposed in its last two dims
      const sw = contiguous([...shape.slice(0, r - 2), shape[r - 1], shape[r - 2]]);
      t[r - 2] = sw[r - 1]; t[r - 1] = sw[r - 2];
      cases.push({ shape, a: t, b: c });
    }
  }
  for (const { shape, a: as, b: bs } of cases) {
    const span = (st: number[]) => 1 + shape.reduce((s, d, i) => s + (d - 1) * st[i], 0);
    const n = shape.reduce((p, d) => p * d, 1);
    for (const op of ['add', 'sub', 'mul', 'div'] as BinaryOp[]) {
      for (const inHeap of [true, false]) {
        const a = filled(span(as), inHeap), b = filled(span(bs), inHeap, op === 'div');
        const out = k.alloc('float32', n) as Float32Array;
        const ref = new Float32Array(n);
        k.binary(op, shape, a, as, b, bs, out);
        tsKernels.binary(op, shape, a, as, b, bs, ref);
        assertClose(out, ref, `${op} shape=[${shape}] a=[${as}] b=[${bs}] inHeap=${inHeap}`);
      }
    }
  }
});

test('Adam steps match the TypeScript backend', () => {
  for (const n of [1, 7, 1000, 4099]) {
    const p = filled(n, true), g = filled(n, true), m = filled(n, true), v = filled(n, true, true);
    const [p2, m2, v2] = [Float32Array.from(p), Float32Array.from(m), Float32Array.from(v)];
    for (let step = 1; step <= 3; step++) {
      const bc1 = 1 - 0.5 ** step, bc2 = 1 - 0.999 ** step;
      k.adam(p, g, m, v, 1e-3, 0.5, 0.999, 1e-8, bc1, bc2);
      tsKernels.adam(p2, g, m2, v2, 1e-3, 0.5, 0.999, 1e-8, bc1, bc2);
    }
    for (const [x, y, what] of [[p, p2, 'p'], [m, m2, 'm'], [v, v2, 'v']] as const) {
      for (let i = 0; i < n; i++) assert.ok(Math.abs(x[i] - y[i]) <= 1e-6 * (Math.abs(y[i]) + 1e-3), `${what}[${i}] n=${n}: ${x[i]} vs ${y[i]}`);
    }
  }
});

test('sum reductions match the TypeScript backend (bias, row, column, full and other patterns)', () => {
  // [shape, outStrides]: 0 on reduced dims, row-major over the kept dims otherwise.
  const cases: [number[], number[]][] = [
    [[7], [0]], [[7], [1]], [[64, 1024], [0, 1]], [[64, 1024], [1, 0]], [[5, 3], [0, 1]], [[5, 3], [1, 0]],
    [[4, 6, 5, 5], [0, 1, 0, 0]], [[2, 3, 4, 5], [0, 0, 5, 1]], [[2, 3, 4], [0, 0, 0]], [[3, 1, 4], [0, 1, 0]],
    [[2, 3, 4], [4, 0, 1]], [[2, 3, 4], [1, 0, 0]], [[2, 3], [1, 2]], [[], []], [[1, 9, 1], [0, 1, 0]],
  ];
  for (const [shape, outStrides] of cases) {
    const n = shape.reduce((p, d) => p * d, 1);
    const m = shape.reduce((p, d, i) => (outStrides[i] === 0 ? p : p * d), 1);
    const x = filled(n, true);
    const out = filled(m, true), ref = new Float32Array(m);
    k.sumReduce(shape, x, outStrides, out);
    tsKernels.sumReduce(shape, x, outStrides, ref);
    for (let i = 0; i < m; i++) {
      assert.ok(Math.abs(out[i] - ref[i]) <= 1e-6 * (1 + Math.abs(ref[i])), `shape=[${shape}] outStrides=[${outStrides}] [${i}]: ${out[i]} vs ${ref[i]}`);
    }
  }
});
