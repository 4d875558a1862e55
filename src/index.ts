/**
 * The library API of discrete-gans: `import { ... } from 'discrete-gans'`.
 * Each area re-exports its public pieces here.
 */
export { Rng } from './engine/random.js';
export type { RngState } from './engine/random.js';
export { parseSpec, resolveSpec, SpecError } from './util/named-spec.js';
export * from './engine/index.js';
export * from './nn/index.js';
export { loadImageFolder, listImageFolder } from './data/image-folder.js';
export type { ImageDataset, LoadImageFolderOptions } from './data/image-folder.js';
export { BatchSampler } from './data/sampler.js';
export type { BatchSamplerState } from './data/sampler.js';
export { otMeans, OT_MEANS_METHODS } from './ot/ot-means.js';
export type { OtMeansData, OtMeansOptions, OtMeansResult, OtMeansIteration, OtMeansMethod } from './ot/ot-means.js';
export { makeSquares, squaresDataset, writeSquares } from './data/squares.js';
export { datasetFromImages } from './data/dataset.js';
export * from './ot/index.js';
