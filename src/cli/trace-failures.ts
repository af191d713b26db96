// After the probes ran: trace the results that asked for it (`trace: on-failure`,
// `--trace-failures`) through the running lab. A few at a time: every trace runs a monitor on
// every node, and its own key keeps its packets apart from the others'.
import type { RunningLab } from '../drivers/driver.js';
import type { Probe } from '../probe/expand.js';
import type { AssertionResult } from '../probe/results.js';
import type { LabView } from '../probe/view.js';
import { resultTrace, traceFailed, traceWanted } from '../trace/result-trace.js';

const TRACES_AT_ONCE = 3;

/** `results[i]` is the result of `probes[i]` (runProbes keeps the order); returns them with their traces. */
export async function traceFailures(
  running: RunningLab,
  probes: Probe[],
  results: AssertionResult[],
  options: { all: boolean; view: LabView; signal: AbortSignal },
): Promise<AssertionResult[]> {
  const wanted = results.flatMap((result, index) => {
    const request = traceWanted(result, probes[index]!, options.view, options.all);
    return request ? [{ index, request }] : [];
  });
  if (wanted.length === 0) return results;
  if (!running.trace) {
    // Once per lab, not once per result: the kind driver has no tracer yet.
    console.error(`note: the ${running.driver} driver cannot trace yet; failures of lab ${running.name} are reported without traces`);
    return results;
  }
  const traced = [...results];
  let next = 0;
  const worker = async () => {
    while (next < wanted.length) {
      const { index, request } = wanted[next++]!;
      const source = probes[index]!.source;
      try {
        traced[index] = { ...results[index]!, trace: resultTrace(await running.trace!({ source, ...request }, options.signal)) };
      } catch (error) {
        if (options.signal.aborted) throw error;
        traced[index] = { ...results[index]!, trace: traceFailed(error) };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(TRACES_AT_ONCE, wanted.length) }, worker));
  return traced;
}
