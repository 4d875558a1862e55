// Decoding: JPEGs decode to the same bytes as PIL's Image.open(f).convert('RGB') (fixture by
// test/fixtures/data/make_jpeg_fixture.py), and file names decide what counts as an image.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { decodeRgb, isImageName } from '../../src/data/decode.js';

const dir = new URL('../../../test/fixtures/data/', import.meta.url);
const fixture = JSON.parse(readFileSync(new URL('jpeg_fixture.json', dir), 'utf8')) as { cases: Array<{ file: string; height: number; width: number; rgb: number[] }> };

test('JPEG decoding equals PIL (4:2:0 and 4:4:4 chroma)', async () => {
  assert.equal(fixture.cases.length, 2);
  for (const c of fixture.cases) {
    const d = await decodeRgb(fileURLToPath(new URL(c.file, dir)));
    assert.deepEqual([d.height, d.width], [c.height, c.width]);
    let differing = 0;
    for (let i = 0; i < c.rgb.length; i++) if (d.rgb[i] !== c.rgb[i]) differing++;
    assert.equal(differing, 0, `${c.file}: ${differing} samples differ from PIL`);
  }
});

test('image names by extension, case-insensitive', () => {
  for (const n of ['a.png', 'b.JPG', 'c.jpeg', 'd.webp', 'e.tif', 'f.TIFF', 'g.gif']) assert.ok(isImageName(n), n);
  for (const n of ['a.txt', 'png', '.DS_Store', 'labels.csv', 'x.png.bak', 'noext']) assert.ok(!isImageName(n), n);
});
