// The image-folder loader (SPEC §2) on images with known pixels made here: ordering,
// limit_data, junk files, alpha, 16-bit, grey and colour mixed, the byte store against the
// float pipeline, bad input, and the decoded-set cache.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readdirSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadImageFolder, sortNames, type LoadImageFolderOptions } from '../../src/data/image-folder.js';
import { transformToFloat } from '../../src/data/transforms.js';
import { UserError } from '../../src/util/errors.js';
import { maxAbsDiff, tempDir, writePng, writePng16 } from './helpers.js';

function solid(w: number, h: number, rgb: [number, number, number]): number[] {
  const out: number[] = [];
  for (let k = 0; k < w * h; k++) out.push(...rgb);
  return out;
}

async function load(o: Partial<LoadImageFolderOptions> & { dataPath: string }): Promise<{ ds: Awaited<ReturnType<typeof loadImageFolder>>; logs: string[] }> {
  const logs: string[] = [];
  const ds = await loadImageFolder({ imSize: 2, grayScale: false, cache: false, log: (m) => logs.push(m), ...o });
  return { ds, logs };
}

test('plain string order (10.png before 2.png), limit_data takes the first N, junk skipped with one warning', async () => {
  const dir = tempDir('order');
  try {
    // Image named k has value 10·k in every channel.
    for (const k of [1, 2, 10, 11, 3]) await writePng(join(dir.path, `${k}.png`), solid(2, 2, [10 * k, 10 * k, 10 * k]), 2, 2, 3);
    writeFileSync(join(dir.path, 'labels.txt'), 'not an image');
    writeFileSync(join(dir.path, '.DS_Store'), 'junk');
    mkdirSync(join(dir.path, 'sub'));
    const { ds, logs } = await load({ dataPath: dir.path });
    assert.deepEqual(ds.names, ['1.png', '10.png', '11.png', '2.png', '3.png']);
    const firsts = Array.from({ length: 5 }, (_, i) => ds.batch([i])[0]);
    assert.deepEqual(firsts, [10, 100, 110, 20, 30].map((v) => Math.fround(Math.fround(Math.fround(v / 255) - 0.5) / 0.5)));
    assert.equal(logs.length, 1, logs.join(' | '));
    assert.match(logs[0], /skipped 3 entries/);
    const lim = await load({ dataPath: dir.path, limitData: 3 });
    assert.deepEqual(lim.ds.names, ['1.png', '10.png', '11.png']);
    assert.equal(lim.ds.count, 3);
    const big = await load({ dataPath: dir.path, limitData: 100 });
    assert.equal(big.ds.count, 5);
  } finally {
    dir.remove();
  }
});

test('names sort by code point, as Python sorts str', () => {
  assert.deepEqual(sortNames(['b.png', 'B.png', '10.png', '2.png', 'a_1.png', 'a-1.png', '\u{1F600}.png', '\uFF21.png']),
    ['10.png', '2.png', 'B.png', 'a-1.png', 'a_1.png', 'b.png', '\uFF21.png', '\u{1F600}.png']);
});

test('alpha is dropped (not composited), grey sources become R=G=B, grey and colour mix', async () => {
  const dir = tempDir('alpha');
  try {
    await writePng(join(dir.path, 'a_rgba.png'), [200, 100, 50, 0, 200, 100, 50, 0, 200, 100, 50, 255, 200, 100, 50, 128], 2, 2, 4);
    await writePng(join(dir.path, 'b_grey.png'), [7, 7, 7, 7], 2, 2, 1);
    await writePng(join(dir.path, 'c_greyalpha.png'), [9, 0, 9, 0, 9, 255, 9, 10], 2, 2, 2);
    const { ds } = await load({ dataPath: dir.path });
    const s = (v: number): number => Math.fround(Math.fround(Math.fround(v / 255) - 0.5) / 0.5);
    assert.equal(ds.store.kind, 'bytes');
    assert.deepEqual(Array.from(ds.batch([0])), [...Array(4).fill(s(200)), ...Array(4).fill(s(100)), ...Array(4).fill(s(50))]);
    assert.deepEqual(Array.from(ds.batch([1])), Array(12).fill(s(7)));
    assert.deepEqual(Array.from(ds.batch([2])), Array(12).fill(s(9)));
    const grey = await load({ dataPath: dir.path, grayScale: true });
    const g = (r: number, gg: number, b: number): number => Math.fround(Math.fround((0.2989 * r + 0.587 * gg + 0.114 * b) / 255 - 0.5) / 0.5);
    assert.equal(grey.ds.channels, 1);
    assert.ok(maxAbsDiff(grey.ds.batch([0]), Array(4).fill(g(200, 100, 50))) < 1e-6);
    assert.ok(maxAbsDiff(grey.ds.batch([1]), Array(4).fill(g(7, 7, 7))) < 1e-6);
  } finally {
    dir.remove();
  }
});

