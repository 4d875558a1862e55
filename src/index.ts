/**
 * The library API of discrete-gans: `import { ... } from 'discrete-gans'`.
 * Each area re-exports its public pieces here.
 */
export { Rng } from './engine/random.js';
export type { RngState } from './engine/random.js';
export { parseSpec, resolveSpec, SpecError } from './util/named-spec.js';
