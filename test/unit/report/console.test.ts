import { describe, expect, it } from 'vitest';
import type { AssertionResult } from '../../../src/probe/results.js';
import { formatConsoleReport, formatMatrix, formatResultLine, matrixGrids } from '../../../src/report/console.js';
import { sampleReports } from './sample.js';

const results = sampleReports[0]!.results;
const byStatus = (status: string) => results.find((r) => r.status === status)!;

describe('formatResultLine', () => {
  it('PASS: status, name, from → to, expectation, seconds, no detail', () => {
    expect(formatResultLine(byStatus('PASS'))).toBe(
      'PASS  frontend reaches redis  pod/frontend-x7k2p → svc/redis-master:6379 (10.254.0.11:6379)  expected pass, got pass  0.12s',
    );
  });

  it('FAIL and XPASS carry the detail, XFAIL and XPASS the bug', () => {
    expect(formatResultLine(byStatus('FAIL'))).toMatch(/ 3\.51s — stdout lacked "hello"$/);
    expect(formatResultLine(byStatus('XFAIL'))).toMatch(/^XFAIL .* 2\.00s \[bug: hairpin NAT missing \(#42\)\]$/);
    expect(formatResultLine(byStatus('XPASS'))).toMatch(/^XPASS .* \[bug: flannel#1245\] — 3 packets received$/);
  });

  it('colors only the status, and keeps the alignment', () => {
    expect(formatResultLine(byStatus('PASS'), { color: true })).toMatch(/^\u001b\[32mPASS\u001b\[0m  frontend/);
    expect(formatResultLine(byStatus('FAIL'), { color: true })).toMatch(/^\u001b\[31mFAIL\u001b\[0m  /);
    expect(formatResultLine(byStatus('XFAIL'), { color: true })).toMatch(/^\u001b\[33mXFAIL\u001b\[0m /);
    expect(formatResultLine(byStatus('XPASS'), { color: true })).toMatch(/^\u001b\[31mXPASS\u001b\[0m /);
    expect(formatResultLine(byStatus('PASS'), { color: false })).not.toContain('\u001b');
  });

  it('stays one line whatever the detail holds', () => {
    const line = formatResultLine({ ...byStatus('FAIL'), detail: 'got\nthis\u001b[2J' });
    expect(line).not.toMatch(/[\n\u001b]/);
    expect(line).toMatch(/— got\\x0athis\\x1b\[2J$/);
  });
});

describe('formatMatrix', () => {
  it('one grid per matrix, rows first-seen, columns that are rows in row order, ! where the expectation was missed', () => {
    expect(formatMatrix(results)).toEqual([
      ['isolation', '            web  redis', '  frontend  ok   ok', '  web       ok   ok!'].join('\n'),
    ]);
  });

  it('a square matrix has its diagonal on the diagonal, though each row skips itself', () => {
    const base = byStatus('PASS');
    const at = (row: string, column: string) => ({ ...base, outcome: 'pass', matrix: { name: 'mesh', row, column } }) as AssertionResult;
    const grid = formatMatrix([at('a', 'b'), at('a', 'c'), at('b', 'a'), at('b', 'c'), at('c', 'a'), at('c', 'b')]);
    expect(grid).toEqual([['mesh', '     a    b    c', '  a       ok   ok', '  b  ok        ok', '  c  ok   ok'].join('\n')]);
  });

  it('a tcp matrix, whose columns carry the port and whose rows do not, has its diagonal on the diagonal too', () => {
    const base = byStatus('PASS');
    const at = (row: string, column: string) => ({ ...base, outcome: 'pass', matrix: { name: 'tcp mesh', row, column } }) as AssertionResult;
    const grid = formatMatrix([at('pod/c', 'pod/a:80'), at('pod/c', 'pod/b:80'), at('pod/a', 'pod/b:80'), at('pod/a', 'pod/c:80'), at('pod/b', 'pod/a:80'), at('pod/b', 'pod/c:80')]);
    expect(grid).toEqual([
      [
        'tcp mesh',
        '         pod/c:80  pod/a:80  pod/b:80',
        '  pod/c            ok        ok',
        '  pod/a  ok                  ok',
        '  pod/b  ok        ok',
      ].join('\n'),
    ]);
  });

  it('the grid model behind the text: blanks only where a row meets its own column', () => {
    const base = byStatus('PASS');
    const at = (row: string, column: string) => ({ ...base, outcome: 'fail', matrix: { name: 'm', row, column } }) as AssertionResult;
    expect(matrixGrids([at('b', 'a:80'), at('a', 'b:80')])).toEqual([{ name: 'm', rows: ['b', 'a'], columns: ['b:80', 'a:80'], cells: [['', '--'], ['--', '']] }]);
  });

  it('columns that are no row follow the rows\' columns, first-seen; a row that is no column keeps its place', () => {
    const base = byStatus('PASS');
    const at = (row: string, column: string) => ({ ...base, outcome: 'pass', matrix: { name: 'm', row, column } }) as AssertionResult;
    const grid = formatMatrix([at('host', 'pod/x'), at('b', 'pod/x'), at('b', 'a'), at('a', 'b'), at('a', 'pod/y')]);
    expect(grid).toEqual([['m', '        b    a    pod/x  pod/y', '  host            ok', '  b          ok   ok', '  a     ok               ok'].join('\n')]);
  });

  it('separate grids per name, blank cells where a pair was not probed', () => {
    const base = byStatus('PASS');
    const at = (name: string, row: string, column: string, outcome: 'pass' | 'fail', status: AssertionResult['status']) =>
      ({ ...base, outcome, status, matrix: { name, row, column } }) as AssertionResult;
    const grids = formatMatrix([
      at('b', 'n2', 'x', 'fail', 'PASS'),
      base,
      at('a', 'n1', 'long-column', 'pass', 'PASS'),
      at('b', 'n1', 'y', 'fail', 'FAIL'),
    ]);
    expect(grids).toEqual([
      ['b', '      x    y', '  n2  --', '  n1       --!'].join('\n'),
      ['a', '      long-column', '  n1  ok'].join('\n'),
    ]);
  });

  it('nothing without matrix results', () => {
    expect(formatMatrix([byStatus('PASS')])).toEqual([]);
  });
});

describe('formatConsoleReport', () => {
  it('a lab that errored before testing shows the error under its heading', () => {
    expect(formatConsoleReport(sampleReports[1]!)).toBe(
      'lab nginx-service (variant ipvs)\n  error: kube-proxy did not start on node2: exit code 1\n    iptables-restore: line 3 failed',
    );
  });

  it('has no summary line (the caller prints one over all labs)', () => {
    expect(formatConsoleReport(sampleReports[0]!)).not.toMatch(/passed, \d+ failed/);
  });
});