test('16-bit PNG samples are scaled to 8 bits', async () => {
  const dir = tempDir('png16');
  try {
    // v·257 is the 16-bit code of byte v; 0x8000 lies between bytes 127 and 128.
    writePng16(join(dir.path, 'g16.png'), [0, 65535, 100 * 257, 0x8000], 2, 2, 1);
    writePng16(join(dir.path, 'rgb16.png'), [65535, 0, 30 * 257, 65535, 0, 30 * 257, 65535, 0, 30 * 257, 65535, 0, 30 * 257], 2, 2, 3);
    const { ds } = await load({ dataPath: dir.path });
    const bytes = (a: Float32Array): number[] => Array.from(a, (v) => Math.round(((v + 1) / 2) * 255));
    const g = bytes(ds.batch([0]));
    assert.deepEqual(g.slice(0, 3), [0, 255, 100]);
    assert.ok(g[3] === 127 || g[3] === 128, `0x8000 became ${g[3]}`);
    assert.deepEqual(bytes(ds.batch([1])), [255, 255, 255, 255, 0, 0, 0, 0, 30, 30, 30, 30]);
  } finally {
    dir.remove();
  }
});

test('the byte store gives exactly the float pipeline, and switching to floats mid-load keeps earlier images', async () => {
  const dir = tempDir('store');
  try {
    const rgb = Array.from({ length: 4 * 4 * 3 }, (_, k) => (k * 37 + 11) % 256);
    await writePng(join(dir.path, 'a.png'), rgb, 4, 4, 3);
    await writePng(join(dir.path, 'b.png'), rgb.map((v) => 255 - v), 4, 4, 3);
    const big = Array.from({ length: 8 * 8 * 3 }, (_, k) => (k * 53 + 7) % 256);
    for (const grayScale of [false, true]) {
      const { ds } = await load({ dataPath: dir.path, imSize: 4, grayScale });
      assert.equal(ds.store.kind, 'bytes');
      const ref = new Float32Array(ds.imageLength);
      transformToFloat(Uint8Array.from(rgb), 4, 4, { imSize: 4, grayScale }, ref);
      assert.deepEqual(Array.from(ds.batch([0])), Array.from(ref));
    }
    await writePng(join(dir.path, 'c.png'), big, 8, 8, 3); // needs a resize → float store
    for (const grayScale of [false, true]) {
      const { ds } = await load({ dataPath: dir.path, imSize: 4, grayScale, concurrency: 1 });
      assert.equal(ds.store.kind, 'float');
      const ref = new Float32Array(ds.imageLength);
      transformToFloat(Uint8Array.from(rgb), 4, 4, { imSize: 4, grayScale }, ref);
      assert.deepEqual(Array.from(ds.batch([0])), Array.from(ref));
      transformToFloat(Uint8Array.from(big), 8, 8, { imSize: 4, grayScale }, ref);
      assert.deepEqual(Array.from(ds.batch([2])), Array.from(ref));
      assert.equal(ds.all().length, 3 * ds.imageLength);
      // Too large for floats: 8-bit quantized values, at most half a level off.
      const q = await loadImageFolder({ dataPath: dir.path, imSize: 4, grayScale, cache: false, maxFloatBytes: 16, log: () => undefined });
      assert.equal(q.store.kind, 'quantized');
      assert.ok(maxAbsDiff(q.batch([2]), ref) <= 1 / 255 + 1e-6);
    }
  } finally {
    dir.remove();
  }
});

async function rejects(o: Partial<LoadImageFolderOptions> & { dataPath: string }, re: RegExp): Promise<void> {
  await assert.rejects(load(o), (e: unknown) => e instanceof UserError && re.test(e.message), String(re));
}

