/**
 * Data loading speed: the 60,000 Fashion-MNIST training PNGs (as written by
 * `discrete-gans mnist-to-png`) loaded at 28×28 grey, first with an empty cache (decode) and
 * then from the cache. Goals (issue 2): < 30 s first time, < 3 s cached.
 *
 * Usage: npm run bench data [PNG_FOLDER] [IM_SIZE]   (default /tmp/fmnist/training and 28;
 * skipped if the folder is absent). IM_SIZE 64 measures the resized (float32) path.
 * Uses a fresh temporary cache folder so the first load really decodes.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadImageFolder } from '../src/data/image-folder.js';

export async function run(args: string[]): Promise<void> {
  const folder = args[0] ?? '/tmp/fmnist/training';
  if (!existsSync(folder)) {
    console.log(`data: ${folder} not found; make it with: discrete-gans mnist-to-png --raw_dir /usr/share/datasets/fashion-mnist --out_dir /tmp/fmnist`);
    return;
  }
  const cache = mkdtempSync(join(tmpdir(), 'dg-bench-cache-'));
  try {
    const imSize = args[1] !== undefined ? Number(args[1]) : 28;
    const opts = { dataPath: folder, imSize, grayScale: true, cache, log: () => undefined };
    let t = performance.now();
    const first = await loadImageFolder(opts);
    const tFirst = (performance.now() - t) / 1000;
    t = performance.now();
    const again = await loadImageFolder(opts);
    const tCached = (performance.now() - t) / 1000;
    if (again.count !== first.count) throw new Error('cached dataset differs in size');
    console.log(`data: ${first.count} images ${first.size}x${first.size}x${first.channels} (store ${first.store.kind}, ${first.store.data.byteLength / 2 ** 20 | 0} MiB)`);
    console.log(`data: first load (decode) ${tFirst.toFixed(2)} s  [goal < 30 s, ratio ${(tFirst / 30).toFixed(2)}]`);
    console.log(`data: cached load        ${tCached.toFixed(2)} s  [goal < 3 s, ratio ${(tCached / 3).toFixed(2)}]`);
    console.log(`data: cached / first = ${(tCached / tFirst).toFixed(3)}`);
  } finally {
    rmSync(cache, { recursive: true, force: true });
  }
}
