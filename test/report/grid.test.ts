import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { makeGrid, encodePng } from '../../src/report/grid.js';

const fixture = JSON.parse(readFileSync(join(process.cwd(), 'test/fixtures/report/grid.json'), 'utf8')) as {
  cases: Array<{ shape: [number, number, number, number]; values: number[]; height: number; width: number; rgb: number[] }>;
};

test('grids match torchvision save_image(normalize, scale_each, pad_value=1) byte for byte', () => {
  for (const c of fixture.cases) {
    const g = makeGrid(Float32Array.from(c.values), c.shape);
    assert.equal(g.width, c.width, `width of ${c.shape}`);
    assert.equal(g.height, c.height, `height of ${c.shape}`);
    assert.deepEqual([...g.data], c.rgb, `pixels of ${c.shape}`);
  }
});

test('layout of a tiny known batch: 2-px white padding, int(sqrt(b)) per row, per-tile scaling', () => {
  // Three 1x1x2 grey images: [0, 1], [-1, -1], [2, 4]; nrow = int(sqrt(3)) = 1, so one column.
  const g = makeGrid(Float32Array.from([0, 1, -1, -1, 2, 4]), [3, 1, 1, 2]);
  assert.equal(g.width, 2 + 2 + 2);
  assert.equal(g.height, 3 * (1 + 2) + 2);
  const px = (x: number, y: number) => [...g.data.subarray((y * g.width + x) * 3, (y * g.width + x) * 3 + 3)];
  assert.deepEqual(px(0, 0), [255, 255, 255]);
  assert.deepEqual(px(2, 2), [0, 0, 0]); // tile 0 min
  assert.deepEqual(px(3, 2), [255, 255, 255]); // tile 0 max
  assert.deepEqual(px(2, 5), [0, 0, 0]); // constant tile → 0 (range clamped to 1e-5)
  assert.deepEqual(px(2, 8), [0, 0, 0]); // tile 2: 2 → 0
  assert.deepEqual(px(3, 8), [255, 255, 255]); // tile 2: 4 → 255
  assert.deepEqual(px(4, 8), [255, 255, 255]); // right padding
});

test('plain rendering maps [-1, 1] to [0, 255] without per-tile stretching', () => {
  const g = makeGrid(Float32Array.from([-1, 0, 1, 0.5]), [1, 1, 2, 2], { scaling: 'plain' });
  assert.equal(g.width, 2); // one image: no padding, as make_grid
  // (x+1)/2*255+0.5 truncated: -1→0, 0→128 (127.5+0.5), 1→255, 0.5→191 (191.25+0.5)
  assert.deepEqual([...g.data].filter((_, i) => i % 3 === 0), [0, 128, 255, 191]);
});

test('PNG encoding round-trips the pixels as RGB', async () => {
  const g = makeGrid(Float32Array.from(fixture.cases[1].values), fixture.cases[1].shape);
  const { data, info } = await sharp(await encodePng(g)).raw().toBuffer({ resolveWithObject: true });
  assert.equal(info.channels, 3);
  assert.deepEqual([...data], [...g.data]);
});
