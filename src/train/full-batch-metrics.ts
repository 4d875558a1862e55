/**
 * `--full_batch_metrics`: the metric strings of SPEC §6 (parsed by src/ot/metrics.ts) as the
 * evaluation's FullBatchMetric objects, with errors naming the flag.
 *
 * Owns: that adaptation (image sets as flat NCHW arrays plus the image shape). Knows nothing
 * of how the distances are computed.
 */
import { parseMetric } from '../ot/metrics.js';
import { SpecError } from '../util/named-spec.js';
import { UserError } from '../util/errors.js';
import type { FullBatchMetric } from './evaluation.js';

/** The metric named by `text`; `log` receives its warnings (an unconverged Sinkhorn). */
export function resolveFullBatchMetric(text: string, log: (line: string) => void = () => {}): FullBatchMetric {
  let metric;
  try {
    metric = parseMetric(text);
  } catch (err) {
    if (err instanceof SpecError) throw new UserError(`--full_batch_metrics: ${err.message}`);
    throw err;
  }
  return {
    text,
    evaluate(x, y, shape, rng) {
      const [c, h, w] = shape;
      const d = c * h * w;
      return metric.evaluate(x, y, { n: x.length / d, m: y.length / d, c, h, w }, rng, (message) => log(`warning: ${message}`));
    },
  };
}

export function resolveFullBatchMetrics(texts: readonly string[], log: (line: string) => void): FullBatchMetric[] {
  const seen = new Set<string>();
  return texts.filter((t) => (seen.has(t) ? false : (seen.add(t), true))).map((t) => resolveFullBatchMetric(t, log));
}
