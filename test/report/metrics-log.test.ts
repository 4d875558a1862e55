import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MetricsLog, ScalarWindow, readMetrics, type MetricsRecord } from '../../src/report/metrics-log.js';
import { chartSpec, seriesOf, windowStats, plotFileName, writePlots } from '../../src/report/plots.js';

test('metrics.jsonl: one JSON object per line, iteration and time first, truncation for resume', () => {
  const dir = mkdtempSync(join(tmpdir(), 'dg-log-'));
  try {
    const log = new MetricsLog(join(dir, 'metrics.jsonl'));
    log.append({ iteration: 0, time: 0.5, 'MiniBatchLoss-dist=w1_fixed_noise_gen_to_train': 3 });
    log.append({ iteration: 8, time: 1, W1: 2, Gloss: -1 });
    log.append({ iteration: 16, time: 2, W1: 1 });
    const lines = readFileSync(log.path, 'utf8').split('\n');
    assert.equal(lines.length, 4);
    assert.equal(lines[3], '');
    assert.equal(lines[1], '{"iteration":8,"time":1,"W1":2,"Gloss":-1}');
    log.truncateAfter(8);
    assert.deepEqual(log.read().map((r) => r.iteration), [0, 8]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('scalar window: means per key over the values it saw, state round trip', () => {
  const w = new ScalarWindow();
  w.add({ W1: 1, gradient_norm: 2 });
  w.add({ Gloss: 5 });
  w.add({ W1: 3, gradient_norm: 4 });
  const copy = new ScalarWindow();
  copy.setState(JSON.parse(JSON.stringify(w.getState())));
  assert.deepEqual(w.means(), { W1: 2, gradient_norm: 3, Gloss: 5 });
  assert.deepEqual(copy.means(), w.means());
  w.reset();
  assert.ok(w.empty);
});

test('plot series: windows of 100 iterations with a std/2 band', () => {
  const recs: MetricsRecord[] = [
    { iteration: 50, time: 0, W1: 1 },
    { iteration: 100, time: 0, W1: 3 },
    { iteration: 150, time: 0, W1: 10 },
    { iteration: 100, time: 0, 'x_fixed_noise_gen_to_train': 7 },
  ];
  const s = seriesOf(recs);
  assert.deepEqual(s.map((x) => x.key), ['W1', 'x_fixed_noise_gen_to_train']);
  const st = windowStats(s[0].points, 100);
  // window [1,100]: values 1, 3 → mean 2, std 1 → band ±0.5; window [101,200]: 10, std 0.
  assert.deepEqual(st, [{ iteration: 50, mean: 2, lo: 1.5, hi: 2.5 }, { iteration: 150, mean: 10, lo: 10, hi: 10 }]);
  assert.equal(plotFileName('normalized W1'), 'normalized_W1.png');
});

test('chart of a training key: runs shorter than two windows draw their values alone, longer ones add the window means with a legend', () => {
  type Layered = { layer: Array<{ mark: { point?: boolean } }>; title: { subtitle?: string } };
  const short = chartSpec({ key: 'Dloss', points: [{ iteration: 10, value: 1 }, { iteration: 20, value: 2 }] }) as unknown as Layered;
  assert.equal(short.layer.length, 1, 'no lone window-mean dot beyond the data');
  assert.equal(short.layer[0].mark.point, true);
  assert.equal(short.title.subtitle, undefined);
  const points = Array.from({ length: 30 }, (_, i) => ({ iteration: 10 * (i + 1), value: Math.sin(i) }));
  const long = chartSpec({ key: 'Dloss', points }) as unknown as Layered;
  assert.equal(long.layer.length, 3);
  assert.equal(long.title.subtitle, 'light: logged values; dark: mean per 100 iterations, band ±std/2');
});

test('MetricsLog refuses a record without a non-negative integer iteration (it plotted as "at undefined")', () => {
  const dir = mkdtempSync(join(tmpdir(), 'dg-log-'));
  try {
    const log = new MetricsLog(join(dir, 'metrics.jsonl'));
    assert.throws(() => log.append({ time: 0, foo: 1 } as unknown as MetricsRecord), /^RangeError: MetricsLog.append: a record needs a non-negative integer iteration, got undefined$/);
    assert.throws(() => log.append({ iteration: 1.5, time: 0 }), /got 1.5/);
    log.append({ iteration: 0, time: 0, foo: 1 });
    assert.deepEqual(readMetrics(join(dir, 'metrics.jsonl')).map((r) => r.iteration), [0]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('writePlots renders one PNG per key', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'dg-plots-'));
  try {
    const recs: MetricsRecord[] = [{ iteration: 8, time: 0, W1: 1 }, { iteration: 16, time: 0, W1: 2 }, { iteration: 16, time: 0, 'a_fixed_noise_gen_to_train': 1 }];
    const paths = await writePlots(dir, recs);
    assert.equal(paths.length, 2);
    const png = readFileSync(paths[0]);
    assert.deepEqual([...png.subarray(1, 4)], [0x50, 0x4e, 0x47]); // "PNG"
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
