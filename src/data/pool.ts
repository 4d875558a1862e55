/**
 * A tiny bounded-concurrency loop for many small asynchronous file jobs (decodes, encodes):
 * libvips works on its own threads, so keeping a few jobs in flight uses every core.
 *
 * Owns: scheduling only. Knows nothing of images.
 */
/** Run `task(i)` for i in 0..n-1 with at most `width` in flight; the first failure stops it. */
export async function runPool(n: number, width: number, task: (i: number) => Promise<void>): Promise<void> {
  let next = 0;
  let failed = false;
  const lane = async (): Promise<void> => {
    while (!failed && next < n) {
      const i = next++;
      try {
        await task(i);
      } catch (err) {
        failed = true;
        throw err;
      }
    }
  };
  const results = await Promise.allSettled(Array.from({ length: Math.max(1, Math.min(width, n)) }, lane));
  const bad = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (bad) throw bad.reason;
}
