import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { demoConfig, demoReport, runDemo } from '../../src/train/demo.js';
import { runTraining } from '../../src/train/run.js';
import { readCheckpoint } from '../../src/train/checkpoint.js';

test('demo: trains on squares kept beside the run and says where everything is', async () => {
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
    // The data stay beside the run, so args.txt names a folder that exists, under train's flags.
    const args = JSON.parse(readFileSync(join(r.summary.folder, 'args.txt'), 'utf8')) as Record<string, unknown>;
    assert.equal(args.data_path, join(dir, 'outputs', 'demo', 'black_S-5_O-1_S-1_32'));
    assert.equal(readdirSync(args.data_path as string).filter((f) => f.endsWith('.png')).length, 625);
    for (const k of ['grid_scaling', 'plot_every', 'recorded_args']) assert.ok(!(k in args), `${k} is not a train flag`);
    // A second demo reuses the data, says it replaces the first run, and can be extended by train.
    const lines: string[] = [];
    await runDemo({ nIterations: 2, outputsDir: join(dir, 'outputs'), log: (l) => lines.push(l), tty: false });
    assert.ok(lines.some((l) => l.startsWith('demo: replacing the earlier demo run in ')), lines.join('\n'));
    const extended = await runTraining({ ...demoConfig(args.data_path as string, { outputsDir: join(dir, 'outputs'), nIterations: 3 }), resumeLastCkpt: true, overwrite: false }, { log: () => {}, tty: false });
    assert.equal(readCheckpoint<{ iteration: number }>(join(extended.folder, 'models', 'last.safetensors')).meta.iteration, 3);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
