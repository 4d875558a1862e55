/**
 * Checkpoint files (SPEC §8): one safetensors file per checkpoint, `models/last.safetensors`
 * (and `models/<iteration>.safetensors` with `--save_every`). Tensors hold the networks, the EMA
 * copy, both optimiser states, the prior's codes and the fixed batches; the safetensors
 * `__metadata__` holds one entry, `discrete_gans`, a JSON document with everything else (the
 * iteration, the random-number state, the sampler position, the optimiser step counts, the
 * arguments). Written atomically: a temporary file in the same folder, then a rename.
 *
 * Owns: the file's layout and its atomic write/read. Knows nothing of how the trainer fills it.
 */
import { readFileSync, renameSync, writeFileSync, rmSync } from 'node:fs';
import { UserError } from '../util/errors.js';
import { decodeSafetensors, encodeSafetensors, type SafeTensor } from './safetensors.js';

export const CHECKPOINT_FORMAT = 'discrete-gans-checkpoint';
export const CHECKPOINT_VERSION = 1;

export interface CheckpointContent<M> {
  readonly tensors: ReadonlyMap<string, SafeTensor>;
  readonly meta: M;
}

export function writeCheckpoint<M>(path: string, content: CheckpointContent<M>): void {
  const doc = JSON.stringify({ format: CHECKPOINT_FORMAT, version: CHECKPOINT_VERSION, ...content.meta });
  const bytes = encodeSafetensors(content.tensors, { discrete_gans: doc });
  const tmp = `${path}.tmp-${process.pid}`;
  try {
    writeFileSync(tmp, bytes);
    renameSync(tmp, path);
  } catch (err) {
    rmSync(tmp, { force: true });
    throw err;
  }
}

export function readCheckpoint<M>(path: string): CheckpointContent<M> {
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch {
    throw new UserError(`cannot read the checkpoint ${path}`);
  }
  let decoded;
  try {
    decoded = decodeSafetensors(bytes);
  } catch (err) {
    throw new UserError(`${path} is not a safetensors checkpoint (${err instanceof Error ? err.message : String(err)})`);
  }
  const doc = decoded.metadata.discrete_gans;
  if (typeof doc !== 'string') throw new UserError(`${path} is a safetensors file but not a discrete-gans checkpoint (no "discrete_gans" metadata)`);
  const meta = JSON.parse(doc) as { format?: string; version?: number } & M;
  if (meta.format !== CHECKPOINT_FORMAT || meta.version !== CHECKPOINT_VERSION) {
    throw new UserError(`${path} is a checkpoint of format ${meta.format} version ${meta.version}; this build reads ${CHECKPOINT_FORMAT} version ${CHECKPOINT_VERSION}`);
  }
  return { tensors: decoded.tensors, meta };
}
