/**
 * The real-batch sampler of SPEC §2: each epoch is a fresh permutation drawn from the run's Rng;
 * a batch that crosses an epoch boundary continues into the next permutation, so every batch is
 * full, even when the dataset is smaller than the batch (then one batch spans several epochs).
 *
 * Owns: the order in which image indices are served, and its checkpointable state (the position
 * in the current permutation and the permutation itself; the Rng's state is saved by its owner).
 * Knows nothing of images.
 */
import type { Rng } from '../engine/random.js';

export interface BatchSamplerState {
  readonly count: number;
  readonly batchSize: number;
  /** The current epoch's permutation (null before the first draw). */
  readonly permutation: number[] | null;
  readonly position: number;
  readonly epoch: number;
}

export class BatchSampler {
  private perm: Int32Array | null = null;
  private pos = 0;
  /** Completed permutations started so far (1 after the first draw). */
  epoch = 0;

  constructor(readonly count: number, readonly batchSize: number, private readonly rng: Rng) {
    if (!Number.isInteger(count) || count <= 0) throw new Error(`BatchSampler needs a positive dataset size, got ${count}`);
    if (!Number.isInteger(batchSize) || batchSize <= 0) throw new Error(`BatchSampler needs a positive batch size, got ${batchSize}`);
  }

  /** The next `batchSize` indices (a fresh array). */
  next(): Int32Array {
    const out = new Int32Array(this.batchSize);
    for (let k = 0; k < this.batchSize; k++) {
      if (this.perm === null || this.pos >= this.count) {
        this.perm = this.rng.permutation(this.count);
        this.pos = 0;
        this.epoch++;
      }
      out[k] = this.perm[this.pos++];
    }
    return out;
  }

  getState(): BatchSamplerState {
    return { count: this.count, batchSize: this.batchSize, permutation: this.perm ? Array.from(this.perm) : null, position: this.pos, epoch: this.epoch };
  }

  setState(state: BatchSamplerState): void {
    if (state.count !== this.count || state.batchSize !== this.batchSize) {
      throw new Error(`sampler state is for ${state.count} images in batches of ${state.batchSize}, not ${this.count} in batches of ${this.batchSize}`);
    }
    if (state.permutation !== null && state.permutation.length !== this.count) throw new Error('sampler state holds a permutation of the wrong length');
    this.perm = state.permutation ? Int32Array.from(state.permutation) : null;
    this.pos = state.position;
    this.epoch = state.epoch;
  }
}
