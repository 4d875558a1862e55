/**
 * Plots of `metrics.jsonl` (SPEC §8): one PNG per logged key in `plots/`.
 *
 * Owns: turning the records into per-key series (training keys: the raw window means, their
 * mean per 100-iteration window with a ±std/2 band; evaluation keys: one point per
 * evaluation), the Vega-Lite specification of each chart, and its rendering: Vega-Lite →
 * Vega → SVG (headless view) → PNG rasterised by sharp (librsvg, system fonts through
 * fontconfig). Knows nothing of training; it only reads records.
 */
import { mkdirSync, writeFileSync, renameSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import * as vega from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';
import { RESERVED_KEYS, type MetricsRecord } from './metrics-log.js';

export interface Series {
  key: string;
  /** Every logged (iteration, value), in file order. */
  points: Array<{ iteration: number; value: number }>;
}

export interface WindowStat {
  iteration: number; // window centre
  mean: number;
  lo: number;
  hi: number;
}

/** Group records into one series per logged key (keys in order of first appearance). */
export function seriesOf(records: readonly MetricsRecord[]): Series[] {
  const byKey = new Map<string, Series>();
  for (const r of records) {
    for (const [k, v] of Object.entries(r)) {
      if (RESERVED_KEYS.has(k) || typeof v !== 'number' || !Number.isFinite(v)) continue;
      let s = byKey.get(k);
      if (!s) byKey.set(k, (s = { key: k, points: [] }));
      s.points.push({ iteration: r.iteration, value: v });
    }
  }
  return [...byKey.values()];
}

/** Mean and ±std/2 band of a series per window of `width` iterations (windows [0,w), [w,2w), …;
 *  an iteration i falls in window floor((i − 1) / w) so that the line at iteration w closes the first). */
export function windowStats(points: ReadonlyArray<{ iteration: number; value: number }>, width = 100): WindowStat[] {
  const groups = new Map<number, number[]>();
  for (const p of points) {
    const w = Math.max(0, Math.floor((p.iteration - 1) / width));
    let g = groups.get(w);
    if (!g) groups.set(w, (g = []));
    g.push(p.value);
  }
  const out: WindowStat[] = [];
  for (const [w, values] of [...groups.entries()].sort((a, b) => a[0] - b[0])) {
    const mean = values.reduce((a, b) => a + b, 0) / values.length;
    const variance = values.reduce((a, b) => a + (b - mean) * (b - mean), 0) / values.length;
    const half = Math.sqrt(variance) / 2;
    out.push({ iteration: w * width + width / 2, mean, lo: mean - half, hi: mean + half });
  }
  return out;
}

export function isEvaluationKey(key: string): boolean {
  return key.endsWith('_fixed_noise_gen_to_train');
}

function formatValue(v: number): string {
  return Math.abs(v) >= 1e4 || (Math.abs(v) < 1e-3 && v !== 0) ? v.toExponential(3) : String(Number(v.toPrecision(5)));
}

/** Raw points drawn per chart at most (longer series are thinned evenly, keeping the last). */
export const MAX_RAW_POINTS = 2000;

function thin<T>(points: readonly T[], max: number): T[] {
  if (points.length <= max) return [...points];
  const stride = Math.ceil(points.length / max);
  const out = points.filter((_, i) => i % stride === 0);
  if (out[out.length - 1] !== points[points.length - 1]) out.push(points[points.length - 1]);
  return out;
}

/** The Vega-Lite chart of one series. */
export function chartSpec(series: Series, windowWidth = 100): TopLevelSpec {
  const last = series.points[series.points.length - 1];
  const title = `${series.key} (last ${formatValue(last.value)} at ${last.iteration})`;
  const x = { field: 'iteration', type: 'quantitative' as const, title: 'iteration' };
  const base = { width: 480, height: 260, background: 'white', title: { text: title, fontSize: 13 } };
  if (isEvaluationKey(series.key)) {
    return {
      ...base,
      data: { values: series.points },
      mark: { type: 'line', point: { filled: true, size: 50, color: '#d62728' }, color: '#d62728' },
      encoding: { x, y: { field: 'value', type: 'quantitative', title: 'value at evaluation', scale: { zero: false } } },
    } as TopLevelSpec;
  }
  const stats = windowStats(series.points, windowWidth);
  const raw = {
    data: { values: thin(series.points, MAX_RAW_POINTS) },
    // Points too when there are few (a single value draws no line).
    mark: { type: 'line', color: stats.length < 2 ? '#1f77b4' : '#9ecae1', strokeWidth: stats.length < 2 ? 2 : 1, point: series.points.length <= 20 },
    encoding: { x, y: { field: 'value', type: 'quantitative', title: series.key, scale: { zero: false } } },
  };
  // A run shorter than two windows has no trend to average: its values alone (a lone window
  // mean was drawn as a dot at the window's centre, past the data of a 20-iteration run).
  if (stats.length < 2) return { ...base, layer: [raw] } as TopLevelSpec;
  return {
    ...base,
    title: { ...base.title, subtitle: `light: logged values; dark: mean per ${windowWidth} iterations, band ±std/2`, subtitleFontSize: 10 },
    layer: [
      raw,
      {
        data: { values: stats },
        mark: { type: 'area', color: '#1f77b4', opacity: 0.25 },
        encoding: { x, y: { field: 'lo', type: 'quantitative' }, y2: { field: 'hi' } },
      },
      {
        data: { values: stats },
        mark: { type: 'line', color: '#1f77b4', strokeWidth: 2 },
        encoding: { x, y: { field: 'mean', type: 'quantitative' } },
      },
    ],
  } as TopLevelSpec;
}

/** Render a Vega-Lite chart to SVG text. */
export async function renderSvg(spec: TopLevelSpec): Promise<string> {
  const view = new vega.View(vega.parse(compile(spec).spec), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

export async function svgToPng(svg: string): Promise<Buffer> {
  return sharp(Buffer.from(svg), { density: 96 }).flatten({ background: '#ffffff' }).png().toBuffer();
}

/** A file name for a key: characters other than letters, digits, `_ . = -` become `_`. */
export function plotFileName(key: string): string {
  return key.replace(/[^A-Za-z0-9_.=-]/g, '_') + '.png';
}

/** Write `plots/<key>.png` for every key of `records`; returns the written paths. */
export async function writePlots(dir: string, records: readonly MetricsRecord[]): Promise<string[]> {
  mkdirSync(dir, { recursive: true });
  const written: string[] = [];
  for (const s of seriesOf(records)) {
    if (s.points.length === 0) continue;
    const png = await svgToPng(await renderSvg(chartSpec(s)));
    const path = join(dir, plotFileName(s.key));
    writeFileSync(`${path}.tmp`, png);
    renameSync(`${path}.tmp`, path);
    written.push(path);
  }
  return written;
}
