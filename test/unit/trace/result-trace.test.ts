// Which results get a trace (`trace: on-failure`, `--trace-failures`) and how a result holds it.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseLab } from '../../../src/lab/load.js';
import { expandAssertions, type Probe } from '../../../src/probe/expand.js';
import { statusOf, type AssertionResult, type Outcome } from '../../../src/probe/results.js';
import type { LabView } from '../../../src/probe/view.js';
import { assembleTrace, type RawTrace } from '../../../src/trace/assemble.js';
import { renderTrace } from '../../../src/trace/render.js';
import { resultTrace, traceFailed, traceWanted, verdictLine } from '../../../src/trace/result-trace.js';

const VIEW: LabView = {
  nodes: [{ name: 'node1', ip: '172.31.0.11' }, { name: 'node2', ip: '172.31.0.12' }],
  pods: [
    { namespace: 'default', name: 'client', node: 'node1', labels: {}, owner: '', index: 0, ip: '10.1.1.2' },
    { namespace: 'default', name: 'web', node: 'node2', labels: {}, owner: '', index: 1, ip: '10.1.2.2' },
  ],
  services: [],
};

function probes(yaml: string): Probe[] {
  const lab = parseLab('/l/lab.yaml', `name: t\nnodes: [node1, node2]\nassertions:\n${yaml}`);
  return expandAssertions(lab.assertions, VIEW).probes;
}

function resultOf(probe: Probe, outcome: Outcome): AssertionResult {
  return {
    name: probe.name, check: probe.check, from: probe.from, to: probe.to, expected: probe.expected, outcome,
    status: statusOf(probe.expected, outcome, probe.bug), detail: '', durationMs: 1,
    evidence: { command: 'x', exitCode: outcome === 'pass' ? 0 : 1, output: '', durationMs: 1, attempts: 1 },
  };
}

const [onFailure, plain, xfail, dns] = probes(`
  - {name: on-failure, from: pod/client, tcp: "pod/web:80", trace: on-failure}
  - {name: plain, from: pod/client, ping: pod/web}
  - {name: bug, from: pod/client, ping: pod/web, expect: fail, bug: "b", trace: on-failure}
  - {name: dns, from: pod/client, dns: web, trace: on-failure}
`);

describe('traceWanted', () => {
  it('traces a failure of an assertion that asks for it, as a SYN to its pod', () => {
    expect(traceWanted(resultOf(onFailure!, 'fail'), onFailure!, VIEW, false)).toEqual({
      proto: 'tcp', destination: { display: 'pod/web:80', ip: '10.1.2.2', port: 80, pod: VIEW.pods[1] },
    });
  });
  it('leaves a pass alone, also with --trace-failures', () => {
    expect(traceWanted(resultOf(onFailure!, 'pass'), onFailure!, VIEW, true)).toBeUndefined();
  });
  it('traces a failure of any assertion only with --trace-failures', () => {
    expect(traceWanted(resultOf(plain!, 'fail'), plain!, VIEW, false)).toBeUndefined();
    expect(traceWanted(resultOf(plain!, 'fail'), plain!, VIEW, true)).toMatchObject({ proto: 'icmp' });
  });
  it('traces an XFAIL (the bug is still there: where?) and an XPASS', () => {
    expect(resultOf(xfail!, 'fail').status).toBe('XFAIL');
    expect(traceWanted(resultOf(xfail!, 'fail'), xfail!, VIEW, false)).toMatchObject({ proto: 'icmp' });
    expect(traceWanted(resultOf(xfail!, 'pass'), xfail!, VIEW, false)).toMatchObject({ proto: 'icmp' });
  });
  it('has nothing to follow for dns, quietly', () => {
    expect(traceWanted(resultOf(dns!, 'fail'), dns!, VIEW, true)).toBeUndefined();
  });
});

describe('the trace a result holds', () => {
  const trace = assembleTrace(JSON.parse(readFileSync(join(import.meta.dirname, '..', '..', 'fixtures', 'trace', 'forward-drop-broken.json'), 'utf8')) as RawTrace);

  it('is the verdict in one line, the rendered trace and the data', () => {
    expect(verdictLine(trace)).toBe('DROPPED: dropped by the filter FORWARD policy DROP on node2');
    expect(resultTrace(trace)).toEqual({ verdict: verdictLine(trace), rendered: renderTrace(trace), data: trace });
  });
  it('says why when no trace could be made, in one line', () => {
    expect(traceFailed(new Error('node1 did not answer\nstack...'))).toEqual({ verdict: 'no trace: node1 did not answer', rendered: 'no trace: node1 did not answer' });
  });
});

describe('trace: in a lab file', () => {
  it('takes on-failure and nothing else', () => {
    expect(() => probes('  - {name: a, from: pod/client, ping: pod/web, trace: always}')).toThrow(/trace.*expected on-failure/s);
  });
});
