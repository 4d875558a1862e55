// IDX parsing (SPEC §2.2) on tiny files made here, and mnist-to-png on them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import sharp from 'sharp';
import { parseIdx, readIdxFile } from '../../src/data/idx.js';
import { mnistToPng } from '../../src/data/mnist.js';
import { UserError } from '../../src/util/errors.js';
import { tempDir } from './helpers.js';

function idxImages(count: number, rows: number, cols: number, pixel: (i: number, k: number) => number, magic = 2051): Buffer {
  const b = Buffer.alloc(16 + count * rows * cols);
  b.writeUInt32BE(magic, 0);
  b.writeUInt32BE(count, 4);
  b.writeUInt32BE(rows, 8);
  b.writeUInt32BE(cols, 12);
  for (let i = 0; i < count; i++) for (let k = 0; k < rows * cols; k++) b[16 + i * rows * cols + k] = pixel(i, k);
  return b;
}

function idxLabels(labels: number[]): Buffer {
  const b = Buffer.alloc(8 + labels.length);
  b.writeUInt32BE(2049, 0);
  b.writeUInt32BE(labels.length, 4);
  labels.forEach((l, i) => (b[8 + i] = l));
  return b;
}

const px = (i: number, k: number): number => (i * 50 + k * 7) % 256;

test('images and labels parse from plain and gzip files', async () => {
  const dir = tempDir('idx');
  try {
    const img = idxImages(3, 2, 4, px);
    writeFileSync(join(dir.path, 'imgs'), img);
    writeFileSync(join(dir.path, 'imgs.gz'), gzipSync(img));
    for (const name of ['imgs', 'imgs.gz']) {
      const r = await readIdxFile(join(dir.path, name));
      assert.equal(r.kind, 'images');
      if (r.kind !== 'images') return;
      assert.deepEqual([r.count, r.rows, r.cols], [3, 2, 4]);
      assert.deepEqual(Array.from(r.pixels), Array.from({ length: 24 }, (_, j) => px(Math.floor(j / 8), j % 8)));
    }
    writeFileSync(join(dir.path, 'labels.gz'), gzipSync(idxLabels([3, 1, 4])));
    const l = await readIdxFile(join(dir.path, 'labels.gz'));
    assert.equal(l.kind, 'labels');
    if (l.kind === 'labels') assert.deepEqual(Array.from(l.labels), [3, 1, 4]);
  } finally {
    dir.remove();
  }
});

test('bad magic, truncated and damaged files are UserErrors naming the file', async () => {
  const isUser = (re: RegExp) => (e: unknown): boolean => e instanceof UserError && re.test(e.message);
  assert.throws(() => parseIdx(idxImages(1, 2, 2, px, 2052), 'f.idx'), isUser(/f\.idx is not an IDX file .*magic number 2052/));
  assert.throws(() => parseIdx(idxImages(3, 2, 2, px).subarray(0, 16 + 11), 'short.idx'), isUser(/short\.idx is truncated: .*3 images of 2x2 \(12 bytes\) but only 11/));
  assert.throws(() => parseIdx(idxLabels([1, 2, 3]).subarray(0, 10), 'l.idx'), isUser(/l\.idx is truncated: .*3 labels but only 2/));
  assert.throws(() => parseIdx(Buffer.from([0, 0, 8]), 'tiny'), isUser(/tiny is too short/));
  assert.throws(() => parseIdx(idxImages(1, 2, 2, px).subarray(0, 12), 'hdr'), isUser(/hdr is truncated/));
  const dir = tempDir('idxbad');
  try {
    const gz = gzipSync(idxImages(2, 8, 8, px));
    writeFileSync(join(dir.path, 'cut.gz'), gz.subarray(0, gz.length - 10));
    await assert.rejects(readIdxFile(join(dir.path, 'cut.gz')), isUser(/cut\.gz is a damaged or truncated gzip file/));
    await assert.rejects(readIdxFile(join(dir.path, 'absent')), isUser(/cannot read .*absent/));
  } finally {
    dir.remove();
  }
});

test('mnist-to-png writes <i>_<label>.png whose pixels equal the IDX bytes', async () => {
  const dir = tempDir('mnist');
  try {
    const raw = join(dir.path, 'raw');
    const { mkdirSync } = await import('node:fs');
    mkdirSync(raw);
    writeFileSync(join(raw, 'train-images-idx3-ubyte.gz'), gzipSync(idxImages(3, 5, 4, px)));
    writeFileSync(join(raw, 'train-labels-idx1-ubyte'), idxLabels([7, 0, 9]));
    writeFileSync(join(raw, 't10k-images-idx3-ubyte'), idxImages(2, 5, 4, (i, k) => 255 - px(i, k)));
    writeFileSync(join(raw, 't10k-labels-idx1-ubyte.gz'), gzipSync(idxLabels([1, 2])));
    const out = join(dir.path, 'out');
    const n = await mnistToPng({ rawDir: raw, outDir: out });
    assert.deepEqual(n, { training: 3, testing: 2 });
    assert.deepEqual(readdirSync(join(out, 'training')).sort(), ['0_7.png', '1_0.png', '2_9.png']);
    assert.deepEqual(readdirSync(join(out, 'testing')).sort(), ['0_1.png', '1_2.png']);
    const meta = await sharp(join(out, 'training', '2_9.png')).metadata();
    assert.deepEqual([meta.width, meta.height, meta.channels, meta.depth], [4, 5, 1, 'uchar']);
    const data = await sharp(join(out, 'training', '2_9.png')).extractChannel(0).raw().toBuffer();
    assert.deepEqual(Array.from(data), Array.from({ length: 20 }, (_, k) => px(2, k)));
    const t = await sharp(join(out, 'testing', '0_1.png')).extractChannel(0).raw().toBuffer();
    assert.deepEqual(Array.from(t), Array.from({ length: 20 }, (_, k) => 255 - px(0, k)));
    // A second run into the same folder is refused; a mismatch in counts writes nothing.
    await assert.rejects(mnistToPng({ rawDir: raw, outDir: out }), /already exists and is not empty/);
    writeFileSync(join(raw, 't10k-labels-idx1-ubyte.gz'), gzipSync(idxLabels([1, 2, 3])));
    const out2 = join(dir.path, 'out2');
    await assert.rejects(mnistToPng({ rawDir: raw, outDir: out2 }), /holds 2 images but .* holds 3 labels/);
    assert.equal(existsSync(out2), false);
    await assert.rejects(mnistToPng({ rawDir: join(dir.path, 'none'), outDir: out2 }), /does not exist/);
    assert.deepEqual(readdirSync(dir.path).filter((f) => f.startsWith('.')), [], 'no partial folders left');
  } finally {
    dir.remove();
  }
});
