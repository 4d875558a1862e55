/**
 * When things happen in a run (SPEC §5): which updates take a critic step or a generator step,
 * and after how many completed iterations an evaluation runs.
 *
 * Owns: those predicates, as pure functions of the 0-based index of the update (`iteration`)
 * or the number of completed iterations. Knows nothing of networks.
 */
export interface ScheduleOptions {
  /** Critic step when iteration % D_step_every == 0; ≤ 0 disables the critic. */
  readonly dStepEvery: number;
  readonly gStepEvery: number;
  readonly logFreq: number;
  readonly nIterations: number;
}

export function isCriticStep(iteration: number, o: ScheduleOptions): boolean {
  return o.dStepEvery > 0 && iteration % o.dStepEvery === 0;
}

export function isGeneratorStep(iteration: number, o: ScheduleOptions): boolean {
  return o.gStepEvery > 0 && iteration % o.gStepEvery === 0;
}

/** Evaluations: before the first update (0), after every `logFreq` completed iterations, and
 *  after the last one (`nIterations`). */
export function isEvaluation(completed: number, o: ScheduleOptions): boolean {
  return completed === 0 || completed === o.nIterations || (o.logFreq > 0 && completed % o.logFreq === 0 && completed < o.nIterations);
}

/** Every evaluation label of a run, in order. */
export function evaluationPoints(o: ScheduleOptions): number[] {
  const out: number[] = [];
  for (let c = 0; c <= o.nIterations; c++) if (isEvaluation(c, o)) out.push(c);
  return out;
}
