/**
 * Writing a whole output folder so that an interrupted run is never mistaken for a dataset:
 * everything is written into a hidden sibling folder, which is renamed onto the target only
 * once complete. An existing non-empty target is refused unless `overwrite` (then it is
 * replaced only after the new folder is complete).
 *
 * Owns: the temporary-folder-then-rename dance. Knows nothing of what is written.
 */
import { rmSync } from 'node:fs';
import { mkdir, readdir, rename, rm, stat } from 'node:fs/promises';
import { constants as osConstants } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { UserError } from '../util/errors.js';
import { checkFolderWritable } from '../util/folders.js';

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
  checkFolderWritable(parent, flag);
  await mkdir(parent, { recursive: true });
  await removeStalePartials(parent, basename(target));
  const tmp = join(parent, `.${basename(target)}.partial-${process.pid}-${Date.now()}`);
  await mkdir(tmp);
  // Interrupted by a signal (Ctrl-C, timeout), the partial folder is removed before exiting;
  // killed outright, it stays behind hidden and named `.partial` (never taken for the dataset,
  // the target is still absent) until the next run into the same output folder removes it.
  const onSignal = (signal: NodeJS.Signals): void => {
    rmSync(tmp, { recursive: true, force: true });
    process.exit(128 + (osConstants.signals[signal] ?? 1));
  };
  const signals: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];
  for (const sig of signals) process.once(sig, onSignal);
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
  } finally {
    for (const sig of signals) process.removeListener(sig, onSignal);
  }
}

/** Removes the `.NAME.partial-<pid>-<time>` folders left in `parent` by runs that were killed
 *  (their process no longer exists). */
async function removeStalePartials(parent: string, name: string): Promise<void> {
  const prefix = `.${name}.partial-`;
  for (const entry of await readdir(parent)) {
    if (!entry.startsWith(prefix)) continue;
    const pid = Number(entry.slice(prefix.length).split('-')[0]);
    if (!Number.isInteger(pid) || pid <= 0 || pid === process.pid || isAlive(pid)) continue;
    await rm(join(parent, entry), { recursive: true, force: true });
  }
}

function isAlive(pid: number): boolean {
  try { process.kill(pid, 0); return true; } catch (e) { return (e as NodeJS.ErrnoException).code === 'EPERM'; }
}
