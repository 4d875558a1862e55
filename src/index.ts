/**
 * The library API of discrete-gans: `import { ... } from 'discrete-gans'`.
 * Each area re-exports its public pieces here. Importing it registers the fastest kernel
 * backend this runtime can run (WebAssembly SIMD, else plain TypeScript).
 */
import './engine/kernels/wasm/index.js';
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
export { runTraining, TRAIN_DEFAULTS, REFERENCE_FULL_BATCH_METRICS, Trainer, runDemo, Prior, parsePrior, readCheckpoint, writeCheckpoint, encodeSafetensors, decodeSafetensors } from './train/index.js';
export type { TrainConfig, RunSummary, RunHooks, PriorSpec, CheckpointContent, SafeTensor } from './train/index.js';
export { buildLoss, registerLoss, availableLosses, WGANLoss, gradientPenalty, drawAlphas, NonSaturatingGANLoss, SoftHingeLoss, MiniBatchDistanceLoss, distanceLoss } from './losses/index.js';
export type { GanLoss, LossOutput, GeneratorLossInput, LossFactory } from './losses/index.js';
export { makeGrid, saveImageGrid, encodePng, MetricsLog, ScalarWindow, readMetrics, writePlots } from './report/index.js';
export type { GridOptions, RgbImage, MetricsRecord } from './report/index.js';
