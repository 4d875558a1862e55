/**
 * The wasm backend's heap: float32 tensor storage living inside one shared WebAssembly.Memory,
 * so that kernels on every thread read and write tensors without copying.
 *
 * Owns: a size-class allocator over the linear memory (bump pointer + one free list per size
 * class, 64-byte aligned blocks, memory grown geometrically), returning blocks when the JS view
 * is garbage-collected (FinalizationRegistry) or explicitly released. Knows nothing of kernels,
 * threads or tensors.
 *
 * Contract: keep the array returned by `allocF32` referenced for as long as any subarray of it
 * is used; a subarray alone does not keep the block from being reused.
 */

import v8 from 'node:v8';
import vm from 'node:vm';

const PAGE = 65536;
const ALIGN = 64;
/** Bytes handed out since the last collection before an allocation that finds no free block
 *  of its class collects first. */
const COLLECT_EVERY_BYTES = Number(process.env.DISCRETE_GANS_WASM_GC_MB ?? 96) * 2 ** 20;

interface Collector { gc(): void; cleanupSome: (this: FinalizationRegistry<Block>) => void }

/**
 * Synchronous reclamation: V8's `gc` and `FinalizationRegistry.prototype.cleanupSome` (both
 * behind flags, switched on here and taken from a fresh context) let an allocation that finds
 * no free block of its size first collect the views nobody holds and reuse their blocks at
 * once, even in a training loop that never yields to the event loop. Null when refused.
 */
function makeCollector(): Collector | null {
  try {
    v8.setFlagsFromString('--harmony-weak-refs-with-cleanup-some');
    v8.setFlagsFromString('--expose-gc');
    const ctx = vm.createContext({});
    const gc = vm.runInContext('gc', ctx) as () => void;
    // The main context was built before the flag, so its registries lack cleanupSome; the
    // builtin taken from a fresh context works on them (it checks the receiver, not the realm).
    const cleanupSome = vm.runInContext('FinalizationRegistry.prototype.cleanupSome', ctx) as Collector['cleanupSome'];
    if (typeof gc !== 'function' || typeof cleanupSome !== 'function') return null;
    return { gc, cleanupSome };
  } catch {
    return null;
  }
}

interface Block { offset: number; bytes: number; freed: boolean }

/** Size class of a request: 64-byte multiples, at most four classes per power of two. */
export function sizeClass(bytes: number): number {
  if (bytes <= ALIGN) return ALIGN;
  const b = Math.ceil(bytes / ALIGN) * ALIGN;
  const pow = 2 ** Math.floor(Math.log2(b));
  const step = Math.max(ALIGN, pow / 4);
  return Math.ceil(b / step) * step;
}

export class WasmHeap {
  private top: number;
  private readonly free = new Map<number, number[]>();
  private readonly blocks = new WeakMap<object, Block>();
  private readonly buffers = new WeakSet<object>();
  private readonly collector = makeCollector();
  private readonly registry = new FinalizationRegistry<Block>((blk) => this.recycle(blk));
  private sinceCollect = 0;
  /** Milliseconds spent in synchronous collections. */
  collectMs = 0;
  /** Synchronous collections run so far. */
  collections = 0;
  /** Requests served as plain JS arrays because the linear memory could not grow. */
  foreignAllocations = 0;
  /** Bytes currently handed out (live blocks, scratch excluded). */
  liveBytes = 0;
  /** Tests: behave as a heap whose memory is full (every allocation handed out as plain JS
   *  storage), without filling 4 GiB. */
  simulateFull = false;
  /** Highest top of the bump region reached. */
  get reservedBytes(): number { return this.top; }

  /** `zero(offset, bytes)` clears reused storage (the kernels' memset beats TypedArray.fill on
   *  shared memory); without it, fill(0). */
  constructor(readonly memory: WebAssembly.Memory, base: number,
    private readonly zero?: (offset: number, bytes: number) => void) {
    this.top = Math.ceil(base / ALIGN) * ALIGN;
    this.buffers.add(memory.buffer);
  }

  /** The current buffer (a shared memory's buffer object changes when it grows). */
  get buffer(): ArrayBufferLike {
    const buf = this.memory.buffer;
    this.buffers.add(buf);
    return buf;
  }

  /** Whether `arr` is a view into this heap's memory (so kernels can use it in place). */
  owns(arr: ArrayBufferView): boolean {
    return this.buffers.has(arr.buffer);
  }

