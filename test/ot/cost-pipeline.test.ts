// The blocked float32 cost path (src/ot/cost.ts) and the chunked .npy reader (src/ot/io/npy.ts):
// cost entries against direct float64 sums for every block size (one row, three rows, the
// default) on random, duplicated and offset-by-1000 sets, float32 and float64 inputs, both
// orientations (n ≤ m and n > m), exact zeros for identical points; W1 from points on the
// product path against POT (fixtures of test/fixtures/ot/make_fixtures.py); the reader's
// values and errors across chunk boundaries; a process that starts the kernel threads and
// never uses them still exits; exact W1 streaming the larger file against a float64 solve.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { Rng } from '../../src/engine/random.js';
import { euclideanCost, euclideanCostFromBlocks, fastPathTuning, sqEuclideanCost, SQ_DIST_FLOOR, type Points } from '../../src/ot/cost.js';
import { fastGemm } from '../../src/ot/gemm.js';
import { w1 } from '../../src/ot/distances.js';
import { readNpy, readNpyAsync, type NpyPoints } from '../../src/ot/io/npy.js';
import { UserError } from '../../src/util/errors.js';
import { emd } from '../../src/ot/lp/emd.js';
import { allExactW1, streamedExactW1, STREAM_MIN_BYTES } from '../../src/ot/io/streamed-w1.js';
import { evaluateMetricFiles } from '../../src/ot/io/load-set.js';

const noFast = fastGemm === null ? 'the wasm product is unavailable here' : false;

function withTuning<T>(t: Partial<typeof fastPathTuning>, f: () => T): T {
  const saved = { ...fastPathTuning };
  Object.assign(fastPathTuning, t);
  try { return f(); } finally { Object.assign(fastPathTuning, saved); }
}

async function withTuningAsync<T>(t: Partial<typeof fastPathTuning>, f: () => Promise<T>): Promise<T> {
  const saved = { ...fastPathTuning };
  Object.assign(fastPathTuning, t);
  try { return await f(); } finally { Object.assign(fastPathTuning, saved); }
}

function directSq(x: Points, i: number, y: Points, j: number, d: number): number {
  let s = 0;
  for (let k = 0; k < d; k++) { const t = x[i * d + k] - y[j * d + k]; s += t * t; }
  return s;
}

/** x (n×d) and y (m×d) in one of three flavours, with some rows of y equal to rows of x. */
function sets(kind: 'random' | 'duplicated' | 'offset', n: number, m: number, d: number, seed: number, poolRows = 5): [Float32Array, Float32Array] {
  const rng = new Rng(seed);
  const x = new Float32Array(n * d), y = new Float32Array(m * d);
  if (kind === 'duplicated') {
    const pool = new Float32Array(poolRows * d);
    rng.fillUniform(pool, -1, 1);
    for (let i = 0; i < n; i++) { const r = rng.int(poolRows); x.set(pool.subarray(r * d, r * d + d), i * d); }
    for (let j = 0; j < m; j++) {
      const r = rng.int(poolRows);
      y.set(pool.subarray(r * d, r * d + d), j * d);
      if (j % 7 === 0) y[j * d + (j % d)] += 0.05; // near duplicates (recomputed in float64)
    }
  } else {
    const shift = kind === 'offset' ? 1000 : 0;
    for (let e = 0; e < x.length; e++) x[e] = shift + rng.uniform() * 2 - 1;
    for (let e = 0; e < y.length; e++) y[e] = shift + rng.uniform() * 2 - 1;
    for (let k = 0; k < d; k++) { y[2 * d + k] = x[k]; y[5 * d + k] = x[d + k] + (k === 1 ? 1e-3 : 0); }
  }
  return [x, y];
}

