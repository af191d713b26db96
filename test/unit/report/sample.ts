// The one input every golden file is produced from: each status, a 2x2 matrix with a cell that
// missed its expectation, a lab that could not be brought up, and output that XML must escape
// (<&>"') or drop (a bell and a NUL).
import { statusOf, type AssertionResult, type LabReport } from '../../../src/probe/results.js';

type Cell = Pick<AssertionResult, 'name' | 'check' | 'from' | 'to' | 'expected' | 'outcome' | 'detail'> &
  Partial<Pick<AssertionResult, 'bug' | 'matrix'>> & { command: string; exitCode: number; output: string; ms: number; attempts?: number };

function result(c: Cell): AssertionResult {
  const attempts = c.attempts ?? 1;
  return {
    name: c.name,
    check: c.check,
    from: c.from,
    to: c.to,
    expected: c.expected,
    outcome: c.outcome,
    status: statusOf(c.expected, c.outcome, c.bug),
    ...(c.bug !== undefined ? { bug: c.bug } : {}),
    detail: c.detail,
    evidence: { command: c.command, exitCode: c.exitCode, output: c.output, durationMs: Math.round(c.ms / attempts), attempts },
    durationMs: c.ms,
    ...(c.matrix ? { matrix: c.matrix } : {}),
  };
}

function cell(row: string, column: string, to: string, expected: 'pass' | 'fail', outcome: 'pass' | 'fail'): AssertionResult {
  const ip = to === 'svc/redis-master:6379' ? '10.254.0.11 6379' : '10.254.0.20 80';
  return result({
    name: `isolation: ${row} → ${column}`,
    check: 'tcp',
    from: `pod/${row}`,
    to,
    expected,
    outcome,
    detail: outcome === 'pass' ? 'connected' : 'connection timed out after 2s',
    command: `kubectl exec ${row} -- nc -z -w 2 ${ip}`,
    exitCode: outcome === 'pass' ? 0 : 1,
    output: '',
    ms: outcome === 'pass' ? 14 : 2005,
    matrix: { name: 'isolation', row, column },
  });
}

export const sampleReports: LabReport[] = [
  {
    lab: 'guestbook',
    variant: 'default',
    startedAt: '2025-03-14T09:26:53.589Z',
    durationMs: 12_345,
    results: [
      result({
        name: 'frontend reaches redis',
        check: 'tcp',
        from: 'pod/frontend-x7k2p',
        to: 'svc/redis-master:6379 (10.254.0.11:6379)',
        expected: 'pass',
        outcome: 'pass',
        detail: 'connected',
        command: 'kubectl exec frontend-x7k2p -- nc -z -w 2 10.254.0.11 6379',
        exitCode: 0,
        output: '',
        ms: 118,
      }),
      result({
        name: 'home page greets',
        check: 'http',
        from: 'host',
        to: 'http://10.0.0.2:30080/',
        expected: 'pass',
        outcome: 'fail',
        detail: 'stdout lacked "hello"',
        command: "curl -sS --max-time 5 'http://10.0.0.2:30080/?a=1&b=2'",
        exitCode: 0,
        output: `<h1>Tom & "Jerry's" page</h1>\u0007\u0000\nbye`,
        ms: 3_512,
        attempts: 3,
      }),
      result({
        name: 'hairpin to own service',
        check: 'tcp',
        from: 'pod/redis-master-0',
        to: 'svc/redis-master:6379 (10.254.0.11:6379)',
        expected: 'fail',
        outcome: 'fail',
        bug: 'hairpin NAT missing (#42)',
        detail: 'connection timed out after 2s',
        command: 'kubectl exec redis-master-0 -- nc -z -w 2 10.254.0.11 6379',
        exitCode: 1,
        output: 'nc: 10.254.0.11 (10.254.0.11:6379): Connection timed out',
        ms: 2_004,
      }),
      result({
        name: 'node1 cannot reach pods on node2',
        check: 'ping',
        from: 'node/node1',
        to: 'pod/redis-slave-1 (10.1.2.3)',
        expected: 'fail',
        outcome: 'pass',
        bug: 'flannel#1245',
        detail: '3 packets received',
        command: 'ping -c 3 -W 1 10.1.2.3',
        exitCode: 0,
        output: '3 packets transmitted, 3 received, 0% packet loss',
        ms: 2_031,
      }),
      cell('frontend', 'redis', 'svc/redis-master:6379', 'pass', 'pass'),
      cell('frontend', 'web', 'svc/web:80', 'pass', 'pass'),
      cell('web', 'redis', 'svc/redis-master:6379', 'fail', 'pass'),
      cell('web', 'web', 'svc/web:80', 'pass', 'pass'),
    ],
  },
  {
    lab: 'nginx-service',
    variant: 'ipvs',
    startedAt: '2025-03-14T09:27:06.101Z',
    durationMs: 30_512,
    results: [],
    error: 'kube-proxy did not start on node2: exit code 1\niptables-restore: line 3 failed',
  },
];
