/**
 * The optimal transport library surface (re-exported by src/index.ts): exact transport `emd`
 * / `emd2` (POT's argument order: weights a, b, cost M; weights given as arrays or as a count
 * meaning uniform), `sinkhorn`, cost matrices, the distances between point sets (`w1`, `swd`,
 * `fullDimSwd`, `projectedW1`, `nearestNeighbour`, `frechetDistance`, `mmd`), the metric
 * strings of SPEC §6 (`parseMetric`), patch extraction and the .npy reader.
 * Point sets are row-major n×d Float32Array or Float64Array.
 */
export { emd, emd2, densePlan } from './lp/emd.js';
export type { Weights, EmdOptions, EmdSolver, TransportResult, SparsePlan, TransportStatus } from './lp/emd.js';
export { networkSimplex } from './lp/network-simplex.js';
export { assignment } from './lp/assignment.js';
export { fewSources } from './lp/few-sources.js';
export { sinkhorn } from './sinkhorn.js';
export type { SinkhornOptions, SinkhornResult } from './sinkhorn.js';
export { euclideanCost, sqEuclideanCost, forEachCostBlock, SQ_DIST_FLOOR } from './cost.js';
export type { Points } from './cost.js';
export { w1, projectedW1, nearestNeighbour, frechetDistance, mmd } from './distances.js';
export type { W1Options } from './distances.js';
export { swd, fullDimSwd, randomDirections, sorted1dW1 } from './sliced.js';
export type { DistanceResult } from './sliced.js';
export { parseMetric, DIST_NAMES } from './metrics.js';
export type { Metric, DistName, ImageSetShape } from './metrics.js';
export { unfold, fold, patchGrid } from './patches.js';
export { readNpy, parseNpy } from './io/npy.js';
export type { NpyPoints } from './io/npy.js';
