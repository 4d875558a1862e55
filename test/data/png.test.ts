// The small PNG encoder and fast decoder (src/data/png.ts) against libvips (sharp): same pixels.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import sharp from 'sharp';
import { decodePngRgb, encodePng } from '../../src/data/png.js';

async function vipsRgb(png: Buffer): Promise<number[]> {
  const { data } = await sharp(png).removeAlpha().toColourspace('srgb').raw({ depth: 'uchar' }).toBuffer({ resolveWithObject: true });
  return Array.from(data);
}

function pattern(n: number, seed: number): Uint8Array {
  // Smooth ramps plus noise, so libpng's adaptive filtering uses every filter type.
  const out = new Uint8Array(n);
  let s = seed;
  for (let i = 0; i < n; i++) {
    s = (s * 1103515245 + 12345) >>> 0;
    out[i] = (i % 3 === 0 ? i & 0xff : (s >>> 24) & (i % 5 === 0 ? 0x0f : 0xff));
  }
  return out;
}

test('decoder equals libvips on grey, grey+alpha, RGB, RGBA and palette PNGs written by libpng', async () => {
  const w = 23, h = 17;
  const colourTypes = new Set<number>();
  for (const channels of [1, 2, 3, 4] as const) {
    const raw = pattern(w * h * channels, channels);
    for (const opts of [{ compressionLevel: 9 }, { compressionLevel: 0 }, { adaptiveFiltering: true }]) {
      const img = sharp(Buffer.from(raw), { raw: { width: w, height: h, channels } });
      const png = await (channels <= 2 ? img.toColourspace('b-w') : img).png(opts).toBuffer();
      colourTypes.add(png[25]);
      const ours = decodePngRgb(png);
      assert.ok(ours, `channels ${channels}`);
      assert.deepEqual([ours.width, ours.height], [w, h]);
      assert.deepEqual(Array.from(ours.rgb), await vipsRgb(png), `channels ${channels} ${JSON.stringify(opts)}`);
    }
  }
  const pal = await sharp(Buffer.from(pattern(w * h * 3, 9).map((v) => v & 0xe0)), { raw: { width: w, height: h, channels: 3 } }).png({ palette: true, colours: 256, dither: 0 }).toBuffer();
  assert.equal(pal[24], 8, 'an 8-bit palette PNG');
  assert.equal(pal[25], 3, 'colour type palette');
  const ours = decodePngRgb(pal);
  assert.ok(ours);
  assert.deepEqual(Array.from(ours.rgb), await vipsRgb(pal), 'palette');
  assert.deepEqual([...colourTypes].sort(), [0, 2, 4, 6], 'grey, RGB, grey+alpha and RGBA were all exercised');
  // Fewer colours give a 4-bit palette: left to libvips.
  const pal4 = await sharp(Buffer.from(pattern(w * h * 3, 9).map((v) => v & 0x80)), { raw: { width: w, height: h, channels: 3 } }).png({ palette: true, colours: 16, dither: 0 }).toBuffer();
  assert.ok(pal4[24] < 8);
  assert.equal(decodePngRgb(pal4), null);
});

test('16-bit and interlaced PNGs are left to libvips; damaged PNGs throw', async () => {
  const w = 9, h = 7;
  const interlaced = await sharp(Buffer.from(pattern(w * h * 3, 4)), { raw: { width: w, height: h, channels: 3 } }).png({ progressive: true }).toBuffer();
  assert.equal(decodePngRgb(interlaced), null);
  const g16 = await sharp(Buffer.from(pattern(w * h, 5)), { raw: { width: w, height: h, channels: 1 } }).toColourspace('grey16').png().toBuffer();
  assert.equal(decodePngRgb(g16), null);
  assert.equal(decodePngRgb(Buffer.from('not a png at all')), null);
  const small = encodePng(pattern(w * h * 3, 3), w, h, 3);
  assert.ok(decodePngRgb(small, w * h));
  assert.equal(decodePngRgb(small, w * h - 1), null, 'larger than maxPixels: left to libvips');
  const good = encodePng(pattern(w * h * 3, 6), w, h, 3);
  assert.throws(() => decodePngRgb(good.subarray(0, good.length - 20)));
  const flipped = Buffer.from(good);
  flipped[45] ^= 0xff; // inside the compressed data
  assert.throws(() => decodePngRgb(flipped));
});

test('encoder output reads back identically through libvips and through the decoder', async () => {
  for (const channels of [1, 3] as const) {
    const w = 13, h = 11;
    const px = pattern(w * h * channels, 7 + channels);
    const png = encodePng(px, w, h, channels);
    const meta = await sharp(png).metadata();
    assert.deepEqual([meta.width, meta.height, meta.channels, meta.depth], [w, h, channels, 'uchar']);
    const expected = channels === 3 ? Array.from(px) : Array.from(px).flatMap((v) => [v, v, v]);
    assert.deepEqual(await vipsRgb(png), expected);
    assert.deepEqual(Array.from(decodePngRgb(png)?.rgb ?? []), expected);
  }
});
