/**
 * The EM loop (bob's GMMMachine.fit): e-step, m-step, until the average log-likelihood
 * measured by a step's e-step changes by at most `threshold` relative to the previous
 * step's, or `maxSteps` steps. What a step computes comes from the caller: the statistics
 * under the current parameters, and the m-step that replaces them.
 */
import { TfjsEmError } from '../../errors.js';
import type { Moments } from './moments.js';

export interface EMStep {
  step: number;
  /** Average log-likelihood per sample measured by this step's e-step. */
  averageLogLikelihood: number;
  /** Relative change from the previous step; null on the first step. */
  convergenceValue: number | null;
}

export interface EMRule {
  maxSteps: number | null;
  threshold: number | null;
}

export interface EMOutcome<M extends Moments> {
  /** Steps run, and whether the threshold was met. */
  nIter: number;
  converged: boolean;
  /** The last e-step's statistics (null: no step ran). */
  last: M | null;
}

export async function runEM<M extends Moments>(
  expectation: () => Promise<M>,
  maximization: (moments: M) => void,
  rule: EMRule,
  options: { signal?: AbortSignal; onStep?: (step: EMStep) => void } = {},
): Promise<EMOutcome<M>> {
  const outcome: EMOutcome<M> = { nIter: 0, converged: false, last: null };
  let average = 0;
  for (let step = 1; rule.maxSteps === null || step <= rule.maxSteps; step++) {
    options.signal?.throwIfAborted();
    const previous = average;
    const moments = await expectation();
    if (!Number.isFinite(moments.logLikelihood)) {
      throw new TfjsEmError(
        'INVALID_DATA',
        `step ${step}: the data's log-likelihood is ${moments.logLikelihood} on this float32 device: values or their spread ` +
          `too large (squares beyond 3.4e38), or variances too small for them; the machine keeps step ${step - 1}'s parameters`,
      );
    }
    maximization(moments);
    average = moments.logLikelihood / moments.t;
    Object.assign(outcome, { nIter: step, last: moments });
    const convergenceValue = step > 1 ? Math.abs((previous - average) / previous) : null;
    options.onStep?.({ step, averageLogLikelihood: average, convergenceValue });
    // On synchronous backends (cpu, wasm) every await above resolves as a microtask:
    // a macrotask turn lets signal handlers and timers (Ctrl-C, AbortSignal.timeout) run.
    await new Promise((resolve) => setTimeout(resolve, 0));
    if (convergenceValue !== null && rule.threshold !== null && convergenceValue <= rule.threshold) {
      outcome.converged = true;
      break;
    }
  }
  return outcome;
}
