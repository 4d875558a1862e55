/** Reporting: image grids, the metrics log, plots (see each module's header). */
export { makeGrid, saveImageGrid, encodePng } from './grid.js';
export type { GridOptions, GridScaling, RgbImage } from './grid.js';
export { MetricsLog, ScalarWindow, readMetrics } from './metrics-log.js';
export type { MetricsRecord } from './metrics-log.js';
export { writePlots, chartSpec, seriesOf, windowStats } from './plots.js';