test('bad input: one UserError naming the culprit', async () => {
  const dir = tempDir('bad');
  try {
    await rejects({ dataPath: join(dir.path, 'nope') }, /nope does not exist/);
    const empty = join(dir.path, 'empty');
    mkdirSync(empty);
    await rejects({ dataPath: empty }, /empty is empty/);
    const junk = join(dir.path, 'junk');
    mkdirSync(junk);
    writeFileSync(join(junk, 'readme.md'), '#');
    await rejects({ dataPath: junk }, /junk holds no image files/);
    const file = join(junk, 'readme.md');
    await rejects({ dataPath: file }, /is not a folder/);
    const corrupt = join(dir.path, 'corrupt');
    mkdirSync(corrupt);
    await writePng(join(corrupt, 'good.png'), [1, 2, 3, 4], 2, 2, 1);
    writeFileSync(join(corrupt, 'broken.png'), 'this is not a png');
    await rejects({ dataPath: corrupt }, /broken\.png/);
    await rejects({ dataPath: corrupt, imSize: 0 }, /--im_size must be a positive integer/);
    await rejects({ dataPath: corrupt, imSize: 2.5 }, /--im_size must be a positive integer/);
    await rejects({ dataPath: corrupt, limitData: 0 }, /--limit_data must be a positive integer/);
    await rejects({ dataPath: corrupt, limitData: -3 }, /--limit_data must be a positive integer/);
    await rejects({ dataPath: corrupt, centerCrop: 0 }, /--center_crop must be a positive integer/);
    assert.deepEqual(readdirSync(corrupt).sort(), ['broken.png', 'good.png'], 'nothing written in the data folder');
  } finally {
    dir.remove();
  }
});

test('the decoded-set cache: lives in the cache folder, is reused, and misses when files or flags change', async () => {
  const dir = tempDir('cache');
  try {
    const data = join(dir.path, 'data');
    const cache = join(dir.path, 'cache');
    mkdirSync(data);
    for (let i = 0; i < 3; i++) await writePng(join(data, `${i}.png`), solid(6, 6, [i * 40, 200 - i * 40, 90]), 6, 6, 3);
    const opts = { dataPath: data, imSize: 3, grayScale: true, cache, log: () => undefined };
    const first = await loadImageFolder(opts);
    const files = readdirSync(join(cache, 'datasets'));
    assert.equal(files.length, 1);
    assert.ok(files[0].endsWith('.bin'));
    assert.deepEqual(readdirSync(data).sort(), ['0.png', '1.png', '2.png'], 'nothing written in the data folder');
    const again = await loadImageFolder(opts);
    assert.deepEqual(Array.from(again.all()), Array.from(first.all()));
    assert.deepEqual(again.names, first.names);
    assert.equal(readdirSync(join(cache, 'datasets')).length, 1, 'a hit writes nothing');
    await loadImageFolder({ ...opts, grayScale: false });
    await loadImageFolder({ ...opts, limitData: 2 });
    assert.equal(readdirSync(join(cache, 'datasets')).length, 3, 'other flags, other entries');
    // Rewrite one file with other pixels and another time: the cache must miss.
    await writePng(join(data, '1.png'), solid(6, 6, [255, 255, 255]), 6, 6, 3);
    utimesSync(join(data, '1.png'), new Date(2001, 1, 1), new Date(2001, 1, 1));
    const changed = await loadImageFolder(opts);
    assert.ok(Math.abs(changed.batch([1])[0] - (2 * 0.9999 - 1)) < 1e-6); // grey of white is 0.9999
    assert.ok(readdirSync(join(cache, 'datasets')).every((f) => f.endsWith('.bin')), 'no temporary files left');
    // The environment chooses the cache root.
    const saved = process.env.DISCRETE_GANS_CACHE;
    process.env.DISCRETE_GANS_CACHE = join(dir.path, 'env-cache');
    try {
      await loadImageFolder({ ...opts, cache: undefined });
      assert.equal(readdirSync(join(dir.path, 'env-cache', 'datasets')).length, 1);
    } finally {
      if (saved === undefined) delete process.env.DISCRETE_GANS_CACHE;
      else process.env.DISCRETE_GANS_CACHE = saved;
    }
  } finally {
    dir.remove();
  }
});

