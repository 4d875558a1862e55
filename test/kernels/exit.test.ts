// A process that imports the package (and uses the thread pool) exits at once.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const wasmIndex = fileURLToPath(new URL('../../src/engine/kernels/wasm/index.js', import.meta.url));
const pkgIndex = fileURLToPath(new URL('../../src/index.js', import.meta.url));

function runScript(code: string): { status: number | null; ms: number; stderr: string } {
  const t0 = Date.now();
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', code], { encoding: 'utf8', timeout: 60000 });
  return { status: r.status, ms: Date.now() - t0, stderr: r.stderr };
}

test('importing the package and the wasm backend does not keep the process alive', () => {
  const r = runScript(`import ${JSON.stringify(pkgIndex)}; import ${JSON.stringify(wasmIndex)};`);
  assert.equal(r.status, 0, r.stderr);
  assert.ok(r.ms < 30000, `took ${r.ms} ms`);
});

test('a process whose worker threads ran a product exits at once', () => {
  const r = runScript(`import { wasmKernels } from ${JSON.stringify(wasmIndex)};
    const k = wasmKernels(); k.setThreads(2, false);
    const a = k.alloc('float32', 512 * 512), c = k.alloc('float32', 512 * 512);
    k.gemm(false, false, 512, 512, 512, a, a, c, false);
    await new Promise((r) => setTimeout(r, 200));
    k.gemm(false, false, 512, 512, 512, a, a, c, false);`);
  assert.equal(r.status, 0, r.stderr);
  assert.ok(r.ms < 30000, `took ${r.ms} ms`);
});
