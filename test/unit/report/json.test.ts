import { describe, expect, it } from 'vitest';
import type { LabReport } from '../../../src/probe/results.js';
import { toJsonReport } from '../../../src/report/json.js';
import { sampleReports } from './sample.js';

describe('toJsonReport', () => {
  it('parses back to the reports, with summary counts', () => {
    const document = JSON.parse(toJsonReport(sampleReports));
    expect(document.podlab).toBe(1);
    expect(document.summary).toEqual({ passed: 5, failed: 4, total: 9 });
    expect(document.labs).toEqual(sampleReports);
  });

  it('keys follow the types, whatever order the runner built them in', () => {
    const [first] = sampleReports;
    const shuffled = { error: undefined, results: first!.results.map((r) => ({ ...r, matrix: undefined, name: r.name })), variant: first!.variant, lab: first!.lab, durationMs: first!.durationMs, startedAt: first!.startedAt } as LabReport;
    const lab = JSON.parse(toJsonReport([shuffled])).labs[0];
    expect(Object.keys(lab)).toEqual(['lab', 'variant', 'startedAt', 'durationMs', 'results']);
    expect(Object.keys(lab.results[0])).toEqual(['name', 'check', 'from', 'to', 'expected', 'outcome', 'status', 'detail', 'evidence', 'durationMs']);
  });

  it('an empty run', () => {
    expect(JSON.parse(toJsonReport([]))).toEqual({ podlab: 1, summary: { passed: 0, failed: 0, total: 0 }, labs: [] });
  });
});