test('blocked float32 cost path: every block size matches direct float64 sums, exact zeros for identical rows', { skip: noFast }, () => {
  const d = 40;
  for (const kind of ['random', 'duplicated', 'offset'] as const) {
    const [x32, y32] = sets(kind, 9, 70, d, kind.length);
    for (const f64 of [false, true]) {
      const x: Points = f64 ? Float64Array.from(x32) : x32, y: Points = f64 ? Float64Array.from(y32) : y32;
      for (const [a, b, na, nb] of [[x, y, 9, 70], [y, x, 70, 9]] as const) {
        const byBlock = [1, 3, 0].map((rows) => withTuning({ minMacs: 0, ...(rows > 0 ? { blockFloats: rows * d } : {}) },
          () => sqEuclideanCost(a, na, b, nb, d)));
        let zeros = 0;
        for (const C of byBlock) {
          let worst = 0;
          for (let i = 0; i < na; i++) for (let j = 0; j < nb; j++) {
            const want = directSq(a, i, b, j, d), got = C[i * nb + j];
            if (want === 0) { assert.equal(got, 0, `${kind} identical rows ${i}, ${j}`); zeros++; }
            else worst = Math.max(worst, Math.abs(got - want) / want);
          }
          assert.ok(worst < 1e-6, `${kind} f64=${f64} ${na}×${nb}: worst relative error ${worst}`);
        }
        assert.ok(zeros >= 3, `${kind}: the sets hold identical rows`);
        // The larger set as blocks copied into one reused buffer (as a file streams): every
        // entry against the direct float64 distance, grouping of identical rows block by block.
        const [sp, sr, lp, lr] = na <= nb ? [a, na, b, nb] : [b, nb, a, na];
        for (const rows of [1, 7]) {
          const buf = new Float32Array(rows * d);
          const blocks = { rows: lr, read: (b0: number, b1: number) => { const v = buf.subarray(0, (b1 - b0) * d); v.set(lp.subarray(b0 * d, b1 * d)); return v; } };
          const S = withTuning({ minMacs: 0, blockFloats: rows * d }, () => euclideanCostFromBlocks(sp, sr, blocks, d, na <= nb));
          if (lp instanceof Float64Array) continue; // blocks of float32 only come from files
          for (let i = 0; i < na; i++) for (let j = 0; j < nb; j++) {
            const want = Math.sqrt(Math.max(directSq(a, i, b, j, d), SQ_DIST_FLOOR)), got = S[i * nb + j];
            assert.ok(Math.abs(got - want) <= 1e-6 * want, `${kind} blocks of ${rows}: entry ${i}, ${j}: ${got} vs ${want}`);
          }
        }
        // euclideanCost takes the square roots while filling: sqrt(max(squared, floor)) exactly.
        const [E0, E] = [0, SQ_DIST_FLOOR].map((floor) => withTuning({ minMacs: 0 }, () => euclideanCost(a, na, b, nb, d, floor)));
        for (let e = 0; e < E.length; e++) {
          const sq = byBlock[2][e];
          assert.equal(E0[e], Math.sqrt(sq));
          assert.equal(E[e], Math.sqrt(Math.max(sq, SQ_DIST_FLOOR)));
        }
        for (let e = 0; e < byBlock[0].length; e++) {
          const r = byBlock[2][e];
          assert.ok(Math.abs(byBlock[0][e] - r) <= 1e-6 * r && Math.abs(byBlock[1][e] - r) <= 1e-6 * r, `${kind} entry ${e} depends on the block size`);
        }
      }
    }
  }
});

test('centreRows (the wasm kernel, and its fallback for plain arrays) gives float32(p − mu) and float64 norms', { skip: noFast }, () => {
  const g = fastGemm!;
  const rng = new Rng(3);
  for (const d of [37, 64, 5]) { // ragged tails and whole 8-lane steps
    const rows = 6;
    const p = new Float32Array(rows * d), muPlain = new Float32Array(d);
    for (let e = 0; e < p.length; e++) p[e] = rng.normal() * 10 + 3;
    for (let k = 0; k < d; k++) muPlain[k] = rng.normal() + 3;
    const want = new Float32Array(rows * d), wantNorms = new Float64Array(rows);
    for (let i = 0; i < rows; i++) for (let k = 0; k < d; k++) {
      const r = Math.fround(p[i * d + k] - muPlain[k]);
      want[i * d + k] = r; wantNorms[i] += r * r;
    }
    const mu = g.alloc(d); mu.set(muPlain);
    const inHeap = g.alloc(rows * d), inPlace = g.alloc(rows * d);
    inPlace.set(p);
    for (const [c, src, m] of [[inHeap, p, mu], [inPlace, inPlace, mu], [new Float32Array(rows * d), p, muPlain]] as const) {
      const norms = new Float64Array(rows);
      g.centreRows(src, rows, d, m, c, norms);
      assert.deepEqual(c, want);
      for (let i = 0; i < rows; i++) assert.ok(Math.abs(norms[i] - wantNorms[i]) <= 1e-12 * wantNorms[i], `d=${d} row ${i}: ${norms[i]} vs ${wantNorms[i]}`);
    }
    g.release(inPlace); g.release(inHeap); g.release(mu);
  }
});

