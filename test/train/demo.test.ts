import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { demoReport, runDemo } from '../../src/train/demo.js';

test('demo: trains on squares made in a temporary folder and says where everything is', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'dg-demo-'));
  process.env.DISCRETE_GANS_CACHE = join(dir, 'cache');
  try {
    const r = await runDemo({ nIterations: 2, outputsDir: join(dir, 'outputs'), log: () => {}, tty: false });
    assert.deepEqual(r.summary.evaluations.map((e) => e.iteration), [0, 1, 2]);
    assert.ok(r.firstW1 > 0 && r.lastW1 > 0);
    const report = demoReport(r);
    for (const p of ['images', 'plots', 'metrics.jsonl', 'models/last.safetensors']) {
      assert.ok(report.includes(join(r.summary.folder, p)), p);
      assert.ok(existsSync(join(r.summary.folder, p)), p);
    }
    assert.match(report, /moved from \d+\.\d+ to \d+\.\d+/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
