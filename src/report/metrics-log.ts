/**
 * `metrics.jsonl` (SPEC §8): one JSON object per line, each with `iteration` (completed
 * iterations) and `time` (seconds since the run started), then the logged values.
 *
 * Owns: appending lines, reading them back, truncating a log to a resumed checkpoint's
 * iteration, and the window of training scalars whose means are written every `log_every`
 * iterations (its state is plain JSON so a checkpoint can carry it). Knows nothing of what the
 * scalars mean.
 */
import { appendFileSync, existsSync, readFileSync, writeFileSync, renameSync } from 'node:fs';

export interface MetricsRecord {
  iteration: number;
  time: number;
  [key: string]: number;
}

/** Keys every line carries; everything else is a logged value. */
export const RESERVED_KEYS: ReadonlySet<string> = new Set(['iteration', 'time']);

export class MetricsLog {
  constructor(readonly path: string) {}

  /** Append one line. Non-finite values are written as null (JSON has no NaN). */
  append(record: MetricsRecord): void {
    if (!Number.isInteger(record?.iteration) || record.iteration < 0) throw new RangeError(`MetricsLog.append: a record needs a non-negative integer iteration, got ${record?.iteration}`);
    appendFileSync(this.path, JSON.stringify(record) + '\n');
  }

  /** Every line so far (an absent file reads as none). */
  read(): MetricsRecord[] {
    return readMetrics(this.path);
  }

  /** Drop every line past `iteration` (a resumed run rewrites what came after its checkpoint). */
  truncateAfter(iteration: number): void {
    if (!existsSync(this.path)) return;
    const kept = this.read().filter((r) => r.iteration <= iteration);
    const tmp = `${this.path}.tmp`;
    writeFileSync(tmp, kept.map((r) => JSON.stringify(r) + '\n').join(''));
    renameSync(tmp, this.path);
  }
}

export function readMetrics(path: string): MetricsRecord[] {
  if (!existsSync(path)) return [];
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as MetricsRecord);
}

export interface ScalarWindowState {
  keys: string[];
  sums: number[];
  counts: number[];
}

/** Accumulates scalars between two training lines; `means()` gives each key's window mean
 *  (keys in order of first appearance, keys with no value in the window left out). */
export class ScalarWindow {
  private sums = new Map<string, { sum: number; count: number }>();

  add(scalars: Readonly<Record<string, number>>): void {
    for (const [k, v] of Object.entries(scalars)) {
      const e = this.sums.get(k);
      if (e) {
        e.sum += v;
        e.count += 1;
      } else {
        this.sums.set(k, { sum: v, count: 1 });
      }
    }
  }

  get empty(): boolean {
    return this.sums.size === 0;
  }

  means(): Record<string, number> {
    const out: Record<string, number> = {};
    for (const [k, e] of this.sums) out[k] = e.sum / e.count;
    return out;
  }

  reset(): void {
    this.sums.clear();
  }

  getState(): ScalarWindowState {
    const keys = [...this.sums.keys()];
    return { keys, sums: keys.map((k) => this.sums.get(k)!.sum), counts: keys.map((k) => this.sums.get(k)!.count) };
  }

  setState(state: ScalarWindowState): void {
    this.sums.clear();
    state.keys.forEach((k, i) => this.sums.set(k, { sum: state.sums[i], count: state.counts[i] }));
  }
}
