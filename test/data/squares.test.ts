// The squares dataset (SPEC §2.1): 2704 images, corners 1..52 row-major, pixels by definition.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { makeSquares, squaresDataset, squaresFolderName, writeSquares } from '../../src/data/squares.js';
import { loadImageFolder } from '../../src/data/image-folder.js';
import { UserError } from '../../src/util/errors.js';
import { tempDir } from './helpers.js';

test('2704 images of 64x64: one white 10x10 square on black at every corner 1..52, y outer, x inner', () => {
  const sq = makeSquares();
  assert.equal(sq.images.length, 2704);
  assert.equal(sq.imSize, 64);
  for (let i = 0; i < 2704; i++) {
    const x = 1 + (i % 52);
    const y = 1 + Math.floor(i / 52);
    assert.deepEqual(sq.corners[i], [x, y]);
    const img = sq.images[i];
    assert.equal(img.length, 64 * 64 * 3);
    let white = 0;
    for (let py = 0; py < 64; py++) {
      for (let px = 0; px < 64; px++) {
        const inside = px >= x && px < x + 10 && py >= y && py < y + 10;
        const o = 3 * (py * 64 + px);
        const v = inside ? 255 : 0;
        if (img[o] !== v || img[o + 1] !== v || img[o + 2] !== v) assert.fail(`image ${i} pixel (${px},${py})`);
        if (inside) white++;
      }
    }
    assert.equal(white, 100);
  }
  assert.equal(squaresFolderName(), 'black_S-10_O-1_S-1');
});

test('size, square, offset, stride and colours are parameters; impossible settings are refused', () => {
  const sq = makeSquares({ imSize: 8, squareSize: 2, offset: 0, stride: 3, background: [1, 2, 3], foreground: [9, 8, 7] });
  // range(0, 8-2-0, 3) = 0, 3
  assert.deepEqual(sq.corners, [[0, 0], [3, 0], [0, 3], [3, 3]]);
  const img = sq.images[1];
  assert.deepEqual(Array.from(img.subarray(0, 3)), [1, 2, 3]);
  assert.deepEqual(Array.from(img.subarray(9, 12)), [9, 8, 7]); // (3,0)
  assert.throws(() => makeSquares({ squareSize: 70 }), UserError);
  assert.throws(() => makeSquares({ stride: 0 }), UserError);
});

test('writeSquares writes <i>.png whose pixels equal the in-memory images, and refuses a non-empty folder', async () => {
  const dir = tempDir('squares');
  try {
    const out = join(dir.path, 'sq');
    const o = { imSize: 6, squareSize: 2, offset: 1, stride: 1 };
    const n = await writeSquares(out, o);
    const mem = makeSquares(o);
    assert.equal(n, 4); // range(1, 3) in both axes
    assert.deepEqual(readdirSync(out).sort(), ['0.png', '1.png', '2.png', '3.png']);
    for (let i = 0; i < n; i++) {
      const { data, info } = await sharp(join(out, `${i}.png`)).raw().toBuffer({ resolveWithObject: true });
      assert.equal(info.channels, 3);
      assert.deepEqual(Array.from(data), Array.from(mem.images[i]));
    }
    await assert.rejects(writeSquares(out, o), /already exists and is not empty/);
    await writeSquares(out, { ...o, offset: 0 }, true);
    assert.equal(readdirSync(out).length, 16); // range(0, 4) in both axes
    const empty = join(dir.path, 'empty');
    mkdirSync(empty);
    await writeSquares(empty, o);
    assert.equal(readdirSync(empty).length, 4);
    const file = join(dir.path, 'file');
    writeFileSync(file, 'x');
    await assert.rejects(writeSquares(file, o), /exists and is not a folder/);
    assert.equal(existsSync(join(dir.path, 'nothing')), false);
    assert.deepEqual(readdirSync(dir.path).filter((f) => f.startsWith('.')), [], 'no partial folders left');
  } finally {
    dir.remove();
  }
});

test('squaresDataset: the squares as a grey dataset in memory, equal to loading the written folder', async () => {
  const o = { imSize: 8, squareSize: 3, offset: 1, stride: 2 };
  const ds = squaresDataset(o, { grayScale: true });
  assert.equal(ds.count, 4); // range(1, 4, 2) = 1, 3
  assert.equal(ds.channels, 1);
  const b = ds.batch([3]); // corner (3, 3)
  const white = 2 * 0.9999 - 1; // grey of (255,255,255), in [-1, 1]
  assert.ok(Math.abs(b[3 * 8 + 3] - white) < 1e-6);
  assert.equal(b[0], -1);
  const dir = tempDir('sqds');
  try {
    await writeSquares(join(dir.path, 'sq'), o);
    const disk = await loadImageFolder({ dataPath: join(dir.path, 'sq'), imSize: 4, grayScale: true, cache: false, log: () => undefined });
    const mem = squaresDataset(o, { imSize: 4, grayScale: true });
    // Names sort as strings on disk (0,1,2,3 here, so the same order).
    assert.deepEqual(Array.from(disk.all()), Array.from(mem.all()));
  } finally {
    dir.remove();
  }
});
