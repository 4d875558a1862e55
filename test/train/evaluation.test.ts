// An evaluation of a diverged generator stops the run with one clear sentence instead of
// handing NaN images to the distances.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runEvaluation } from '../../src/train/evaluation.js';
import type { Trainer } from '../../src/train/trainer.js';
import { Rng } from '../../src/engine/random.js';
import { UserError } from '../../src/util/errors.js';

test('an evaluation refuses generated images holding NaN, naming the iteration, before any metric runs', async () => {
  const images = new Float32Array(2 * 4).fill(0.5);
  images[5] = NaN;
  let evaluated = 0;
  const fake = {
    completed: 17,
    imageShape: [1, 2, 2] as [number, number, number],
    evalCodes: new Float32Array(2),
    fixedCodes: new Float32Array(2),
    config: { zDim: 1 },
    evaluationRng: () => new Rng(0),
    generate: () => images,
  } as unknown as Trainer;
  const metric = { text: 'MiniBatchLoss-dist=w1', evaluate: () => { evaluated++; return 0; } };
  await assert.rejects(runEvaluation(fake, [metric], new Float32Array(8), '/nonexistent', 'scale-each'),
    (e: unknown) => e instanceof UserError && /NaN or infinite values at iteration 17: the run has diverged/.test(e.message));
  assert.equal(evaluated, 0);
});
