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

test('a few small products leave the workers unstarted; enough of them start the workers', () => {
  // 64×64×4096 is 2^24 multiply-adds: above the parallel threshold, far below the cold start's
  // 2^29. 31 of them stay on the main thread; the 32nd reaches 2^29 and starts the pool.
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', `import { wasmKernels } from ${JSON.stringify(wasmIndex)};
    const k = wasmKernels(); k.setThreads(2, true);
    const a = k.alloc('float32', 64 * 4096), c = k.alloc('float32', 64 * 64);
    const runs = [];
    for (let i = 0; i < 33; i++) { k.gemm(false, true, 64, 64, 4096, a, a, c, false); runs.push(k.poolStats().parallel); }
    console.log(JSON.stringify(runs));`], { encoding: 'utf8', timeout: 60000 });
  assert.equal(r.status, 0, r.stderr);
  const runs = JSON.parse(r.stdout) as number[];
  assert.deepEqual(runs.slice(0, 31), new Array(31).fill(0));
  assert.ok(runs[32] > 0, `the pool never ran a product: ${r.stdout}`);
});
