// What running a lab's assertions produces: one result per expanded assertion, with the
// evidence a person or a CI system needs to see why it passed or failed. Written by the runner
// (src/probe), read by the report writers (src/report).
import type { Trace } from '../trace/types.js';

export type CheckKind = 'ping' | 'tcp' | 'http' | 'dns' | 'exec';

/** What the check observed (pass: it held) or was expected to observe. */
export type Outcome = 'pass' | 'fail';

/**
 * PASS: held as expected. FAIL: did not meet its expectation. XFAIL: a named bug is still
 * there (expected to fail, failed). XPASS: a named bug's check suddenly passes (a failure:
 * the lab no longer reproduces the bug).
 */
export type Status = 'PASS' | 'FAIL' | 'XFAIL' | 'XPASS';

export interface Evidence {
  /** The exact command run, as a person would paste it. */
  command: string;
  exitCode: number;
  /** The tail of stdout+stderr (a few hundred bytes at most). */
  output: string;
  durationMs: number;
  /** How many tries `within` took (1 without `within`). */
  attempts: number;
}

export interface AssertionResult {
  /** The assertion's name; a matrix cell's is "<matrix name>: <from> → <to>". */
  name: string;
  check: CheckKind;
  /** Where the probe ran, e.g. "pod/frontend-x7k2p", "node/node1", "host". */
  from: string;
  /** What it aimed at, e.g. "svc/redis-master:6379 (10.254.0.11:6379)". */
  to: string;
  expected: Outcome;
  outcome: Outcome;
  status: Status;
  /** The bug the assertion documents, if any. */
  bug?: string;
  /** Why the outcome is what it is, in one line (e.g. "stdout lacked \"hi\""). */
  detail: string;
  evidence: Evidence;
  durationMs: number;
  /** Set for results expanded from a matrix: the grid they belong in. */
  matrix?: { name: string; row: string; column: string };
  /** `trace: on-failure` / `--trace-failures`: where the probe's packet went, for a result that missed or is an XFAIL. */
  trace?: ResultTrace;
}

export interface ResultTrace {
  /** One line, e.g. "DROPPED: dropped by the filter FORWARD policy DROP on node2"; or why no trace was made. */
  verdict: string;
  /** The trace as `podlab trace` prints it (the verdict line again when no trace was made). */
  rendered: string;
  /** The trace as data (`podlab trace -o json`); absent when tracing itself failed. */
  data?: Trace;
}

export interface LabReport {
  lab: string;
  /** The variant name, or "default" for the lab as written. */
  variant: string;
  /** ISO 8601 time the test phase started. */
  startedAt: string;
  durationMs: number;
  results: AssertionResult[];
  /** Set when the lab could not be brought up or tested at all (then results may be empty). */
  error?: string;
}

/** XFAIL counts as passed and XPASS as failed, as in pytest. */
export function passed(result: AssertionResult): boolean {
  return result.status === 'PASS' || result.status === 'XFAIL';
}

export function statusOf(expected: Outcome, outcome: Outcome, bug?: string): Status {
  if (expected === outcome) return bug && expected === 'fail' ? 'XFAIL' : 'PASS';
  return bug && expected === 'fail' ? 'XPASS' : 'FAIL';
}
