// The README's code examples that need no data run as written: each ```ts block under a
// heading listed here is taken from README.md, its `from 'discrete-gans'` pointed at this
// build, and run in a fresh process. (The engine example once threw after grad() began to
// refuse unused inputs, as PyTorch does: this test keeps the README true.)
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const readme = readFileSync(fileURLToPath(new URL('../../../README.md', import.meta.url)), 'utf8');
const pkgIndex = fileURLToPath(new URL('../../src/index.js', import.meta.url));

/** The first ```ts block after `heading`. */
function codeAfter(heading: string): string {
  const at = readme.indexOf(heading);
  assert.ok(at >= 0, `README has no heading ${heading}`);
  const m = /```ts\n([\s\S]*?)```/.exec(readme.slice(at));
  assert.ok(m, `no ts block after ${heading}`);
  return m[1];
}

test('the README\'s engine example (WGAN-GP penalty, second-order step) runs as written', () => {
  const code = codeAfter('## Engine API').replace(/from 'discrete-gans'/g, `from ${JSON.stringify(pkgIndex)}`);
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', `${code}\nconsole.log(JSON.stringify({ penalty: penalty.item(), finite: D.parameters().every((p) => Array.from(p.data).every(Number.isFinite)) }));`],
    { encoding: 'utf8', timeout: 120_000 });
  assert.equal(r.status, 0, r.stderr);
  const out = JSON.parse(r.stdout.trim().split('\n').pop()!) as { penalty: number; finite: boolean };
  assert.ok(Number.isFinite(out.penalty) && out.penalty >= 0, r.stdout);
  assert.ok(out.finite, 'the Adam step left finite parameters');
});
