// The Name-key=value parser (SPEC §1.1) on every example of the spec and on malformed strings.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseSpec, resolveSpec, SpecError } from '../../src/util/named-spec.js';

const examples: Array<[string, string, Record<string, string>]> = [
  ['FC-nf=1024', 'FC', { nf: '1024' }],
  ['FC-nf=1024-depth=8', 'FC', { nf: '1024', depth: '8' }],
  ['CNN-GAP=True', 'CNN', { GAP: 'True' }],
  ['CNN-GAP=False-depth=4-k=5', 'CNN', { GAP: 'False', depth: '4', k: '5' }],
  ['DCGAN-normalize=in-nf=128', 'DCGAN', { normalize: 'in', nf: '128' }],
  ['MiniBatchLoss-dist=w1', 'MiniBatchLoss', { dist: 'w1' }],
  ['MiniBatchPatchLoss-dist=swd-p=16-s=1', 'MiniBatchPatchLoss', { dist: 'swd', p: '16', s: '1' }],
  ['MiniBatchLocalPatchLoss-dist=full_dim_swd-p=16-s=8', 'MiniBatchLocalPatchLoss', { dist: 'full_dim_swd', p: '16', s: '8' }],
  ['MiniBatchLoss-dist=w1-epsilon=0.1', 'MiniBatchLoss', { dist: 'w1', epsilon: '0.1' }],
  ['FastGAN', 'FastGAN', {}],
  ['OldFastGAN', 'OldFastGAN', {}],
];

test('every example of SPEC §1.1 splits into its name and key=value pairs in order', () => {
  for (const [text, name, pairs] of examples) {
    const s = parseSpec(text);
    assert.equal(s.name, name, text);
    assert.equal(s.text, text);
    assert.deepEqual(Object.fromEntries(s.raw), pairs, text);
    assert.deepEqual([...s.raw.keys()], Object.keys(pairs), `${text}: key order`);
  }
});

test('resolveSpec converts types and fills defaults', () => {
  const cnn = resolveSpec(parseSpec('CNN-GAP=False-depth=4-k=5'), { GAP: true, depth: 3, k: 3, nf: 64 }, { GAP: 'bool', depth: 'int', k: 'int', nf: 'int' });
  assert.deepEqual(cnn, { GAP: false, depth: 4, k: 5, nf: 64 });
  assert.deepEqual(resolveSpec(parseSpec('CNN-GAP=True'), { GAP: false }, { GAP: 'bool' }), { GAP: true });
  const mb = resolveSpec(parseSpec('MiniBatchLoss-dist=w1-epsilon=0.1'), { dist: 'w1', epsilon: 0 }, { dist: 'string', epsilon: 'float' }, { dist: ['w1', 'swd'] });
  assert.deepEqual(mb, { dist: 'w1', epsilon: 0.1 });
  const dc = resolveSpec(parseSpec('DCGAN-normalize=in-nf=128'), { normalize: 'bn', nf: 64 }, { normalize: 'string', nf: 'int' });
  assert.deepEqual(dc, { normalize: 'in', nf: 128 });
});

test('malformed strings are SpecErrors that quote the string', () => {
  const bad = ['', '   ', '-nf=3', 'nf=3', 'FC-nf', 'FC-nf=', 'FC-=3', 'FC--nf=3', 'FC-nf=1-nf=2', 'FC-nf=1-'];
  for (const text of bad) {
    assert.throws(() => parseSpec(text), (e: unknown) => e instanceof SpecError && (text.trim() === '' || e.message.includes(`"${text}"`)), JSON.stringify(text));
  }
});

test('unknown keys and values of the wrong type are SpecErrors naming the string', () => {
  const kinds = { nf: 'int', depth: 'int', GAP: 'bool', epsilon: 'float', dist: 'string' } as const;
  const defaults = { nf: 64, depth: 3, GAP: false, epsilon: 0, dist: 'w1' };
  const cases: Array<[string, RegExp]> = [
    ['FC-width=3', /unknown key "width"/],
    ['FC-nf=abc', /nf must be an integer/],
    ['FC-nf=1.5', /nf must be an integer/],
    ['CNN-GAP=maybe', /GAP must be True or False/],
    ['MiniBatchLoss-epsilon=x', /epsilon must be a number/],
    ['MiniBatchLoss-dist=l7', /dist must be one of w1, swd/],
  ];
  for (const [text, re] of cases) {
    assert.throws(
      () => resolveSpec(parseSpec(text), defaults, kinds, { dist: ['w1', 'swd'] }),
      (e: unknown) => e instanceof SpecError && re.test(e.message) && e.message.includes(`"${text}"`),
      text,
    );
  }
  assert.throws(() => resolveSpec(parseSpec('FastGAN-nf=3'), {}, {}), /takes no keys/);
});

test('a value split by its own "-" (negative numbers, exponents) is explained; other malformed pieces are not', () => {
  const message = (t: string): string => { try { parseSpec(t); return ''; } catch (e) { return (e as Error).message; } };
  assert.match(message('MiniBatchLoss-dist=w1-epsilon=-1'), /the piece "epsilon=" is not of the form key=value \(a "-" starts a new piece, so a value cannot be negative/);
  assert.match(message('MiniBatchLoss-dist=w1-epsilon=1e-3'), /the piece "3" is not of the form key=value \(a "-" starts a new piece/);
  assert.equal(message('MiniBatchLoss-dist=w1-foo'), '"MiniBatchLoss-dist=w1-foo": the piece "foo" is not of the form key=value');
});
