// `discrete-gans metrics` end to end on two small .npy files: the JSON value equals the library's
// exact W1 on the same points (brute force over all permutations for 4 vs 4), a bad metric name
// is one sentence with exit 2, and the top-level help (which loads every command, unlike a
// named command that loads only its own module) still lists them all.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
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
