/**
 * Benchmark dispatcher: `npm run bench [name] [args...]` runs bench/<name>.ts (its exported
 * `run(args)`), or every registered benchmark in turn when no name is given.
 * Each benchmark prints its own table with ratios against its anchors.
 */
type Bench = { run(args: string[]): Promise<void> };

const benches: Record<string, () => Promise<Bench>> = {
  kernels: () => import('./kernels.js'),
  data: () => import('./data.js'),
  engine: () => import('./engine.js'),
  train: () => import('./train.js'),
  ot: () => import('./ot.js'),
  'ot-means': () => import('./ot-means.js'),
  'direct-losses': () => import('./direct-losses.js'),
  'ot-lp': () => import('./ot-lp.js'),
  'few-sources': () => import('./few-sources.js'),
};

const [name, ...args] = process.argv.slice(2);
if (name !== undefined && !(name in benches)) {
  console.error(`unknown benchmark "${name}" (known: ${Object.keys(benches).join(', ')})`);
  process.exit(2);
}
for (const n of name === undefined ? Object.keys(benches) : [name]) {
  const b = await benches[n]();
  await b.run(args);
}
