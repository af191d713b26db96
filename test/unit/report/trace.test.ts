// A result's trace in each report: under its line on the console, as data in JSON, as the
// verdict in the JUnit failure message and the whole trace in its body.
import { describe, expect, it } from 'vitest';
import type { AssertionResult, LabReport } from '../../../src/probe/results.js';
import { formatConsoleReport, toJsonReport, toJUnit } from '../../../src/report/index.js';
import type { Trace } from '../../../src/trace/types.js';

const RENDERED = 'trace pod/client → pod/web:80 (tcp, source port 4242) in 1.9 s\nnode2\n      FORWARD policy DROP\u0007\nverdict: DROPPED: dropped by the filter FORWARD policy DROP on node2';
const VERDICT = 'DROPPED: dropped by the filter FORWARD policy DROP on node2';
const DATA = { lab: 'l', verdict: { kind: 'dropped', summary: 'dropped by the filter FORWARD policy DROP on node2', nat: [] } } as unknown as Trace;

function result(status: AssertionResult['status'], traced: boolean): AssertionResult {
  const expected = status === 'XFAIL' ? 'fail' : 'pass';
  return {
    name: `${status} one`, check: 'tcp', from: 'pod/client', to: 'pod/web:80', expected, outcome: 'fail', status,
    ...(status === 'XFAIL' ? { bug: 'forward drop' } : {}),
    detail: 'connection timed out', durationMs: 1000, evidence: { command: 'nc', exitCode: 1, output: '', durationMs: 1000, attempts: 1 },
    ...(traced ? { trace: { verdict: VERDICT, rendered: RENDERED, data: DATA } } : {}),
  };
}

const report = (...results: AssertionResult[]): LabReport => ({ lab: 'l', variant: 'default', startedAt: '2025-01-01T00:00:00.000Z', durationMs: 2000, results });

describe('a trace in the console report', () => {
  it('comes under its line, indented, with control characters shown', () => {
    const lines = formatConsoleReport(report(result('FAIL', true), result('PASS', false))).split('\n');
    const failed = lines.findIndex((line) => line.startsWith('  FAIL '));
    expect(lines.slice(failed + 1, failed + 5)).toEqual([
      '      trace pod/client → pod/web:80 (tcp, source port 4242) in 1.9 s',
      '      node2',
      '            FORWARD policy DROP\\x07',
      `      verdict: ${VERDICT}`,
    ]);
    expect(lines[failed + 5]).toMatch(/^ {2}PASS /);
  });
  it('adds nothing to a result without one', () => {
    expect(formatConsoleReport(report(result('FAIL', false))).split('\n')).toHaveLength(2);
  });
});

describe('a trace in the JSON report', () => {
  it('is the verdict, the rendered text and the data, last in the result', () => {
    const [traced, plain] = JSON.parse(toJsonReport([report(result('XFAIL', true), result('FAIL', false))])).labs[0].results;
    expect(traced.trace).toEqual({ verdict: VERDICT, rendered: RENDERED, data: DATA });
    expect(Object.keys(traced).at(-1)).toBe('trace');
    expect(plain).not.toHaveProperty('trace');
  });
});

describe('a trace in the JUnit report', () => {
  it('puts the verdict in the failure message and the trace in its body', () => {
    const xml = toJUnit([report(result('FAIL', true))]);
    expect(xml).toContain(`<failure message="connection timed out (trace: ${VERDICT})" type="FAIL">`);
    expect(xml).toContain(`trace:\ntrace pod/client → pod/web:80 (tcp, source port 4242) in 1.9 s\nnode2\n      FORWARD policy DROP\nverdict: ${VERDICT}</failure>`);
  });
  it('puts an XFAIL trace in its system-out', () => {
    const xml = toJUnit([report(result('XFAIL', true))]);
    expect(xml).toMatch(new RegExp(`<system-out>reproduces bug: forward drop\\n[^]*trace:\\ntrace pod/client[^]*verdict: ${VERDICT}</system-out>`));
  });
});
