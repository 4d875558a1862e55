/**
 * An evaluation (SPEC §5): with the EMA weights swapped in and the generator in evaluation
 * mode, generate the evaluation images (a const prior's M images, else min(dataset size,
 * --max_eval_images)), compute each full-batch metric between them and the whole dataset
 * (logged as `<metric>_fixed_noise_gen_to_train`), and save the grid of G on the fixed codes as
 * `images/<iteration>.png`.
 *
 * Owns: that sequence and the metric interface it needs. Knows nothing of checkpoints.
 */
import { join } from 'node:path';
import type { Rng } from '../engine/random.js';
import { saveImageGrid, type GridScaling } from '../report/grid.js';
import type { Trainer } from './trainer.js';
import { UserError } from '../util/errors.js';

/** A distance between two sets of flattened images (x: n×d generated, y: m×d data). */
export interface FullBatchMetric {
  readonly text: string;
  evaluate(x: Float32Array, y: Float32Array, shape: readonly [number, number, number], rng: Rng): number | Promise<number>;
}

export const EVALUATION_SUFFIX = '_fixed_noise_gen_to_train';

export interface EvaluationResult {
  readonly values: Record<string, number>;
  readonly seconds: number;
}

export async function runEvaluation(t: Trainer, metrics: readonly FullBatchMetric[], realAll: Float32Array, imagesDir: string, scaling: GridScaling): Promise<EvaluationResult> {
  const start = performance.now();
  const rng = t.evaluationRng();
  const values: Record<string, number> = {};
  if (metrics.length > 0) {
    const generated = t.generate(t.evalCodes);
    for (let k = 0; k < generated.length; k++) {
      if (!Number.isFinite(generated[k])) {
        throw new UserError(`the generator's images hold NaN or infinite values at iteration ${t.completed}: the run has diverged (its last checkpoint is from the evaluation before; try lower learning rates)`);
      }
    }
    for (const m of metrics) values[`${m.text}${EVALUATION_SUFFIX}`] = await m.evaluate(generated, realAll, t.imageShape, rng);
  }
  const grid = t.generate(t.fixedCodes);
  const [c, h, w] = t.imageShape;
  await saveImageGrid(join(imagesDir, `${t.completed}.png`), grid, [t.fixedCodes.length / t.config.zDim, c, h, w], { scaling });
  return { values, seconds: (performance.now() - start) / 1000 };
}
