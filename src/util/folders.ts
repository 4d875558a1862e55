/**
 * Output folders named by flags: refuse, before anything is written, a path that runs through
 * a file (mkdir would fail half-way with ENOTDIR or EEXIST after the run had started).
 *
 * Owns: that check. Knows nothing of runs or checkpoints.
 */
import { statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { UserError } from './errors.js';

/** Throws a UserError naming `flag` when `path`, or a folder above it, exists as something
 *  other than a folder. */
export function checkFolderPath(path: string, flag: string): void {
  for (let p = resolve(path); ; p = dirname(p)) {
    let isDir: boolean | null = null;
    try { isDir = statSync(p).isDirectory(); } catch { /* not there yet: mkdir makes it */ }
    if (isDir === false) throw new UserError(`${flag}: ${p} is a file, not a folder; give a folder to write the run into`);
    if (isDir === true || dirname(p) === p) return;
  }
}
