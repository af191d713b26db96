import { describe, expect, it } from 'vitest';
import type { AssertionResult, LabReport, Status } from '../../../src/probe/results.js';
import { formatSummary } from '../../../src/report/console.js';
import { sampleReports } from './sample.js';

function result(status: Status): AssertionResult {
  return {
    name: status,
    check: 'exec',
    from: 'host',
    to: 'host',
    expected: status === 'XFAIL' || status === 'XPASS' ? 'fail' : 'pass',
    outcome: status === 'PASS' || status === 'XPASS' ? 'pass' : 'fail',
    status,
    ...(status === 'XFAIL' || status === 'XPASS' ? { bug: 'b' } : {}),
    detail: '',
    evidence: { command: 'true', exitCode: 0, output: '', durationMs: 1, attempts: 1 },
    durationMs: 1,
  };
}

function lab(statuses: Status[], error?: string): LabReport {
  return {
    lab: 'l',
    variant: 'default',
    startedAt: '2025-01-01T00:00:00.000Z',
    durationMs: 1,
    results: statuses.map(result),
    ...(error !== undefined ? { error } : {}),
  };
}

describe('formatSummary', () => {
  it('is exactly "N passed, N failed", nothing else on the line', () => {
    expect(formatSummary(sampleReports)).toMatch(/^\d+ passed, \d+ failed$/);
    expect(formatSummary([])).toBe('0 passed, 0 failed');
  });

  it('XFAIL counts as passed, XPASS as failed', () => {
    expect(formatSummary([lab(['PASS', 'XFAIL', 'FAIL', 'XPASS', 'XFAIL'])])).toBe('3 passed, 2 failed');
  });

  it('counts across labs, and a lab that errored counts once as failed', () => {
    const reports = [lab(['PASS', 'PASS']), lab([], 'etcd did not start'), lab(['FAIL', 'XFAIL']), lab(['PASS'], 'node2 went away')];
    expect(formatSummary(reports)).toBe('4 passed, 3 failed');
  });

  it('the sample: 5 passed, 4 failed', () => {
    expect(formatSummary(sampleReports)).toBe('5 passed, 4 failed');
  });
});
