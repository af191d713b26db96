import { describe, expect, it } from 'vitest';
import { parseLab } from '../../../src/lab/load.js';
import { expandAssertions, expectationFor, filterProbes } from '../../../src/probe/expand.js';
import { parseTarget, parseDuration } from '../../../src/probe/targets.js';
import type { LabView } from '../../../src/probe/view.js';

const VIEW: LabView = {
  nodes: [{ name: 'node1', ip: '172.31.0.11' }, { name: 'node2', ip: '172.31.0.12' }],
  pods: [
    { namespace: 'default', name: 'redis-master-abcde', node: 'node1', labels: { name: 'redis-master' }, owner: 'ReplicationController/redis-master', index: 0, ip: '10.1.1.2' },
    { namespace: 'default', name: 'redis-slave-fghij', node: 'node1', labels: { name: 'redis-slave' }, owner: 'ReplicationController/redis-slave', index: 1, ip: '10.1.1.3' },
    { namespace: 'default', name: 'redis-slave-klmno', node: 'node2', labels: { name: 'redis-slave' }, owner: 'ReplicationController/redis-slave', index: 2, ip: '10.1.2.2' },
    { namespace: 'prod', name: 'busybox', node: 'node2', labels: { app: 'bb' }, owner: '', index: 3, ip: '10.1.2.3' },
  ],
  services: [{ namespace: 'default', name: 'redis-master', clusterIP: '10.254.0.11', ports: [{ name: '', port: 6379, protocol: 'TCP' }] }],
  hostIP: '172.31.0.1',
};

function assertions(yaml: string, variant?: string) {
  const lab = parseLab('/l/lab.yaml', `name: t\nnodes: [node1, node2]\nvariants: {no-overlay: {network: {overlay: none}}}\nassertions:\n${yaml}`, variant);
  return expandAssertions(lab.assertions, VIEW, lab.variant);
}

describe('targets', () => {
  it('parses every form of SPEC §3', () => {
    expect(parseTarget('pod/redis-slave#2')).toEqual({ kind: 'pod', name: 'redis-slave', namespace: 'default', index: 2 });
    expect(parseTarget('pod/busybox.prod')).toEqual({ kind: 'pod', name: 'busybox', namespace: 'prod', index: 1 });
    expect(parseTarget('pods/app=x,tier=y')).toEqual({ kind: 'pods', selector: { app: 'x', tier: 'y' } });
    expect(parseTarget('pods/all')).toEqual({ kind: 'pods', selector: 'all' });
    expect(parseTarget('svc/redis-master:6379')).toEqual({ kind: 'svc', name: 'redis-master', namespace: 'default', port: 6379 });
    expect(parseTarget('node/node2:30001')).toEqual({ kind: 'node', name: 'node2', port: 30001 });
    expect(parseTarget('host')).toEqual({ kind: 'host' });
    expect(parseTarget('10.1.2.3:80')).toEqual({ kind: 'ip', ip: '10.1.2.3', port: 80 });
    expect(() => parseTarget('pods/app')).toThrow(/expected pods\/all or pods\/key=value/);
    expect(() => parseTarget('service/x')).toThrow(/expected pod\/NAME/);
    expect(parseDuration('20s')).toBe(20_000);
    expect(parseDuration('500ms')).toBe(500);
    expect(parseDuration(2)).toBe(2000);
  });
});

