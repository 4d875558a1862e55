// Output folders written whole or not at all: a run stopped by a signal removes its hidden
// partial folder before exiting; one killed outright leaves it, and the next run into the same
// parent removes it. Also the refusal of a parent where no folder can be made.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeFolderAtomically } from '../../src/data/atomic-folder.js';
import { UserError } from '../../src/util/errors.js';

const atomicModule = fileURLToPath(new URL('../../src/data/atomic-folder.js', import.meta.url));

test('a run stopped by SIGINT or SIGTERM removes its partial folder and exits 128 + the signal', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'dg-atomic-'));
  try {
    for (const [signal, code] of [['SIGINT', 130], ['SIGTERM', 143]] as const) {
      // The child writes one file into the partial folder, says so, and waits to be stopped.
      const child = spawn(process.execPath, ['--input-type=module', '-e', `
        import { writeFolderAtomically } from ${JSON.stringify(atomicModule)};
        import { writeFileSync } from 'node:fs';
        await writeFolderAtomically(${JSON.stringify(join(dir, 'out'))}, false, async (tmp) => {
          writeFileSync(tmp + '/0.png', 'x');
          process.stdout.write('filling\\n');
          await new Promise(() => setInterval(() => {}, 1000));
        });`], { stdio: ['ignore', 'pipe', 'inherit'] });
      const exit = new Promise<number | null>((resolve) => child.once('exit', (c) => resolve(c)));
      const filling = await Promise.race([new Promise<boolean>((resolve) => child.stdout.once('data', () => resolve(true))), exit.then(() => false)]);
      assert.ok(filling, 'the child ended before filling its folder');
      assert.equal(readdirSync(dir).filter((f) => f.startsWith('.out.partial-')).length, 1);
      child.kill(signal);
      assert.equal(await exit, code, signal);
      assert.deepEqual(readdirSync(dir), [], `${signal}: nothing left behind`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('partial folders of runs that no longer exist are removed by the next run; a live one is kept', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'dg-atomic-'));
  try {
    // A pid above the kernel's pid_max (4194304 at most) belongs to no process.
    const dead = join(dir, '.out.partial-99999999-1'), live = join(dir, `.out.partial-${process.pid}-2`), other = join(dir, '.other.partial-99999999-3');
    for (const d of [dead, live, other]) { mkdirSync(d); writeFileSync(join(d, '0.png'), 'x'); }
    await writeFolderAtomically(join(dir, 'out'), false, async (tmp) => { writeFileSync(join(tmp, 'a.png'), 'y'); });
    assert.ok(!existsSync(dead), 'the dead run\'s partial folder is removed');
    assert.ok(existsSync(live), 'a live process\'s partial folder is kept');
    assert.ok(existsSync(other), 'another target\'s partial folder is left alone');
    assert.deepEqual(readdirSync(join(dir, 'out')), ['a.png']);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a parent where no folder can be made is refused in one sentence naming the flag', { skip: !existsSync('/proc/self') }, async () => {
  await assert.rejects(writeFolderAtomically('/proc/discrete-gans-test/out', false, async () => { throw new Error('never filled'); }),
    (e: unknown) => e instanceof UserError && e.message === '--out_dir: cannot create folders in /proc (ENOENT); give a folder this user can write to');
});
