/**
 * Converting the four MNIST-format IDX files of a folder to PNG folders (SPEC §2.2):
 * `OUT/training/<i>_<label>.png` from train-images/labels and `OUT/testing/<i>_<label>.png`
 * from t10k-images/labels, 8-bit grey PNGs whose pixels equal the IDX bytes. (The reference
 * writes JPEG; we write lossless PNG.) The whole OUT folder appears only when complete.
 *
 * Owns: finding the IDX files and writing the images. Knows nothing of the command line.
 */
import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { UserError } from '../util/errors.js';
import { checkOutputFolder, writeFolderAtomically } from './atomic-folder.js';
import { readIdxImages, readIdxLabels, type IdxImages, type IdxLabels } from './idx.js';
import { encodePng } from './png.js';
import { runPool } from './pool.js';

export const MNIST_SPLITS = [
  { folder: 'training', images: 'train-images-idx3-ubyte', labels: 'train-labels-idx1-ubyte' },
  { folder: 'testing', images: 't10k-images-idx3-ubyte', labels: 't10k-labels-idx1-ubyte' },
] as const;

/** The file for `base` in `rawDir`: `base`, `base.gz`, or the `train-images.idx3-ubyte` spelling. */
export function findIdxFile(rawDir: string, base: string): string {
  const dotted = base.replace(/-(idx\d)-/, '.$1-');
  for (const name of [base, `${base}.gz`, dotted, `${dotted}.gz`]) {
    const p = join(rawDir, name);
    if (existsSync(p)) return p;
  }
  throw new UserError(`${rawDir} has no ${base} (nor ${base}.gz): --raw_dir must hold the four MNIST-format files`);
}

export interface MnistToPngOptions {
  readonly rawDir: string;
  readonly outDir: string;
  readonly overwrite?: boolean;
  /** Called after each image written, with the total over both splits. */
  readonly onProgress?: (done: number, total: number) => void;
}

export async function mnistToPng(o: MnistToPngOptions): Promise<{ training: number; testing: number }> {
  if (!existsSync(o.rawDir)) throw new UserError(`the folder ${o.rawDir} does not exist (check --raw_dir)`);
  const paths = MNIST_SPLITS.map((s) => ({ ...s, imagesPath: findIdxFile(o.rawDir, s.images), labelsPath: findIdxFile(o.rawDir, s.labels) }));
  await checkOutputFolder(o.outDir, o.overwrite ?? false);
  // Read and check everything before writing anything.
  const splits: Array<{ folder: string; images: IdxImages; labels: IdxLabels }> = [];
  for (const p of paths) {
    const images = await readIdxImages(p.imagesPath);
    const labels = await readIdxLabels(p.labelsPath);
    if (images.count !== labels.count) {
      throw new UserError(`${p.imagesPath} holds ${images.count} images but ${p.labelsPath} holds ${labels.count} labels`);
    }
    splits.push({ folder: p.folder, images, labels });
  }
  const total = splits.reduce((a, s) => a + s.images.count, 0);
  let done = 0;
  await writeFolderAtomically(o.outDir, o.overwrite ?? false, async (tmp) => {
    for (const s of splits) {
      const dir = join(tmp, s.folder);
      await mkdir(dir);
      const { rows, cols, pixels } = s.images;
      const per = rows * cols;
      await runPool(s.images.count, 16, async (i) => {
        const png = encodePng(pixels.subarray(i * per, (i + 1) * per), cols, rows, 1);
        await writeFile(join(dir, `${i}_${s.labels.labels[i]}.png`), png);
        done++;
        o.onProgress?.(done, total);
      });
    }
  });
  return { training: splits[0].images.count, testing: splits[1].images.count };
}