test('upscaling keeps the source bytes and resizes in batch(), equal to the per-image pipeline; mixed sizes fall back to floats', async () => {
  const dir = tempDir('lazy');
  const cache = tempDir('lazy-cache');
  try {
    const grey = (seed: number): number[] => Array.from({ length: 25 }, (_, k) => (k * 41 + seed * 17) % 256);
    for (let i = 0; i < 3; i++) await writePng(join(dir.path, `g${i}.png`), grey(i), 5, 5, 1);
    const sources: Array<{ rgb: Uint8Array; h: number; w: number }> = [0, 1, 2].map((i) => ({ rgb: Uint8Array.from(grey(i).flatMap((v) => [v, v, v])), h: 5, w: 5 }));
    const check = (ds: Awaited<ReturnType<typeof loadImageFolder>>, grayScale: boolean, imSize: number): void => {
      sources.forEach((s, i) => {
        const ref = new Float32Array(ds.imageLength);
        transformToFloat(s.rgb, s.h, s.w, { imSize, grayScale }, ref);
        assert.deepEqual(Array.from(ds.batch([i])), Array.from(ref), `image ${i}, grey ${grayScale}`);
      });
    };
    for (const grayScale of [true, false]) {
      const { ds } = await load({ dataPath: dir.path, imSize: 9, grayScale, cache: cache.path });
      assert.deepEqual([ds.store.kind, ds.store.storedChannels, ds.store.height, ds.store.width], ['bytes', 1, 5, 5]);
      check(ds, grayScale, 9);
      const again = await loadImageFolder({ dataPath: dir.path, imSize: 9, grayScale, cache: cache.path, log: () => undefined });
      assert.deepEqual([again.store.kind, again.store.height], ['bytes', 5]);
      assert.deepEqual(Array.from(again.all()), Array.from(ds.all()), 'cache round trip');
    }
    // A colour image of the same size widens the store to RGB planes.
    const colour = Array.from({ length: 75 }, (_, k) => (k * 29 + 3) % 256);
    await writePng(join(dir.path, 'h.png'), colour, 5, 5, 3);
    sources.push({ rgb: Uint8Array.from(colour), h: 5, w: 5 });
    for (const grayScale of [true, false]) {
      const { ds } = await load({ dataPath: dir.path, imSize: 9, grayScale, concurrency: 1 });
      assert.deepEqual([ds.store.kind, ds.store.storedChannels], ['bytes', 3]);
      check(ds, grayScale, 9);
    }
    // Another size: floats for all, still equal; with a non-square one, one notice.
    const odd = Array.from({ length: 6 * 7 * 3 }, (_, k) => (k * 13) % 256);
    await writePng(join(dir.path, 'i.png'), odd, 7, 6, 3);
    sources.push({ rgb: Uint8Array.from(odd), h: 6, w: 7 });
    for (const grayScale of [true, false]) {
      const { ds, logs } = await load({ dataPath: dir.path, imSize: 9, grayScale, concurrency: 1 });
      assert.equal(ds.store.kind, 'float');
      check(ds, grayScale, 9);
      assert.deepEqual(logs.filter((l) => /not square/.test(l)), ['1 image was not square after resizing and was center-cropped to 9x9']);
    }
    // Through the decoded-set cache: the second load reads the cache and repeats the notice.
    for (let pass = 0; pass < 2; pass++) {
      const { ds, logs } = await load({ dataPath: dir.path, imSize: 9, grayScale: false, concurrency: 1, cache: cache.path });
      check(ds, false, 9);
      assert.deepEqual(logs.filter((l) => /not square/.test(l)), ['1 image was not square after resizing and was center-cropped to 9x9'], `pass ${pass}`);
      assert.ok(readdirSync(join(cache.path, 'datasets')).some((f) => f.endsWith('.bin')), 'the first pass wrote the cache');
    }
    // A --center_crop larger than an image pads it (torchvision): a notice counts them. Every
    // image here is smaller than 7 on some side (the 5×5 ones, and i.png with its 6 rows).
    const { logs } = await load({ dataPath: dir.path, imSize: 9, centerCrop: 7, grayScale: false, concurrency: 1 });
    assert.deepEqual(logs.filter((l) => /--center_crop/.test(l)), [`${sources.length} images are smaller than --center_crop 7 on a side and were padded with black to 7x7 (as torchvision's CenterCrop does)`]);
  } finally {
    dir.remove();
    cache.remove();
  }
});
