// `discrete-gans metrics` end to end on two small .npy files: the JSON value equals the library's
// exact W1 on the same points (brute force over all permutations for 4 vs 4), a bad metric name
// is one sentence with exit 2, and the top-level help (which loads every command, unlike a
// named command that loads only its own module) still lists them all.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const bin = fileURLToPath(new URL('../../../bin/discrete-gans.js', import.meta.url));

function npy(rows: number[][]): Buffer {
  const d = rows[0].length;
  let header = `{'descr': '<f8', 'fortran_order': False, 'shape': (${rows.length}, ${d}), }`;
  while ((10 + header.length + 1) % 64 !== 0) header += ' ';
  header += '\n';
  const body = Buffer.from(Float64Array.from(rows.flat()).buffer);
  return Buffer.concat([Buffer.from([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0, header.length & 255, header.length >> 8]), Buffer.from(header, 'latin1'), body]);
}

function permutations(n: number): number[][] {
  if (n === 1) return [[0]];
  return permutations(n - 1).flatMap((p) => Array.from({ length: n }, (_, k) => [...p.slice(0, k), n - 1, ...p.slice(k)]));
}

test('metrics prints exact W1 as JSON; unknown metric names exit 2; --help lists every command', () => {
  const dir = mkdtempSync(join(tmpdir(), 'dg-metrics-'));
  try {
    const a = [[0, 0, 1], [1, 2, 0], [3, 1, 1], [0.5, 0.5, 0.5]], b = [[1, 0, 0], [2, 2, 2], [0, 1, 3], [1, 1, 1]];
    writeFileSync(join(dir, 'a.npy'), npy(a)); writeFileSync(join(dir, 'b.npy'), npy(b));
    let best = Infinity;
    for (const p of permutations(4)) {
      let s = 0;
      for (let i = 0; i < 4; i++) s += Math.hypot(a[i][0] - b[p[i]][0], a[i][1] - b[p[i]][1], a[i][2] - b[p[i]][2]);
      best = Math.min(best, s / 4);
    }
    const r = spawnSync(process.execPath, [bin, 'metrics', join(dir, 'a.npy'), join(dir, 'b.npy'), '--metrics', 'MiniBatchLoss-dist=w1', '--json'], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    const got = (JSON.parse(r.stdout) as Record<string, number>)['MiniBatchLoss-dist=w1'];
    assert.ok(Math.abs(got - best) < 1e-12 * best, `${got} vs ${best}`);
    const bad = spawnSync(process.execPath, [bin, 'metrics', join(dir, 'a.npy'), join(dir, 'b.npy'), '--metrics', 'MiniBatchLoss-dist=w3'], { encoding: 'utf8' });
    assert.equal(bad.status, 2);
    assert.equal(bad.stderr.trim().split('\n').length, 1);
    assert.match(bad.stderr, /^discrete-gans: .*MiniBatchLoss-dist=w3/);
    const help = spawnSync(process.execPath, [bin, '--help'], { encoding: 'utf8' });
    for (const name of ['make-squares', 'train', 'ot-means', 'metrics']) assert.match(help.stdout, new RegExp(`\\b${name}\\b`));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('float64 .npy files stay float64: exact W1 of points offset by 1e4 equals float64 brute force', () => {
  const dir = mkdtempSync(join(tmpdir(), 'dg-metrics64-'));
  try {
    // float32 has a spacing of ~1e-3 at 1e4, larger than these points' spread of ~1e-2.
    let seed = 7;
    const rnd = (): number => { seed = (seed * 16807) % 2147483647; return seed / 2147483647 - 0.5; };
    const pts = (k: number): number[][] => Array.from({ length: k }, () => Array.from({ length: 5 }, () => 1e4 + 0.02 * rnd()));
    const a = pts(6), b = pts(6);
    writeFileSync(join(dir, 'a.npy'), npy(a)); writeFileSync(join(dir, 'b.npy'), npy(b));
    let best = Infinity;
    for (const p of permutations(6)) {
      let s = 0;
      for (let i = 0; i < 6; i++) s += Math.hypot(...a[i].map((v, k) => v - b[p[i]][k]));
      best = Math.min(best, s / 6);
    }
    const r = spawnSync(process.execPath, [bin, 'metrics', join(dir, 'a.npy'), join(dir, 'b.npy'), '--metrics', 'MiniBatchLoss-dist=w1', '--json'], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    const got = (JSON.parse(r.stdout) as Record<string, number>)['MiniBatchLoss-dist=w1'];
    assert.ok(Math.abs(got - best) < 1e-9 * best, `${got} vs ${best}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('sets of equal size per sample agree on a shape: N×D takes the image shape; differing image shapes only for whole-image metrics', async () => {
  const { evaluateMetrics } = await import('../../src/ot/io/load-set.js');
  const { w1 } = await import('../../src/ot/distances.js');
  const vals = Float32Array.from({ length: 3 * 16 }, (_, k) => Math.sin(k));
  const other = Float32Array.from({ length: 2 * 16 }, (_, k) => Math.cos(k));
  const flat = { data: other, n: 2, c: 1, h: 1, w: 16, shape: [2, 16] };
  const image = { data: vals, n: 3, c: 1, h: 4, w: 4, shape: [3, 1, 4, 4] };
  const column = { data: other, n: 2, c: 1, h: 16, w: 1, shape: [2, 1, 16, 1] };
  const none = (): void => { throw new Error('no warning expected'); };
  const exact = w1(vals, 3, other, 2, 16).value;
  const [whole, patches] = evaluateMetrics(['MiniBatchLoss-dist=w1', 'MiniBatchPatchLoss-dist=w1-p=2-s=2'], image, flat, 0, ['A', 'B'], none);
  assert.ok(Math.abs(whole - exact) <= 1e-12 * exact);
  assert.ok(Number.isFinite(patches) && patches > 0);
  assert.ok(Math.abs(evaluateMetrics(['MiniBatchLoss-dist=w1'], image, column, 0, ['A', 'B'], none)[0] - exact) <= 1e-12 * exact);
  // Hints about the folder flags only when a set is a folder.
  const folder = mkdtempSync(join(tmpdir(), 'dg-shape-'));
  try {
    assert.throws(() => evaluateMetrics(['MiniBatchPatchLoss-dist=w1-p=2-s=2'], image, column, 0, ['a.npy', 'b.npy'], none),
      /a\.npy holds samples of 1×4×4 but b\.npy holds 1×16×1$/);
    assert.throws(() => evaluateMetrics(['MiniBatchPatchLoss-dist=w1-p=2-s=2'], image, column, 0, [folder, 'b.npy'], none),
      /holds samples of 1×4×4 but b\.npy holds 1×16×1 \(--im_size and --center_crop resize folders only\)$/);
    assert.throws(() => evaluateMetrics(['MiniBatchPatchLoss-dist=w1-p=2-s=2'], image, column, 0, [folder, folder], none),
      /but .* holds 1×16×1 \(each folder is read at the size of its first image: pass --im_size to read both at one size\)$/);
    const rgb = { data: new Float32Array(2 * 48), n: 2, c: 3, h: 4, w: 4, shape: [2, 3, 4, 4] };
    assert.throws(() => evaluateMetrics(['MiniBatchLoss-dist=w1'], image, rgb, 0, [folder, 'b'], none), /but b holds 3×4×4 \(--gray_scale reads a folder as one grey channel/);
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
  // Two N×D sets have no image shape: a patch metric says so (whole-set metrics still work).
  const flat3 = { data: vals, n: 3, c: 1, h: 1, w: 16, shape: [3, 16] };
  assert.throws(() => evaluateMetrics(['MiniBatchLoss-dist=w1', 'MiniBatchLocalPatchLoss-dist=swd-p=2-s=2'], flat3, flat, 0, ['a.npy', 'b.npy'], none),
    /^UserError: MiniBatchLocalPatchLoss-dist=swd-p=2-s=2 compares image patches, but a\.npy and b\.npy are both N×D sets with no image shape/);
  assert.ok(Math.abs(evaluateMetrics(['MiniBatchLoss-dist=w1'], flat3, flat, 0, ['a.npy', 'b.npy'], none)[0] - exact) <= 1e-12 * exact);
  const wide = { data: new Float32Array(2 * 20), n: 2, c: 1, h: 1, w: 20, shape: [2, 20] };
  assert.throws(() => evaluateMetrics(['MiniBatchLoss-dist=w1'], image, wide, 0, ['a', 'b'], none), /holds samples of 1×4×4 but b holds 20 values$/);
});

test('metrics explains sets written after --metrics, computes a repeated name once, and notes image flags given with two .npy files', () => {
  const dir = mkdtempSync(join(tmpdir(), 'dg-metrics-args-'));
  try {
    writeFileSync(join(dir, 'a.npy'), npy([[0, 1], [2, 3]])); writeFileSync(join(dir, 'b.npy'), npy([[1, 1], [2, 2], [0, 0]]));
    const after = spawnSync(process.execPath, [bin, 'metrics', '--metrics', 'MiniBatchLoss-dist=w1', join(dir, 'a.npy'), join(dir, 'b.npy')], { encoding: 'utf8' });
    assert.equal(after.status, 2);
    assert.match(after.stderr, /^discrete-gans: --metrics took ".*a\.npy" and ".*b\.npy" as metric names: write the two sets A and B before --metrics/);
    assert.equal(after.stderr.trim().split('\n').length, 1);
    const twice = spawnSync(process.execPath, [bin, 'metrics', join(dir, 'a.npy'), join(dir, 'b.npy'), '--gray_scale', '--metrics', 'MiniBatchLoss-dist=w1', 'MiniBatchLoss-dist=w1'], { encoding: 'utf8' });
    assert.equal(twice.status, 0, twice.stderr);
    assert.equal(twice.stdout.trim().split('\n').length, 1);
    assert.match(twice.stderr, /warning: --gray_scale applies to image folders only; both sets are \.npy files/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a folder whose first image (the one that sets the size) cannot be decoded: one sentence naming it, exit 2', () => {
  const dir = mkdtempSync(join(tmpdir(), 'dg-badfirst-'));
  try {
    const bad = join(dir, 'bad');
    mkdirSync(bad);
    writeFileSync(join(bad, '000.png'), 'not a png');
    writeFileSync(join(dir, 'b.npy'), npy([[0, 0, 0, 0]]));
    for (const args of [[bad, join(dir, 'b.npy')], [join(dir, 'b.npy'), bad], [bad, join(dir, 'b.npy'), '--center_crop', '2']]) {
      const r = spawnSync(process.execPath, [bin, 'metrics', ...args, '--metrics', 'MiniBatchLoss-dist=w1'], { encoding: 'utf8', timeout: 60_000 });
      assert.equal(r.status, 2, r.stderr);
      assert.equal(r.stdout, '');
      const lines = r.stderr.trim().split('\n');
      assert.equal(lines.length, 1, r.stderr);
      assert.match(lines[0], new RegExp(`^discrete-gans: cannot decode the image ${join(bad, '000.png').replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} \\(`));
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('float64 values too large for squared distances: one sentence naming the file, exit 2', () => {
  const dir = mkdtempSync(join(tmpdir(), 'dg-huge-'));
  try {
    writeFileSync(join(dir, 'huge.npy'), npy([[0, 1], [1e200, 0]]));
    writeFileSync(join(dir, 'b.npy'), npy([[0, 0], [1, 1]]));
    const r = spawnSync(process.execPath, [bin, 'metrics', join(dir, 'huge.npy'), join(dir, 'b.npy'), '--metrics', 'MiniBatchLoss-dist=w1'], { encoding: 'utf8', timeout: 60_000 });
    assert.equal(r.status, 2, r.stderr);
    assert.equal(r.stdout, '');
    const lines = r.stderr.trim().split('\n');
    assert.equal(lines.length, 1, r.stderr);
    assert.ok(lines[0].startsWith(`discrete-gans: MiniBatchLoss-dist=w1: w1: ${join(dir, 'huge.npy')} holds 1e+200 (at index 2), too large for squared distances in float64`), lines[0]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