describe('expansion', () => {
  it('leaves out assertions limited to other drivers, and checks all of them before up', () => {
    const lab = parseLab('/l/lab.yaml', 'name: t\nnodes: [node1, node2]\nassertions:\n  - {name: docker0, from: node/node1, exec: [ip, addr, show, docker0], drivers: [dind]}\n  - {name: everywhere, from: host, ping: node/node1}\n');
    expect(expandAssertions(lab.assertions, VIEW, undefined, 'kind').probes.map((probe) => probe.name)).toEqual(['everywhere']);
    expect(expandAssertions(lab.assertions, VIEW, undefined, 'dind').probes.map((probe) => probe.name)).toEqual(['docker0', 'everywhere']);
    expect(expandAssertions(lab.assertions, VIEW).probes).toHaveLength(2);
  });

  it('resolves pod/NAME#N against a controller\'s pods in creation order', () => {
    const { probes } = assertions('  - {name: slave 2, from: pod/redis-slave#2, exec: [redis-cli, get, messages], stdout: hi, within: 20s}\n');
    expect(probes[0]!.source).toMatchObject({ kind: 'pod', pod: { name: 'redis-slave-klmno' } });
    expect(probes[0]!.withinMs).toBe(20_000);
    expect(probes[0]!.to).toBe('redis-cli get messages');
  });

  it('resolves services to ClusterIP and first port, nodes to underlay addresses', () => {
    const { probes } = assertions(
      '  - {name: a, from: pod/redis-master, tcp: svc/redis-master:6379}\n  - {name: b, from: host, http: {to: "node/node2:30001", path: /x, contains: y}}\n  - {name: c, from: pod/redis-master, ping: svc/redis-master, expect: fail}\n',
    );
    expect(probes.map((probe) => [probe.from, probe.to, probe.destination?.ip, probe.destination?.port])).toEqual([
      ['pod/redis-master-abcde', 'svc/redis-master:6379', '10.254.0.11', 6379],
      ['host', 'node/node2:30001/x', '172.31.0.12', 30001],
      ['pod/redis-master-abcde', 'svc/redis-master', '10.254.0.11', 6379],
    ]);
    expect(probes.map((probe) => probe.timeoutMs)).toEqual([3000, 3000, 1000]);
  });

  it('expands a matrix to every ordered pair but a pod with itself', () => {
    const { probes } = assertions('  - {name: mesh, matrix: {from: pods/all, to: pods/name=redis-slave}}\n');
    expect(probes).toHaveLength(4 * 2 - 2);
    expect(probes.every((probe) => probe.check === 'ping' && probe.matrix?.name === 'mesh')).toBe(true);
    expect(probes[0]!.name).toBe('mesh: pod/redis-master-abcde → pod/redis-slave-fghij');
  });

  it('names a pod outside default with its namespace, as a row and as a column alike', () => {
    const { probes } = assertions('  - {name: mesh, matrix: {from: pods/all, to: pods/all}}\n');
    const toBusybox = probes.filter((probe) => probe.destination?.ip === '10.1.2.3');
    expect(toBusybox.map((probe) => probe.matrix?.column)).toEqual(['pod/busybox.prod', 'pod/busybox.prod', 'pod/busybox.prod']);
    const rows = new Set(probes.map((probe) => probe.matrix!.row));
    const columns = new Set(probes.map((probe) => probe.matrix!.column));
    expect([...columns].sort()).toEqual([...rows].sort());
  });

  it('expands a host row of a matrix, with its own expectation', () => {
    const { probes } = assertions('  - {name: mesh, matrix: {from: host, to: pods/all}, expect: fail}\n');
    expect(probes.map((probe) => probe.from)).toEqual(['host', 'host', 'host', 'host']);
    expect(probes.every((probe) => probe.expected === 'fail')).toBe(true);
  });

  it('reports a target that names nothing, per assertion', () => {
    const { problems } = assertions(
      '  - {name: a, from: pod/nope, ping: host}\n  - {name: b, from: host, tcp: svc/missing:80}\n  - {name: c, matrix: {from: pods/app=none, to: pods/all}}\n  - {name: d, from: pod/redis-slave#3, ping: host}\n',
    );
    expect(problems).toEqual([
      { index: 0, field: 'from', message: 'pod/nope: no pod or controller named "nope" in namespace default' },
      { index: 1, field: 'tcp', message: 'svc/missing:80: no service "missing" in namespace default' },
      { index: 2, field: 'matrix.from', message: 'pods/app=none: matches no pod' },
      { index: 3, field: 'from', message: 'pod/redis-slave#3: "redis-slave" has 2 pod(s), no #3' },
    ]);
  });
});

describe('filter', () => {
  it('keeps the probes whose name contains the text, matrix cells included', () => {
    const { probes } = assertions('  - {name: slave sync, from: pod/redis-slave, exec: [redis-cli, ping]}\n  - {name: mesh, matrix: {from: pods/name=redis-slave, to: pods/name=redis-slave}}\n');
    expect(filterProbes(probes, 'slave sync').map((probe) => probe.name)).toEqual(['slave sync']);
    expect(filterProbes(probes, 'mesh')).toHaveLength(2);
    expect(filterProbes(probes, 'pod/redis-slave-klmno →').map((probe) => probe.name)).toEqual(['mesh: pod/redis-slave-klmno → pod/redis-slave-fghij']);
    expect(filterProbes(probes, undefined)).toHaveLength(3);
  });
});

describe('expectations', () => {
  it('pick the variant\'s entry, then default, then pass', () => {
    const lab = parseLab('/l.yaml', 'name: t\nnodes: [a]\nvariants: {broken: {}, other: {}}\nassertions:\n  - {name: x, from: host, ping: host, expect: {default: pass, broken: fail}}\n  - {name: y, from: host, ping: host, expect: {broken: fail}}\n');
    const [x, y] = lab.assertions;
    expect(expectationFor(x!, undefined)).toBe('pass');
    expect(expectationFor(x!, 'broken')).toBe('fail');
    expect(expectationFor(x!, 'other')).toBe('pass');
    expect(expectationFor(y!, undefined)).toBe('pass');
  });

  it('reject a variant the lab does not have, at its line', () => {
    expect(() => parseLab('/l.yaml', 'name: t\nnodes: [a]\nassertions:\n  - {name: x, from: host, ping: host, expect: {default: pass, brokn: fail}}\n')).toThrow(
      /\/l\.yaml:4:\d+: assertions\[0\]\.expect\.brokn: no variant "brokn"; expected default/,
    );
  });
});

describe('assertion schema', () => {
  const bad = (yaml: string) => () => parseLab('/l.yaml', `name: t\nnodes: [a]\nassertions:\n${yaml}`);
  it('wants exactly one check, a source, and options that fit the check', () => {
    expect(bad('  - {name: x, from: host}\n')).toThrow(/expected one check: ping, tcp, http, dns, exec, matrix/);
    expect(bad('  - {name: x, from: host, ping: host, tcp: "node/a:1"}\n')).toThrow(/one check per assertion; this one has ping and tcp/);
    expect(bad('  - {name: x, ping: host}\n')).toThrow(/assertions\[0\]\.from: required/);
    expect(bad('  - {name: x, from: host, tcp: svc/x}\n')).toThrow(/tcp needs a port/);
    expect(bad('  - {name: x, from: host, ping: host, stdout: hi}\n')).toThrow(/stdout goes with a exec check/);
    expect(bad('  - {name: x, from: pods/all, ping: host}\n')).toThrow(/pods\/… belongs in a matrix/);
    expect(bad('  - {name: x, from: host, ping: host, within: soon}\n')).toThrow(/expected a duration/);
    expect(bad('  - {name: x, from: host, ping: host, colour: red}\n')).toThrow(/assertions\[0\]\.colour: unknown field/);
  });
});