interface PointCase { n: number; m: number; d: number; x: number[]; y: number[]; w1: number }

test('W1 from points on the float32 product path (one-row blocks too) matches POT to 1e-5 relative', { skip: noFast }, () => {
  const fx = JSON.parse(readFileSync(new URL('../../../test/fixtures/ot/pot_fixtures.json', import.meta.url), 'utf8')) as { points: PointCase[] };
  const cases = fx.points.filter((p) => p.d >= 8); // the product path needs d ≥ 8
  assert.ok(cases.length >= 2);
  for (const p of cases) {
    for (const tuning of [{ minMacs: 0 }, { minMacs: 0, blockFloats: p.d }]) {
      withTuning(tuning, () => {
        for (const v of [w1(Float32Array.from(p.x), p.n, Float32Array.from(p.y), p.m, p.d).value,
          w1(Float64Array.from(p.x), p.n, Float64Array.from(p.y), p.m, p.d).value,
          w1(Float32Array.from(p.y), p.m, Float32Array.from(p.x), p.n, p.d).value]) {
          assert.ok(Math.abs(v - p.w1) <= 1e-5 * p.w1, `${p.n}×${p.m}×${p.d}: ${v} vs POT ${p.w1}`);
        }
      });
    }
  }
});

function npyFile(dir: string, name: string, descr: string, shape: number[], body: Uint8Array, pad = 0, version = 1): string {
  let header = `{'descr': '${descr}', 'fortran_order': False, 'shape': (${shape.join(', ')}), }` + ' '.repeat(pad);
  const pre = version === 1 ? 10 : 12;
  while ((pre + header.length + 1) % 64 !== 0) header += ' ';
  header += '\n';
  const head = Buffer.alloc(pre);
  head.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, version, 0]);
  if (version === 1) head.writeUInt16LE(header.length, 8); else head.writeUInt32LE(header.length, 8);
  const path = join(dir, name);
  writeFileSync(path, Buffer.concat([head, Buffer.from(header, 'latin1'), body]));
  return path;
}

