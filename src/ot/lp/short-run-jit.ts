/**
 * V8 tuning for a process that solves a transport problem or two and exits (`discrete-gans
 * metrics`), whose solve is mostly JIT warm-up: the few-sources solver on 64 vs 10,000 takes
 * 220-280 ms cold and 85 ms from its sixth solve on. TurboFan compiles on one background
 * thread, and with its default inlining budget (460 bytecodes a call site) the solver's
 * functions are large compile jobs (augment 26 ms, balancingPotentials 24 ms, rowGaps 19 ms,
 * augmentAll 18 ms, dijkstra 17 ms, some compiled twice after a deoptimisation) that queue
 * while the main thread runs them unoptimised. A budget of 100 makes those jobs small, so
 * optimised code arrives sooner; warm solves are as fast (85 ms either way).
 * Measured, 64 vs 10,000 Fashion-MNIST at d=4096, whole `metrics` process, 8 alternated
 * runs: 0.54 → 0.49 s (and 0.50 → 0.46 s in a later set of 6). Not for long runs (training),
 * whose hot loops are wasm anyway.
 *
 * Owns: that one flag. V8 reads it when it compiles, so setting it before the first solve is
 * enough.
 */
import { setFlagsFromString } from 'node:v8';

let applied = false;

export function favourShortRunJit(): void {
  if (applied) return;
  applied = true;
  setFlagsFromString('--max-inlined-bytecode-size=100');
}
