import { test } from 'node:test';
import assert from 'node:assert/strict';
import { WasmHeap } from '../../src/engine/kernels/wasm/heap.js';

// A heap over a memory capped at 4 pages (256 KiB), so exhaustion is reached quickly.
function smallHeap(): WasmHeap {
  const memory = new WebAssembly.Memory({ initial: 1, maximum: 4, shared: true });
  return new WasmHeap(memory, 0);
}

test('when the memory cannot grow, a larger free block is reused, then plain JS storage is returned', () => {
  const heap = smallHeap();
  const big = heap.allocF32(40000); // ~160 KB block inside the memory
  assert.ok(heap.owns(big));
  const fill = heap.allocF32(20000); // ~80 KB: the memory is now nearly full
  assert.ok(heap.owns(fill));
  big[5] = 7;
  heap.release(big);
  // No free block of this class and no room to grow: the freed larger block serves it, zeroed.
  const mid = heap.allocF32(30000);
  assert.ok(heap.owns(mid));
  assert.equal(mid[5], 0);
  assert.equal(heap.foreignAllocations, 0);
  // Nothing left at all: a plain array, still zeroed and usable.
  const spill = heap.allocF32(30000);
  assert.equal(heap.owns(spill), false);
  assert.equal(spill.length, 30000);
  assert.ok(spill.every((v) => v === 0));
  assert.equal(heap.foreignAllocations, 1);
  // The reused block returns to its own (larger) class: a request of that class gets it back.
  heap.release(mid);
  const again = heap.allocF32(40000);
  assert.ok(heap.owns(again));
  assert.equal(heap.foreignAllocations, 1);
});
