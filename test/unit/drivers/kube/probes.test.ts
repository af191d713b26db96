import { describe, expect, it } from 'vitest';
import { hostProbeRefusal } from '../../../../src/drivers/kube/host-guard.js';
import { mapLabNodes, nodeAddress, schedulableNodes } from '../../../../src/drivers/kube/nodes.js';
import { nodeProbePod } from '../../../../src/drivers/kube/probe-pods.js';
import type { KubeNode } from '../../../../src/drivers/kube/readiness.js';

const node = (name: string, spec: KubeNode['spec'] = {}, ip = ''): KubeNode => ({ metadata: { name }, spec, status: { addresses: [{ type: 'Hostname', address: name }, { type: 'InternalIP', address: ip }] } });
const cluster = [node('w2'), node('cp', { taints: [{ key: 'node-role.kubernetes.io/control-plane', effect: 'NoSchedule' }] }), node('w1'), node('cordoned', { unschedulable: true }), node('w3', { taints: [{ key: 'x', effect: 'PreferNoSchedule' }] })];

describe('lab nodes on a cluster', () => {
  it('by order of the schedulable nodes, by name', () => {
    expect(schedulableNodes(cluster)).toEqual(['w1', 'w2', 'w3']);
    expect([...mapLabNodes(['node1', 'node2'], undefined, cluster)]).toEqual([['node1', 'w1'], ['node2', 'w2']]);
  });

  it('as kube.nodes says, even onto a tainted node; unknown cluster nodes and too few nodes are bad input', () => {
    expect([...mapLabNodes(['node1'], { node1: 'cp' }, cluster)]).toEqual([['node1', 'cp']]);
    expect(() => mapLabNodes(['node1'], { node1: 'nope' }, cluster)).toThrow(/no node "nope" \(for node1\)/);
    expect(() => mapLabNodes(['a', 'b', 'c', 'd'], undefined, cluster)).toThrow(/4 nodes but the cluster has 3 schedulable/);
  });

  it('knows a node by its InternalIP', () => {
    expect(nodeAddress(node('w1', {}, '10.0.0.5'))).toBe('10.0.0.5');
  });

  it('a node probe pod shares the node\'s network, pinned to it, tolerating every taint', () => {
    const pod = nodeProbePod({ lab: 'gb', labNode: 'node1', clusterNode: 'w1', namespace: 'default', image: 'reg/probe:1', pullPolicy: 'IfNotPresent' }) as { metadata: { labels: object }; spec: Record<string, unknown> };
    expect(pod.metadata.labels).toEqual({ 'podlab.lab': 'gb', 'podlab.role': 'probe', 'podlab.node': 'node1' });
    expect(pod.spec).toMatchObject({ nodeName: 'w1', hostNetwork: true, dnsPolicy: 'Default', tolerations: [{ operator: 'Exists' }] });
  });
});

describe('host probes on a kube lab', () => {
  const lab = new Set(['172.31.0.3', '10.1.70.2']);
  it('run only towards the lab\'s own addresses', () => {
    expect(hostProbeRefusal(['curl', '-sS', 'http://172.31.0.3:30001/index.html'], lab)).toBeUndefined();
    expect(hostProbeRefusal(['ping', '-c', '1', '-W', '1', '8.8.8.8'], lab)).toMatch(/8\.8\.8\.8 is not one/);
    expect(hostProbeRefusal(['dig', '+search', 'example.com'], lab)).toMatch(/not a name/);
  });
});
