// The plain-SIMD build (no relaxed fused multiply-add) loads when asked for and computes the
// same products; the default build reports which variant it is.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const backend = fileURLToPath(new URL('../../src/engine/kernels/wasm/backend.js', import.meta.url));

test('the plain SIMD variant loads and multiplies correctly', () => {
  const code = `import { wasmKernels } from ${JSON.stringify(backend)};
    const k = wasmKernels();
    const m = 37, n = 29, kk = 300;
    const a = k.alloc('float32', m * kk), b = k.alloc('float32', kk * n), c = k.alloc('float32', m * n);
    for (let i = 0; i < a.length; i++) a[i] = ((i * 7) % 13) / 13 - 0.5;
    for (let i = 0; i < b.length; i++) b[i] = ((i * 5) % 11) / 11 - 0.5;
    k.gemm(false, false, m, n, kk, a, b, c, false);
    let err = 0, s = 0;
    for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) {
      let r = 0; for (let p = 0; p < kk; p++) r += a[i * kk + p] * b[p * n + j];
      err += (c[i * n + j] - r) ** 2; s += r * r;
    }
    console.log(JSON.stringify({ variant: k.variant, rel: Math.sqrt(err / s) }));`;
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', code], {
    encoding: 'utf8', timeout: 60000, env: { ...process.env, DISCRETE_GANS_WASM_SIMD: 'plain' },
  });
  assert.equal(r.status, 0, r.stderr);
  const out = JSON.parse(r.stdout) as { variant: string; rel: number };
  assert.equal(out.variant, 'simd');
  assert.ok(out.rel < 1e-5, `rel err ${out.rel}`);
});

test('without the wasm kernels the TypeScript backend is used and stderr says so once', () => {
  const wasmIndex = fileURLToPath(new URL('../../src/engine/kernels/wasm/index.js', import.meta.url));
  const kernels = fileURLToPath(new URL('../../src/engine/kernels/kernels.js', import.meta.url));
  const code = `import ${JSON.stringify(wasmIndex)}; import ${JSON.stringify(wasmIndex)};
    const { getBackend } = await import(${JSON.stringify(kernels)});
    console.log(getBackend());`;
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', code], {
    encoding: 'utf8', timeout: 60000, env: { ...process.env, DISCRETE_GANS_WASM_SIMD: 'none', DISCRETE_GANS_BACKEND: '' },
  });
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stdout.trim(), 'ts');
  assert.equal(r.stderr.match(/fast kernels unavailable/g)?.length, 1, r.stderr);
});
