// The wasm heap's allocator: size classes, zeroed storage on reuse, explicit release.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { sizeClass } from '../../src/engine/kernels/wasm/heap.js';
import { wasmKernels } from '../../src/engine/kernels/wasm/backend.js';

test('size classes are 64-byte multiples within 25% above the request', () => {
  for (const bytes of [1, 4, 63, 64, 65, 100, 1000, 4096, 4097, 123457, 16 << 20]) {
    const c = sizeClass(bytes);
    assert.ok(c >= bytes && c % 64 === 0, `${bytes} -> ${c}`);
    assert.ok(c <= Math.max(64, bytes * 1.25 + 64), `${bytes} -> ${c}`);
  }
  assert.equal(sizeClass(4096), 4096);
  assert.equal(sizeClass(4097), 5120);
});

test('released storage is reused and handed out zeroed', () => {
  const k = wasmKernels();
  assert.ok(k);
  const a = k.alloc('float32', 1000) as Float32Array;
  a.fill(3);
  const offset = a.byteOffset;
  k.release(a);
  const b = k.alloc('float32', 999) as Float32Array;
  assert.equal(b.byteOffset, offset);
  assert.equal(b.length, 999);
  assert.ok(b.every((v) => v === 0));
  k.release(b);
});

test('live bytes return to their level after a release', () => {
  const k = wasmKernels();
  assert.ok(k);
  const before = k.memoryStats().liveBytes;
  const arrays = Array.from({ length: 10 }, (_, i) => k.alloc('float32', 1000 * (i + 1)));
  assert.ok(k.memoryStats().liveBytes > before);
  for (const x of arrays) k.release(x);
  assert.equal(k.memoryStats().liveBytes, before);
});
