/**
 * Output folders named by flags: refuse, before anything is written, a path that runs through
 * a file (mkdir would fail half-way with ENOTDIR or EEXIST after the run had started), or one
 * where no folder can be made (read-only, /sys, /proc): one sentence naming the flag, not a
 * stack trace after the run has started.
 *
 * Owns: those checks. Knows nothing of runs or checkpoints.
 */
import { mkdtempSync, rmdirSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { UserError } from './errors.js';

/** Throws a UserError naming `flag` when `path`, or a folder above it, exists as something
 *  other than a folder; returns the deepest folder of `path` that exists (where mkdir starts). */
export function checkFolderPath(path: string, flag: string): string {
  for (let p = resolve(path); ; p = dirname(p)) {
    let isDir: boolean | null = null;
    try { isDir = statSync(p).isDirectory(); } catch { /* not there yet: mkdir makes it */ }
    if (isDir === false) throw new UserError(`${flag}: ${p} is a file, not a folder; give a folder to write the run into`);
    if (isDir === true || dirname(p) === p) return p;
  }
}

/**
 * checkFolderPath, then check that folders can be created where `path` starts to be missing
 * (or files inside `path` when it exists) by making and removing an empty probe folder there;
 * a UserError naming `flag` otherwise. Nothing is left behind, so a refused run writes nothing;
 * and a path under /proc, where Node 20's recursive mkdir spins forever, is refused first.
 */
export function checkFolderWritable(path: string, flag: string): void {
  const p = checkFolderPath(path, flag);
  try { rmdirSync(mkdtempSync(join(p, '.write-check-'))); } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new UserError(`${flag}: cannot create folders in ${p}${code ? ` (${code})` : ''}; give a folder this user can write to`);
  }
}
