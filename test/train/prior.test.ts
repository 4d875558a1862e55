import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Rng } from '../../src/engine/random.js';
import { Prior, parsePrior } from '../../src/train/prior.js';
import { UserError } from '../../src/util/errors.js';

test('const=M: the M codes are the first M·z normals of the seed, fixed for the run', () => {
  const prior = new Prior(parsePrior('const=5'), 3, new Rng(7));
  const expected = new Float32Array(15);
  new Rng(7).fillNormal(expected);
  assert.deepEqual([...prior.codes!], [...expected]);
  const rng = new Rng(1);
  prior.sample(4, rng);
  assert.deepEqual([...prior.codes!], [...expected]); // sampling does not change them
});

test('const=M: b = M returns all codes in order; b ≠ M draws with replacement', () => {
  const prior = new Prior(parsePrior('const=4'), 2, new Rng(3));
  const codes = [...prior.codes!];
  assert.deepEqual([...prior.sample(4, new Rng(9))], codes);
  // b = 40 > M: every returned code is one of the M codes, and indices match the Rng's draws.
  const rng = new Rng(11);
  const z = prior.sample(40, rng);
  const idx = new Rng(11).choiceWithReplacement(4, 40);
  for (let i = 0; i < 40; i++) assert.deepEqual([...z.subarray(2 * i, 2 * i + 2)], codes.slice(2 * idx[i], 2 * idx[i] + 2));
  // With replacement: 40 draws from 4 must repeat, and b = 3 < M draws need not be distinct either.
  const seen = new Set(Array.from(idx));
  assert.ok(seen.size <= 4);
  assert.ok(idx.length > seen.size);
});

test('evaluation sizes: M for const, else min(dataset size, max_eval_images)', () => {
  const c = new Prior(parsePrior('const=6'), 2, new Rng(0));
  assert.equal(c.evaluationCount(1000, 3), 6);
  assert.deepEqual([...c.evaluationCodes(6, new Rng(5))], [...c.codes!]);
  const n = new Prior(parsePrior('normal'), 2, new Rng(0));
  assert.equal(n.codes, null);
  assert.equal(n.evaluationCount(1000, 300), 300);
  assert.equal(n.evaluationCount(100, 300), 100);
  assert.equal(n.evaluationCodes(7, new Rng(5)).length, 14);
});

test('uniform in [0, 1), binary in {-1, 1}, normal from the seed', () => {
  const u = new Prior(parsePrior('uniform'), 8, new Rng(0)).sample(100, new Rng(2));
  assert.ok(u.every((v) => v >= 0 && v < 1));
  const b = new Prior(parsePrior('binary'), 8, new Rng(0)).sample(100, new Rng(2));
  assert.ok(b.every((v) => v === 1 || v === -1));
  assert.ok(b.some((v) => v === 1) && b.some((v) => v === -1));
  const n = new Prior(parsePrior('normal'), 2, new Rng(0)).sample(3, new Rng(2));
  const e = new Float32Array(6);
  new Rng(2).fillNormal(e);
  assert.deepEqual([...n], [...e]);
});

test('bad prior texts are user errors', () => {
  for (const t of ['const', 'const=0', 'const=-2', 'gauss', 'const=2.5']) assert.throws(() => parsePrior(t), UserError, t);
});
