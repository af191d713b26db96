// Tracing after the probes: only the results that want it, each with its own probe's source
// and destination, in their places; a trace that fails is reported on its result, an abort is not.
import { describe, expect, it, vi } from 'vitest';
import { traceFailures } from '../../../src/cli/trace-failures.js';
import type { RunningLab, TraceRequest } from '../../../src/drivers/driver.js';
import { parseLab } from '../../../src/lab/load.js';
import { expandAssertions } from '../../../src/probe/expand.js';
import { statusOf, type AssertionResult } from '../../../src/probe/results.js';
import type { LabView } from '../../../src/probe/view.js';
import type { Trace } from '../../../src/trace/types.js';

const VIEW: LabView = {
  nodes: [{ name: 'node1', ip: '172.31.0.11' }, { name: 'node2', ip: '172.31.0.12' }],
  pods: [
    { namespace: 'default', name: 'client', node: 'node1', labels: {}, owner: '', index: 0, ip: '10.1.1.2' },
    { namespace: 'default', name: 'web', node: 'node2', labels: {}, owner: '', index: 1, ip: '10.1.2.2' },
  ],
  services: [],
};

const lab = parseLab('/l/lab.yaml', `name: t
nodes: [node1, node2]
assertions:
  - {name: passes, from: pod/client, ping: pod/web, trace: on-failure}
  - {name: to web, from: pod/client, tcp: "pod/web:80", trace: on-failure}
  - {name: untraced, from: pod/client, ping: pod/web}
  - {name: from node2, from: node/node2, ping: pod/client, trace: on-failure}
`);
const { probes } = expandAssertions(lab.assertions, VIEW);
const outcomes = ['pass', 'fail', 'fail', 'fail'] as const;
const results: AssertionResult[] = probes.map((probe, i) => ({
  name: probe.name, check: probe.check, from: probe.from, to: probe.to, expected: 'pass', outcome: outcomes[i]!,
  status: statusOf('pass', outcomes[i]!), detail: '', durationMs: 1, evidence: { command: 'x', exitCode: 1, output: '', durationMs: 1, attempts: 1 },
}));

function fakeTrace(request: TraceRequest): Trace {
  return {
    lab: 't', source: request.source.kind, destination: request.destination.display, proto: request.proto ?? 'icmp', key: { token: 'k', proto: 'icmp' },
    probe: { command: '', exitCode: 1, output: '' }, hops: [], replies: [], retransmissions: 0, conntrack: [], durationMs: 10,
    verdict: { kind: 'dropped', nat: [], summary: `dropped on the way to ${request.destination.display}` },
  };
}

const running = (trace?: RunningLab['trace']) => ({ name: 't', driver: 'dind', ...(trace ? { trace } : {}) }) as unknown as RunningLab;
const options = (all = false) => ({ all, view: VIEW, signal: new AbortController().signal });

describe('traceFailures', () => {
  it('traces the failures that asked for it, each from its own source, and keeps the order', async () => {
    const trace = vi.fn(async (request: TraceRequest) => fakeTrace(request));
    const traced = await traceFailures(running(trace), probes, results, options());
    expect(traced.map((result) => result.trace?.verdict)).toEqual([undefined, 'DROPPED: dropped on the way to pod/web:80', undefined, 'DROPPED: dropped on the way to pod/client']);
    expect(trace).toHaveBeenCalledTimes(2);
    const requests = trace.mock.calls.map(([request]) => request);
    expect(requests).toContainEqual({ source: probes[1]!.source, proto: 'tcp', destination: expect.objectContaining({ ip: '10.1.2.2', port: 80 }) });
    expect(requests).toContainEqual({ source: { kind: 'node', node: VIEW.nodes[1] }, proto: 'icmp', destination: expect.objectContaining({ ip: '10.1.1.2' }) });
    expect(traced[1]!.trace!.rendered).toContain('verdict: DROPPED');
  });

  it('traces every failure with --trace-failures', async () => {
    const traced = await traceFailures(running(async (request) => fakeTrace(request)), probes, results, options(true));
    expect(traced.map((result) => Boolean(result.trace))).toEqual([false, true, true, true]);
  });

  it('reports a trace that failed on its result and goes on', async () => {
    const trace = vi.fn(async (request: TraceRequest) => {
      if (request.destination.port === 80) throw new Error('xtables-monitor did not start on node2');
      return fakeTrace(request);
    });
    const traced = await traceFailures(running(trace), probes, results, options());
    expect(traced[1]!.trace).toEqual({ verdict: 'no trace: xtables-monitor did not start on node2', rendered: 'no trace: xtables-monitor did not start on node2' });
    expect(traced[3]!.trace?.data).toBeDefined();
  });

  it('stops on an abort instead of reporting it as a failed trace', async () => {
    const controller = new AbortController();
    const trace = vi.fn(async () => {
      controller.abort(new Error('interrupted'));
      throw new Error('interrupted');
    });
    await expect(traceFailures(running(trace), probes, results, { all: false, view: VIEW, signal: controller.signal })).rejects.toThrow('interrupted');
  });

  it('leaves the results as they are on a driver that cannot trace', async () => {
    const log = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    expect(await traceFailures(running(), probes, results, options(true))).toEqual(results);
    expect(log).toHaveBeenCalledTimes(1);
    log.mockRestore();
  });
});
