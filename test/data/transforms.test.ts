// The image pipeline of SPEC §2 against torchvision (fixture made by
// test/fixtures/data/make_resize_fixture.py), and its pieces against values known by hand.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { antialiasWeights, centerCropOffset, resizeAntialiased, resizedShape } from '../../src/data/resize.js';
import { greyOfBytes, transformToFloat } from '../../src/data/transforms.js';
import { loadImageFolder } from '../../src/data/image-folder.js';
import { maxAbsDiff, tempDir, writePng } from './helpers.js';

interface Case {
  name: string; height: number; width: number; imSize: number; centerCrop: number | null; grayScale: boolean;
  rgb: number[]; expected: number[];
}
const fixture = JSON.parse(readFileSync(new URL('../../../test/fixtures/data/resize_fixture.json', import.meta.url), 'utf8')) as { cases: Case[] };

// float32 round-off from a different summation order: far below one grey level (2/255 ≈ 0.0078).
const TOL = 1e-5;

test('each fixture case equals torchvision (in memory)', () => {
  assert.ok(fixture.cases.length >= 8);
  for (const c of fixture.cases) {
    const ch = c.grayScale ? 1 : 3;
    const out = new Float32Array(ch * c.imSize * c.imSize);
    transformToFloat(Uint8Array.from(c.rgb), c.height, c.width, { imSize: c.imSize, centerCrop: c.centerCrop ?? undefined, grayScale: c.grayScale }, out);
    const d = maxAbsDiff(out, c.expected);
    assert.ok(d < TOL, `${c.name}: max |ours − torchvision| = ${d}`);
  }
});

test('each fixture case equals torchvision through PNG files and the folder loader', async () => {
  for (const c of fixture.cases) {
    const dir = tempDir('fixture');
    try {
      await writePng(join(dir.path, 'a.png'), c.rgb, c.width, c.height, 3);
      const ds = await loadImageFolder({ dataPath: dir.path, imSize: c.imSize, centerCrop: c.centerCrop ?? undefined, grayScale: c.grayScale, cache: false, log: () => undefined });
      assert.equal(ds.count, 1);
      assert.equal(ds.channels, c.grayScale ? 1 : 3);
      const d = maxAbsDiff(ds.batch([0]), c.expected);
      assert.ok(d < TOL, `${c.name}: max |loader − torchvision| = ${d}`);
    } finally {
      dir.remove();
    }
  }
});

test('grey is 0.2989 R + 0.587 G + 0.114 B on floats, not a library conversion', () => {
  // Pure red: 0.2989 (a byte of 76.2), where libvips' own conversion would differ.
  assert.ok(Math.abs(greyOfBytes(255, 0, 0) - 0.2989) < 1e-7);
  assert.ok(Math.abs(greyOfBytes(0, 255, 0) - 0.587) < 1e-7);
  assert.ok(Math.abs(greyOfBytes(0, 0, 255) - 0.114) < 1e-7);
  assert.ok(Math.abs(greyOfBytes(10, 20, 30) - (0.2989 * 10 + 0.587 * 20 + 0.114 * 30) / 255) < 1e-7);
});

test('center-crop offsets follow torchvision: round half to even, zero padding when larger', () => {
  assert.equal(centerCropOffset(10, 4), 3);
  assert.equal(centerCropOffset(5, 4), 0); // round(0.5) = 0
  assert.equal(centerCropOffset(7, 4), 2); // round(1.5) = 2
  assert.equal(centerCropOffset(9, 4), 2); // round(2.5) = 2
  assert.equal(centerCropOffset(4, 4), 0);
  assert.equal(centerCropOffset(6, 9), -1); // pad (9-6)//2 = 1 before
  assert.equal(centerCropOffset(6, 10), -2);
});

test('resized shape: shorter side to the size, longer side int(size·long/short)', () => {
  assert.deepEqual(resizedShape(6, 8, 4), [4, 5]);
  assert.deepEqual(resizedShape(37, 29, 10), [12, 10]);
  assert.deepEqual(resizedShape(64, 64, 28), [28, 28]);
});

test('antialias weights: each row sums to 1, and halving averages pixel pairs', () => {
  const w = antialiasWeights(10, 3);
  for (let i = 0; i < 3; i++) {
    let s = 0;
    for (let k = 0; k < w.len[i]; k++) s += w.w[i * w.maxLen + k];
    assert.ok(Math.abs(s - 1) < 1e-6);
  }
  // Downscale by exactly 2: center 2i+1, support 2, triangle of half-width 2 → weights 1/8, 3/8, 3/8, 1/8.
  const src = Float32Array.from([0, 8, 16, 24, 32, 40, 48, 56]);
  const out = new Float32Array(4);
  resizeAntialiased(src, 1, 1, 8, 1, 4, out);
  // Output i has center 2i+1 and taps 2i-1..2i+2 (clipped at the edges, then renormalised).
  const expected = [
    (0 * 3 + 8 * 3 + 16 * 1) / 7,
    (8 * 1 + 16 * 3 + 24 * 3 + 32 * 1) / 8,
    (24 * 1 + 32 * 3 + 40 * 3 + 48 * 1) / 8,
    (40 * 1 + 48 * 3 + 56 * 3) / 7,
  ];
  assert.ok(maxAbsDiff(out, expected) < 1e-4, `${Array.from(out)} vs ${expected}`);
});
