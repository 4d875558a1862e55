/**
 * Writing a whole output folder so that an interrupted run is never mistaken for a dataset:
 * everything is written into a hidden sibling folder, which is renamed onto the target only
 * once complete. An existing non-empty target is refused unless `overwrite` (then it is
 * replaced only after the new folder is complete).
 *
 * Owns: the temporary-folder-then-rename dance. Knows nothing of what is written.
 */
import { mkdir, readdir, rename, rm, stat } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { UserError } from '../util/errors.js';

/** Throws a UserError (before any work) if `outDir` cannot be written as a fresh folder. */
export async function checkOutputFolder(outDir: string, overwrite: boolean, flag = '--out_dir'): Promise<void> {
  let info;
  try {
    info = await stat(outDir);
  } catch {
    return;
  }
  if (!info.isDirectory()) throw new UserError(`${flag} ${outDir} exists and is not a folder`);
  if (!overwrite && (await readdir(outDir)).length > 0) {
    throw new UserError(`${flag} ${outDir} already exists and is not empty (remove it or pass --overwrite)`);
  }
}

export async function writeFolderAtomically(
  outDir: string, overwrite: boolean, fill: (tmpDir: string) => Promise<void>, flag = '--out_dir',
): Promise<void> {
  await checkOutputFolder(outDir, overwrite, flag);
  const target = resolve(outDir);
  const parent = dirname(target);
  await mkdir(parent, { recursive: true });
  const tmp = join(parent, `.${basename(target)}.partial-${process.pid}-${Date.now()}`);
  await mkdir(tmp);
  // On an interruption the partial folder stays behind, hidden and named `.partial`, so it is
  // never taken for the dataset; on the next run the target is still absent.
  try {
    await fill(tmp);
    let old: string | null = null;
    try {
      await stat(target);
      old = join(parent, `.${basename(target)}.old-${process.pid}-${Date.now()}`);
      await rename(target, old);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    }
    await rename(tmp, target);
    if (old !== null) await rm(old, { recursive: true, force: true });
  } catch (err) {
    await rm(tmp, { recursive: true, force: true });
    throw err;
  }
}
