// Machine-readable report. Objects are rebuilt field by field so the key order follows the
// types in src/probe/results.ts whatever order the runner happened to build them in; diffs
// between two runs' files then show only what changed.
import type { AssertionResult, LabReport } from '../probe/results.js';
import { tally } from './summary.js';

/** Bumped when the shape changes incompatibly, so readers can tell versions apart. */
const FORMAT_VERSION = 1;

function orderedResult(r: AssertionResult): AssertionResult {
  return {
    name: r.name,
    check: r.check,
    from: r.from,
    to: r.to,
    expected: r.expected,
    outcome: r.outcome,
    status: r.status,
    bug: r.bug,
    detail: r.detail,
    evidence: {
      command: r.evidence.command,
      exitCode: r.evidence.exitCode,
      output: r.evidence.output,
      durationMs: r.evidence.durationMs,
      attempts: r.evidence.attempts,
    },
    durationMs: r.durationMs,
    matrix: r.matrix && { name: r.matrix.name, row: r.matrix.row, column: r.matrix.column },
    // The trace's own data keeps the tracer's key order (it is `podlab trace -o json`).
    trace: r.trace && { verdict: r.trace.verdict, rendered: r.trace.rendered, data: r.trace.data },
  };
}

function orderedReport(report: LabReport): LabReport {
  return {
    lab: report.lab,
    variant: report.variant,
    startedAt: report.startedAt,
    durationMs: report.durationMs,
    results: report.results.map(orderedResult),
    error: report.error,
  };
}

/** Pretty JSON ending in a newline; optional fields that are unset are left out. */
export function toJsonReport(reports: LabReport[]): string {
  const document = { podlab: FORMAT_VERSION, summary: tally(reports), labs: reports.map(orderedReport) };
  return `${JSON.stringify(document, null, 2)}\n`;
}
