// Build: the AssemblyScript kernels to build/, then TypeScript to dist/.
// Runs from `npm install` (prepare) and `npm test`; needs nothing outside node_modules.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
function run(cmd, args) {
  const r = spawnSync(process.execPath, [join(root, cmd), ...args], { cwd: root, stdio: 'inherit' });
  if (r.status !== 0) process.exit(r.status ?? 1);
}
// The kernels first: a type error elsewhere must not silently leave the product on the slow
// TypeScript backend.
const asmDir = join(root, 'src/engine/kernels/wasm/assembly');
const asmBuild = join(root, 'scripts/build-wasm.mjs');
if (existsSync(asmDir) && existsSync(asmBuild) && readdirSync(asmDir).some((f) => f.endsWith('.ts'))) {
  run('scripts/build-wasm.mjs', []);
}
run('node_modules/typescript/bin/tsc', ['-p', 'tsconfig.json']);
