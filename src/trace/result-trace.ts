// `trace: on-failure` and `--trace-failures`: which assertion results get a trace, and the trace
// as a report holds it (the rendered text for consoles and JUnit, the data for JSON). Pure: the
// tracing itself is the driver's (RunningLab.trace), called from the test command.
import type { Probe } from '../probe/expand.js';
import type { AssertionResult, ResultTrace } from '../probe/results.js';
import type { LabView } from '../probe/view.js';
import { traceForProbe, type ProbeTrace } from './for-probe.js';
import { renderTrace } from './render.js';
import type { Trace } from './types.js';

/**
 * What to trace for one result: a result that missed its expectation or is an XFAIL (the bug it
 * documents is still there: the trace says where), when the assertion or the command asks for it.
 * dns and exec probes have no packet to follow: undefined, quietly.
 */
export function traceWanted(result: AssertionResult, probe: Probe, view: LabView, all: boolean): ProbeTrace | undefined {
  if (result.status === 'PASS') return undefined;
  if (!all && probe.spec.trace !== 'on-failure') return undefined;
  return traceForProbe(probe, view.pods);
}

/** The verdict in one line, as the last line of a rendered trace says it. */
export function verdictLine(trace: Trace): string {
  return `${trace.verdict.kind.toUpperCase()}: ${trace.verdict.summary}`;
}

export function resultTrace(trace: Trace): ResultTrace {
  return { verdict: verdictLine(trace), rendered: renderTrace(trace), data: trace };
}

/** A trace that could not be made is reported on the result, not thrown: the test run goes on. */
export function traceFailed(error: unknown): ResultTrace {
  const message = (error instanceof Error ? error.message : String(error)).split('\n', 1)[0];
  const verdict = `no trace: ${message}`;
  return { verdict, rendered: verdict };
}