  /** Permanent region (thread scratch); never freed. */
  reserve(bytes: number): number {
    const off = this.top;
    this.ensure(off + bytes);
    this.top = off + Math.ceil(bytes / ALIGN) * ALIGN;
    return off;
  }

  /** Float32 storage of `length` elements inside the memory: zeroed, or with whatever a
   *  reused block held when `zeroed` is false (scratch that is overwritten before reading). */
  allocF32(length: number, zeroed = true): Float32Array {
    if (this.simulateFull) { this.foreignAllocations++; return new Float32Array(length); }
    const bytes = sizeClass(Math.max(1, length) * 4);
    let offset = this.takeFree(bytes);
    this.sinceCollect += bytes;
    if (offset < 0 && this.collector !== null && this.sinceCollect > COLLECT_EVERY_BYTES) {
      this.collect();
      offset = this.takeFree(bytes);
    }
    let view: Float32Array;
    if (offset >= 0) {
      view = new Float32Array(this.buffer, offset, length);
      if (!zeroed) { /* the caller overwrites it */ } else if (this.zero !== undefined) this.zero(offset, length * 4); else view.fill(0);
    } else {
      const placed = this.placeBeyondFreeLists(bytes);
      if (placed === null) {
        // The linear memory cannot grow further (4 GiB): plain JS storage. Every kernel accepts
        // foreign arrays (copying them in, or running the TypeScript kernel), only slower.
        this.foreignAllocations++;
        return new Float32Array(length);
      }
      offset = placed.offset;
      view = new Float32Array(this.buffer, offset, length);
      if (placed.reused && zeroed) view.fill(0);
      const blk: Block = { offset, bytes: placed.bytes, freed: false };
      this.blocks.set(view, blk);
      this.registry.register(view, blk, blk);
      this.liveBytes += placed.bytes;
      return view;
    }
    const blk: Block = { offset, bytes, freed: false };
    this.blocks.set(view, blk);
    this.registry.register(view, blk, blk);
    this.liveBytes += bytes;
    return view;
  }

  /** A block for `bytes` when its own free list is empty: fresh memory at the top (growing the
   *  memory), else, when it cannot grow, after a collection, or a free block of a larger class
   *  (kept at its own class size so it returns to its list). Null when none is left. */
  private placeBeyondFreeLists(bytes: number): { offset: number; bytes: number; reused: boolean } | null {
    try {
      this.ensure(this.top + bytes);
      const offset = this.top;
      this.top += bytes;
      return { offset, bytes, reused: false }; // fresh pages are zero
    } catch (err) {
      if (!(err instanceof RangeError)) throw err;
    }
    this.collect();
    const own = this.takeFree(bytes);
    if (own >= 0) return { offset: own, bytes, reused: true };
    let best = -1;
    for (const [cls, list] of this.free) if (cls > bytes && list.length > 0 && (best < 0 || cls < best)) best = cls;
    if (best < 0) return null;
    return { offset: this.takeFree(best), bytes: best, reused: true };
  }

  private takeFree(bytes: number): number {
    const list = this.free.get(bytes);
    return list !== undefined && list.length > 0 ? list.pop()! : -1;
  }

  /** Collects garbage now and returns the blocks of unreachable views to the free lists. */
  collect(): void {
    if (this.collector === null) return;
    const t0 = performance.now();
    this.collector.gc();
    this.collector.cleanupSome.call(this.registry);
    this.collections++;
    this.sinceCollect = 0;
    this.collectMs += performance.now() - t0;
  }

  /** Returns `arr`'s block at once (it must not be used afterwards). No-op for foreign arrays
   *  and for subarrays (only the array `allocF32` returned identifies a block). */
  release(arr: ArrayBufferView): void {
    const blk = this.blocks.get(arr);
    if (blk === undefined || blk.freed) return;
    this.blocks.delete(arr);
    this.registry.unregister(blk);
    this.recycle(blk);
  }

  private recycle(blk: Block): void {
    if (blk.freed) return;
    blk.freed = true;
    this.liveBytes -= blk.bytes;
    let list = this.free.get(blk.bytes);
    if (list === undefined) { list = []; this.free.set(blk.bytes, list); }
    list.push(blk.offset);
  }

  private ensure(end: number): void {
    const have = this.memory.buffer.byteLength;
    if (end <= have) return;
    const need = Math.ceil((end - have) / PAGE);
    const extra = Math.max(need, Math.ceil(have / PAGE / 4));
    try {
      this.memory.grow(extra);
    } catch {
      this.memory.grow(need); // throws RangeError when even that is impossible
    }
    this.buffers.add(this.memory.buffer);
  }
}
