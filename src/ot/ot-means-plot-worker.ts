/**
 * A worker thread that renders the `ot-means` command's Losses plot with src/report/plots.ts.
 * Loading Vega and Vega-Lite takes about as long as the whole squares run's arithmetic, so the
 * command starts this worker first: the libraries load on the other core while the centroids
 * are computed, and the finished chart is rendered here at the end.
 *
 * Protocol: the parent posts { path, spec } (a Vega-Lite specification); the worker writes the
 * PNG whole (temporary name, then rename) and answers { ok: true } or { ok: false, error }.
 * Owns: nothing but that hand-off. Knows nothing of OT-means.
 */
import { parentPort } from 'node:worker_threads';
import { renameSync, writeFileSync } from 'node:fs';
import { renderSvg, svgToPng } from '../report/plots.js';

parentPort?.on('message', (msg: { path: string; spec: Parameters<typeof renderSvg>[0] }) => {
  (async () => {
    const png = await svgToPng(await renderSvg(msg.spec));
    writeFileSync(`${msg.path}.tmp`, png);
    renameSync(`${msg.path}.tmp`, msg.path);
  })().then(
    () => parentPort?.postMessage({ ok: true }),
    (err: unknown) => parentPort?.postMessage({ ok: false, error: err instanceof Error ? err.message : String(err) }),
  );
});
