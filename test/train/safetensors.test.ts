import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeSafetensors, encodeSafetensors, type SafeTensor } from '../../src/train/safetensors.js';

test('safetensors layout: 8-byte LE header length, JSON header padded to 8, raw LE data', () => {
  const t = new Map<string, SafeTensor>([['a', { data: Float32Array.from([1, -2]), shape: [2] }]]);
  const buf = encodeSafetensors(t, { k: 'v' });
  const n = Number(buf.readBigUInt64LE(0));
  assert.equal(n % 8, 0);
  const header = JSON.parse(buf.subarray(8, 8 + n).toString('utf8'));
  assert.deepEqual(header, { __metadata__: { k: 'v' }, a: { dtype: 'F32', shape: [2], data_offsets: [0, 8] } });
  assert.equal(buf.length, 8 + n + 8);
  assert.equal(buf.readFloatLE(8 + n), 1);
  assert.equal(buf.readFloatLE(8 + n + 4), -2);
});

test('safetensors round trip of several dtypes and shapes', () => {
  const t = new Map<string, SafeTensor>([
    ['G.net.0.weight', { data: Float32Array.from({ length: 6 }, (_, i) => Math.fround(Math.sin(i))), shape: [2, 3] }],
    ['x64', { data: Float64Array.from([Math.PI, -1e-300]), shape: [1, 2] }],
    ['idx', { data: Int32Array.from([5, -7, 2147483647]), shape: [3] }],
    ['scalar', { data: Float32Array.from([4]), shape: [] }],
    ['empty', { data: new Float32Array(0), shape: [0, 4] }],
  ]);
  const back = decodeSafetensors(encodeSafetensors(t, { meta: '{"iteration":3}' }));
  assert.equal(back.metadata.meta, '{"iteration":3}');
  assert.deepEqual([...back.tensors.keys()], [...t.keys()]);
  for (const [k, v] of t) {
    const b = back.tensors.get(k)!;
    assert.equal(b.data.constructor, v.data.constructor, k);
    assert.deepEqual([...b.data], [...v.data], k);
    assert.deepEqual(b.shape, v.shape, k);
  }
});

test('a truncated file is rejected', () => {
  const buf = encodeSafetensors(new Map([['a', { data: new Float32Array(4), shape: [4] }]]));
  assert.throws(() => decodeSafetensors(buf.subarray(0, buf.length - 2)));
  assert.throws(() => decodeSafetensors(buf.subarray(0, 4)));
});
