// What counts as "up" on a kind lab, CoreDNS without forwarding, and the API server's objects as
// podlab's pods and services: pure, over `kubectl get -o json` shapes.
import { describe, expect, it } from 'vitest';
import { corefileWithoutForward } from '../../../../src/drivers/kind/coredns.js';
import { hopelessPods, notReadyNodes, notReadyPods, servicesWithoutEndpoints, type KubePod } from '../../../../src/drivers/kind/readiness.js';
import { podInfos, serviceInfo } from '../../../../src/drivers/kind/running-lab.js';

const pod = (name: string, ready: boolean, extra: Partial<KubePod['status']> = {}, labels: Record<string, string> = { app: 'web' }): KubePod => ({
  metadata: { name, namespace: 'default', labels, creationTimestamp: '2026-11-22T10:00:00Z' },
  spec: { nodeName: 'lab-worker2', containers: [{ name: 'c', image: 'podlab/nginx' }] },
  status: { phase: 'Running', podIP: '10.1.2.3', conditions: [{ type: 'Ready', status: ready ? 'True' : 'False' }], ...extra },
});

describe('kind readiness', () => {
  it('lists nodes and pods that are not Ready, with the reason a person looks for', () => {
    expect(notReadyNodes([{ metadata: { name: 'a' }, status: { conditions: [{ type: 'Ready', status: 'False' }] } }, { metadata: { name: 'b' }, status: { conditions: [{ type: 'Ready', status: 'True' }] } }])).toEqual(['a']);
    const waiting = pod('web-1', false, { containerStatuses: [{ name: 'c', ready: false, state: { waiting: { reason: 'ContainerCreating' } } }] });
    expect(notReadyPods([waiting, pod('web-2', true)])).toEqual(['default/web-1 (ContainerCreating)']);
  });

  it('gives up at once on a pod whose image is not there (never pulled)', () => {
    const never = pod('web-1', false, { containerStatuses: [{ name: 'c', ready: false, state: { waiting: { reason: 'ErrImageNeverPull', message: 'image "x" is not present' } } }] });
    expect(hopelessPods([never, pod('web-2', false)])).toEqual(['default/web-1: ErrImageNeverPull: image "x" is not present']);
  });

  it('waits for endpoints only where the selector matches a pod', () => {
    const services = [
      { metadata: { name: 'web', namespace: 'default' }, spec: { selector: { app: 'web' } } },
      { metadata: { name: 'nobody', namespace: 'default' }, spec: { selector: { app: 'nobody' } } },
      { metadata: { name: 'manual', namespace: 'default' }, spec: {} },
    ];
    expect(servicesWithoutEndpoints(services, [], [pod('web-1', true)])).toEqual(['default/web']);
    expect(servicesWithoutEndpoints(services, [{ metadata: { name: 'web', namespace: 'default' }, subsets: [{ addresses: [{ ip: '10.1.2.3' }] }] }], [pod('web-1', true)])).toEqual([]);
  });

  it('removes the forward block from the Corefile and keeps the rest', () => {
    const corefile = '.:53 {\n    errors\n    kubernetes cluster.local in-addr.arpa ip6.arpa {\n       pods insecure\n    }\n    forward . /etc/resolv.conf {\n       max_concurrent 1000\n    }\n    cache 30\n}\n';
    expect(corefileWithoutForward(corefile)).toBe('.:53 {\n    errors\n    kubernetes cluster.local in-addr.arpa ip6.arpa {\n       pods insecure\n    }\n    cache 30\n}\n');
    expect(corefileWithoutForward('.:53 {\n    forward . 8.8.8.8\n    cache 30\n}')).toBe('.:53 {\n    cache 30\n}');
  });
});

describe('the API server\'s objects as podlab sees them', () => {
  it('names a Deployment\'s pods after it, lab node names, creation order, no lab label', () => {
    const owned: KubePod = {
      ...pod('web-7f5fc84595-abcde', true, { containerStatuses: [{ name: 'c', ready: true, containerID: 'containerd://0123abcd', state: { running: {} } }] }, { app: 'web', 'pod-template-hash': '7f5fc84595', 'podlab.lab': 'lab' }),
    };
    owned.metadata.ownerReferences = [{ kind: 'ReplicaSet', name: 'web-7f5fc84595', controller: true }];
    const [info] = podInfos([owned], (node) => (node === 'lab-worker2' ? 'node2' : node));
    expect(info).toMatchObject({ name: 'web-7f5fc84595-abcde', node: 'node2', owner: 'Deployment/web', index: 0, ip: '10.1.2.3' });
    expect(info!.labels).toEqual({ app: 'web', 'pod-template-hash': '7f5fc84595' });
    expect(info!.containers).toEqual([{ name: 'c', id: '0123abcd', state: 'running', status: 'Running' }]);
  });

  it('pairs each service port with its endpoints by port name', () => {
    const service = { metadata: { name: 'dns', namespace: 'kube-system' }, spec: { type: 'ClusterIP', clusterIP: '10.254.0.10', ports: [{ name: 'dns', port: 53, protocol: 'UDP' }, { name: 'dns-tcp', port: 53, protocol: 'TCP' }] } };
    const endpoints = [{ metadata: { name: 'dns', namespace: 'kube-system' }, subsets: [{ addresses: [{ ip: '10.1.0.2' }], ports: [{ name: 'dns-tcp', port: 53 }, { name: 'dns', port: 53 }] }] }];
    const info = serviceInfo(service, endpoints);
    expect(info.ports.map((port) => port.protocol)).toEqual(['UDP', 'TCP']);
    expect(info.endpoints).toEqual([[{ ip: '10.1.0.2', port: 53 }], [{ ip: '10.1.0.2', port: 53 }]]);
  });
});