test('readNpy and readNpyAsync read float32 files in chunks: values, long headers, short files, the first NaN by flat index', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'npy-chunks-'));
  try {
    const count = 700_001; // several 1 MiB chunks and a ragged end
    const v = new Float32Array(count);
    for (let k = 0; k < count; k++) v[k] = Math.sin(k) * 100;
    const body = new Uint8Array(v.buffer);
    const bad = v.slice(0, 700_000);
    bad[600_000] = NaN; bad[650_000] = Infinity; bad[699_999] = NaN; // the lowest index is reported
    const inf = v.slice(0, 700_000); inf[262_144] = -Infinity; // the first value of the second chunk
    const f64 = Float64Array.from([1.5, -2, 3, 4]);
    const files = {
      ok1: npyFile(dir, 'ok1.npy', '<f4', [1, count], body),
      ok2: npyFile(dir, 'ok2.npy', '<f4', [1, count], body, 5000, 2), // a header past the first read
      bad: npyFile(dir, 'bad.npy', '<f4', [7, 100_000], new Uint8Array(bad.buffer)),
      inf: npyFile(dir, 'inf.npy', '<f4', [700_000, 1], new Uint8Array(inf.buffer)),
      short: npyFile(dir, 'short.npy', '<f4', [2, count], body),
      // A damaged header asking for 10^16 values: refused from the file size, before any allocation.
      absurd: npyFile(dir, 'absurd.npy', '<f4', [100_000_000_000, 100_000], body),
      f64: npyFile(dir, 'f64.npy', '<f8', [2, 2], new Uint8Array(f64.buffer)),
    };
    const readers: [string, (path: string, alloc?: (n: number) => Float32Array) => Promise<NpyPoints>][] = [
      ['sync', async (path, alloc) => readNpy(path, alloc)], ['async', readNpyAsync]];
    for (const [name, read] of readers) {
      for (const path of [files.ok1, files.ok2]) {
        const p = await read(path);
        assert.equal(p.n, 1); assert.equal(p.w, count);
        assert.deepEqual(p.data, v, `${name} ${path}`);
      }
      const viaAlloc = await read(files.ok1, (n) => new Float32Array(n + 5).subarray(2, 2 + n));
      assert.deepEqual(viaAlloc.data, v);
      await assert.rejects(read(files.bad), (e: unknown) => e instanceof UserError && e.message.includes(files.bad) && /flat index 600000\)/.test(e.message), name);
      await assert.rejects(read(files.inf), /flat index 262144\)/);
      await assert.rejects(read(files.short), (e: unknown) => e instanceof UserError && /shorter than its shape/.test(e.message));
      await assert.rejects(read(files.absurd, (n) => { throw new Error(`allocated ${n}`); }), (e: unknown) => e instanceof UserError && /absurd\.npy is shorter than its shape/.test(e.message));
      assert.deepEqual(Array.from((await read(files.f64)).data), [1.5, -2, 3, 4]);
      await assert.rejects(read(join(dir, 'missing.npy')), /no such file/);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('cost from blocks of the larger set groups identical rows block by block: every entry matches direct float64 sums', { skip: noFast }, () => {
  const d = 24, n = 16, m = 400;
  const [x, y] = sets('duplicated', n, m, d, 21, 3); // few classes: grouping within each block pays
  for (const [a, b, na, nb] of [[x, y, n, m], [y, x, m, n]] as const) {
    for (const rows of [100, 1]) {
      const buf = new Float32Array(rows * d);
      const blocks = { rows: m, read: (b0: number, b1: number) => { const v = buf.subarray(0, (b1 - b0) * d); v.set(y.subarray(b0 * d, b1 * d)); return v; } };
      const C = withTuning({ minMacs: 0, blockFloats: rows * d }, () => euclideanCostFromBlocks(x, n, blocks, d, na === n, 0));
      let zeros = 0;
      for (let i = 0; i < na; i++) for (let j = 0; j < nb; j++) {
        const want = Math.sqrt(directSq(a, i, b, j, d)), got = C[i * nb + j];
        if (want === 0) { assert.equal(got, 0); zeros++; } else assert.ok(Math.abs(got - want) <= 1e-6 * want, `blocks of ${rows}: entry ${i}, ${j}: ${got} vs ${want}`);
      }
      assert.ok(zeros > n + m, 'enough identical pairs to start grouping');
    }
  }
});

function bruteW1(x: Float32Array, n: number, y: Float32Array, m: number, d: number): number {
  const C = new Float64Array(n * m);
  for (let i = 0; i < n; i++) for (let j = 0; j < m; j++) C[i * m + j] = Math.sqrt(Math.max(directSq(x, i, y, j, d), SQ_DIST_FLOOR));
  return emd(n, m, C).cost;
}

