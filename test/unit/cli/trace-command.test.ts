// podlab trace's input: FROM and TO resolved against the lab view, exit 2 for whatever names
// nothing, and a lab whose driver cannot trace refused before anything runs.
import { describe, expect, it, vi } from 'vitest';
import { traceLab, traceRequest } from '../../../src/cli/commands/trace.js';
import type { RunningLab } from '../../../src/drivers/driver.js';
import { InputError } from '../../../src/errors.js';
import type { LabView } from '../../../src/probe/view.js';
import type { Trace } from '../../../src/trace/types.js';

const VIEW: LabView = {
  nodes: [{ name: 'node1', ip: '172.31.0.11' }, { name: 'node2', ip: '172.31.0.12' }],
  pods: [
    { namespace: 'default', name: 'client', node: 'node1', labels: {}, owner: '', index: 0, ip: '10.1.1.2' },
    { namespace: 'default', name: 'web-x1y2z', node: 'node2', labels: {}, owner: 'Deployment/web', index: 1, ip: '10.1.2.2' },
  ],
  services: [{ namespace: 'default', name: 'web', clusterIP: '10.254.0.11', ports: [{ name: '', port: 8125, protocol: 'TCP' }] }],
  hostIP: '172.31.0.1',
};

function inputError(work: () => unknown): InputError {
  try {
    work();
  } catch (error) {
    expect(error).toBeInstanceOf(InputError);
    return error as InputError;
  }
  throw new Error('expected an InputError');
}

describe('traceRequest', () => {
  it('resolves a pod source and a controller-named pod destination, naming the pod', () => {
    expect(traceRequest(VIEW, 'pod/client', 'pod/web:80')).toEqual({
      source: { kind: 'pod', pod: VIEW.pods[0] },
      destination: { display: 'pod/web-x1y2z:80', ip: '10.1.2.2', port: 80, pod: VIEW.pods[1] },
    });
  });
  it('takes a service (its first port), a node, the host and an IP', () => {
    expect(traceRequest(VIEW, 'node/node2', 'svc/web').destination).toEqual({ display: 'svc/web', ip: '10.254.0.11', port: 8125 });
    expect(traceRequest(VIEW, 'host', '10.1.2.2', 'icmp')).toMatchObject({ source: { kind: 'host' }, destination: { ip: '10.1.2.2' }, proto: 'icmp' });
  });
  it('leaves a DNS name to the source to resolve', () => {
    expect(traceRequest(VIEW, 'pod/client', 'mysql:3306').destination).toEqual({ display: 'mysql:3306', name: 'mysql', port: 3306 });
  });
  it('refuses a source or destination that names nothing, saying which and why', () => {
    expect(inputError(() => traceRequest(VIEW, 'pod/nope', 'pod/client')).message).toBe('FROM: pod/nope: no pod or controller named "nope" in namespace default');
    expect(inputError(() => traceRequest(VIEW, 'pod/client', 'svc/db:3306')).message).toBe('TO: svc/db:3306: no service "db" in namespace default');
    expect(inputError(() => traceRequest(VIEW, '10.1.1.2', 'pod/client')).message).toMatch(/^FROM: 10\.1\.1\.2: a probe runs in a pod, a node or the host/);
    expect(inputError(() => traceRequest(VIEW, 'pod/client', 'foo/bar')).message).toMatch(/^TO: "foo\/bar": expected pod\/NAME/);
  });
  it('refuses tcp or udp without a port', () => {
    expect(inputError(() => traceRequest(VIEW, 'pod/client', 'node/node2', 'udp')).message).toBe('TO: node/node2: --proto udp needs a port (node/node2:PORT)');
  });
});

describe('traceLab', () => {
  const lab = (trace?: RunningLab['trace']): RunningLab =>
    ({ name: 'l', driver: 'kube', view: async () => VIEW, ...(trace ? { trace } : {}) }) as unknown as RunningLab;

  it('refuses a lab whose driver cannot trace, naming the driver', async () => {
    await expect(traceLab(lab(), 'pod/client', 'pod/web:80', undefined, new AbortController().signal)).rejects.toThrow(new InputError('lab l runs on the kube driver, which cannot trace yet (podlab trace works on dind and kind labs, whose nodes it can enter)'));
  });
  it('hands the driver the resolved request and returns its trace', async () => {
    const made = { verdict: { kind: 'dropped' } } as Trace;
    const trace = vi.fn(async () => made);
    const signal = new AbortController().signal;
    expect(await traceLab(lab(trace), 'pod/client', 'pod/web:80', 'tcp', signal)).toBe(made);
    expect(trace).toHaveBeenCalledWith({ source: { kind: 'pod', pod: VIEW.pods[0] }, destination: expect.objectContaining({ ip: '10.1.2.2', port: 80 }), proto: 'tcp' }, signal);
  });
});
