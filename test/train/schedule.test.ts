import { test } from 'node:test';
import assert from 'node:assert/strict';
import { evaluationPoints, isCriticStep, isGeneratorStep } from '../../src/train/schedule.js';

test('evaluations at 0, every log_freq completed iterations and at the end', () => {
  assert.deepEqual(evaluationPoints({ dStepEvery: 1, gStepEvery: 1, logFreq: 50, nIterations: 100 }), [0, 50, 100]);
  assert.deepEqual(evaluationPoints({ dStepEvery: 1, gStepEvery: 1, logFreq: 40, nIterations: 100 }), [0, 40, 80, 100]);
  assert.deepEqual(evaluationPoints({ dStepEvery: 1, gStepEvery: 1, logFreq: 1000, nIterations: 7 }), [0, 7]);
  assert.deepEqual(evaluationPoints({ dStepEvery: 1, gStepEvery: 1, logFreq: 2, nIterations: 0 }), [0]);
});

test('critic every D_step_every (disabled by 0 or -1), generator every G_step_every', () => {
  const o = { dStepEvery: 1, gStepEvery: 5, logFreq: 10, nIterations: 12 };
  const its = [...Array(12).keys()];
  assert.deepEqual(its.filter((i) => isGeneratorStep(i, o)), [0, 5, 10]);
  assert.deepEqual(its.filter((i) => isCriticStep(i, o)), its);
  assert.deepEqual(its.filter((i) => isCriticStep(i, { ...o, dStepEvery: 3 })), [0, 3, 6, 9]);
  assert.deepEqual(its.filter((i) => isCriticStep(i, { ...o, dStepEvery: -1 })), []);
  assert.deepEqual(its.filter((i) => isCriticStep(i, { ...o, dStepEvery: 0 })), []);
});