test('exact W1 streaming the larger .npy file in blocks equals W1 of a float64 cost matrix; errors name the file', { skip: noFast }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'npy-stream-'));
  try {
    const d = 40;
    for (const kind of ['duplicated', 'offset'] as const) {
      const [x, y] = sets(kind, 9, 300, d, 11);
      const want = bruteW1(x, 9, y, 300, d);
      const px = npyFile(dir, `x-${kind}.npy`, '<f4', [9, 4, 10], new Uint8Array(x.buffer));
      const py = npyFile(dir, `y-${kind}.npy`, '<f4', [300, 4, 10], new Uint8Array(y.buffer));
      for (const rows of [1, 7, 0]) { // one-row blocks, ragged blocks, the default
        const tuning = { minMacs: 0, ...(rows > 0 ? { blockFloats: rows * d } : {}) };
        const ab = await withTuningAsync(tuning, () => streamedExactW1(px, py, 0));
        const ba = await withTuningAsync(tuning, () => streamedExactW1(py, px, 0));
        assert.ok(ab !== null && ba !== null);
        assert.ok(Math.abs(ab - want) <= 1e-6 * want && Math.abs(ba - want) <= 1e-6 * want, `${kind} rows=${rows}: ${ab}, ${ba} vs ${want}`);
      }
    }
    const [x, y] = sets('random', 9, 300, d, 12);
    const px = npyFile(dir, 'x.npy', '<f4', [9, d], new Uint8Array(x.buffer));
    y[250 * d + 3] = NaN;
    const bad = npyFile(dir, 'bad.npy', '<f4', [300, d], new Uint8Array(y.buffer));
    await assert.rejects(withTuningAsync({ minMacs: 0, blockFloats: 64 * d }, () => streamedExactW1(px, bad, 0)),
      (e: unknown) => e instanceof UserError && e.message.includes(bad) && /flat index 10003\)/.test(e.message));
    const yi = y.slice(); yi[250 * d + 3] = 0; yi[5 * d] = -Infinity; yi[7 * d] = Infinity;
    const inf = npyFile(dir, 'inf.npy', '<f4', [300, d], new Uint8Array(yi.buffer));
    await assert.rejects(withTuningAsync({ minMacs: 0 }, () => streamedExactW1(inf, px, 0)), /inf\.npy holds a NaN or infinite value \(at flat index 200\)/);
    // Not applicable: the usual path takes over.
    const y64 = npyFile(dir, 'y64.npy', '<f8', [300, d], new Uint8Array(Float64Array.from(y).buffer));
    const other = npyFile(dir, 'other.npy', '<f4', [300, 20], new Uint8Array(y.buffer, 0, 300 * 20 * 4));
    await withTuningAsync({ minMacs: 0 }, async () => {
      assert.equal(await streamedExactW1(px, y64, 0), null);
      assert.equal(await streamedExactW1(px, other, 0), null);
      assert.equal(await streamedExactW1(px, bad), null); // under STREAM_MIN_BYTES
    });
    assert.ok(allExactW1(['MiniBatchLoss-dist=w1', 'MiniBatchLoss-dist=w1-b=64']));
    assert.ok(!allExactW1(['MiniBatchLoss-dist=w1', 'MiniBatchLoss-dist=w1-epsilon=0.1']));
    assert.ok(!allExactW1(['MiniBatchPatchLoss-dist=w1']));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('evaluateMetricFiles streams exact W1 between large .npy files and agrees with loading them', { skip: noFast }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'npy-files-'));
  try {
    const d = 1024, n = 8, m = 4200; // y: 17.2 MB, over STREAM_MIN_BYTES
    assert.ok(m * d * 4 > STREAM_MIN_BYTES);
    const [x, y] = sets('offset', n, m, d, 31);
    const px = npyFile(dir, 'x.npy', '<f4', [n, d], new Uint8Array(x.buffer));
    const py = npyFile(dir, 'y.npy', '<f4', [m, d], new Uint8Array(y.buffer));
    const w1 = 'MiniBatchLoss-dist=w1';
    const streamed = await evaluateMetricFiles([w1, `${w1}-b=16`], px, py, {}, 0);
    const loaded = await evaluateMetricFiles([w1], px, py, { limitData: m }, 0); // a limit: both sets loaded
    const direct = await streamedExactW1(px, py);
    assert.ok(direct !== null);
    assert.deepEqual(streamed, [direct, direct]);
    assert.ok(Math.abs(streamed[0] - loaded[0]) <= 1e-9 * loaded[0], `${streamed[0]} vs ${loaded[0]}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a process that starts the kernel threads early and never uses them exits by itself', () => {
  const gemm = new URL('../../src/ot/gemm.js', import.meta.url).href;
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', `const g = await import(${JSON.stringify(gemm)}); g.prestartFastGemm(); console.log('started')`],
    { encoding: 'utf8', timeout: 60_000 });
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stdout.trim(), 'started');
});
