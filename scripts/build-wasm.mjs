// Build the AssemblyScript kernels (src/engine/kernels/wasm/assembly) into build/:
// kernels-relaxed.wasm (relaxed SIMD fused multiply-add) and kernels-simd.wasm (plain SIMD).
// Both import one shared memory (env.memory) so worker threads can run them on the same data.
// Uses the npm `assemblyscript` compiler only; no system toolchain.
import { spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const asc = join(root, 'node_modules/assemblyscript/bin/asc.js');
const entry = 'src/engine/kernels/wasm/assembly/index.ts';
mkdirSync(join(root, 'build'), { recursive: true });

const common = [
  entry, '-O3', '--noAssert', '--runtime', 'stub', '--use', 'abort=',
  '--importMemory', '--sharedMemory', '--initialMemory', '1', '--maximumMemory', '65536',
  '--enable', 'simd', '--enable', 'threads',
];
const variants = [
  ['kernels-relaxed.wasm', ['--enable', 'relaxed-simd']],
  ['kernels-simd.wasm', []],
];
for (const [file, extra] of variants) {
  const r = spawnSync(process.execPath, [asc, ...common, ...extra, '--outFile', join('build', file)],
    { cwd: root, stdio: 'inherit' });
  if (r.status !== 0) {
    console.error(`build-wasm: compiling ${file} failed`);
    process.exit(r.status ?? 1);
  }
}
