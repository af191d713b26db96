// A lab's pods and services as podlab names them, read from any cluster's API server by the lab's
// label (kind and kube labs alike): the controller behind a ReplicaSet is its Deployment, #N counts
// in creation order, and each Service carries its endpoints per port.
import { Label } from '../../labels.js';
import type { PodInfo, ServiceInfo } from '../driver.js';
import type { Kubectl } from './kubectl.js';
import type { KubeEndpoints, KubeList, KubePod, KubeService } from './readiness.js';

/** The lab's pods, their nodes named by `labNode` (cluster node → lab node). */
export async function readLabPods(kubectl: Kubectl, lab: string, labNode: (clusterNode: string) => string): Promise<PodInfo[]> {
  // Node probe pods carry the lab's label (so down removes them) but are no pods of the lab.
  const list = await kubectl.json<KubeList<KubePod>>(['get', 'pods', '-A', '-l', `${Label.lab}=${lab},${Label.role}!=probe`]);
  return podInfos(list.items, labNode);
}

/** The lab's services, and the cluster DNS service assertions may aim at. */
export async function readLabServices(kubectl: Kubectl, lab: string): Promise<ServiceInfo[]> {
  const selector = `${Label.lab}=${lab}`;
  const [services, endpoints, dns] = await Promise.all([
    kubectl.json<KubeList<KubeService>>(['get', 'services', '-A', '-l', selector]),
    kubectl.json<KubeList<KubeEndpoints>>(['get', 'endpoints', '-A']),
    kubectl.run(['-n', 'kube-system', 'get', 'service', 'kube-dns', '-o', 'json']),
  ]);
  const wanted = [...services.items];
  if (dns.exitCode === 0) wanted.push(JSON.parse(dns.stdout) as KubeService);
  return wanted.map((service) => serviceInfo(service, endpoints.items));
}

/**
 * Pods as the model names them: the controller behind a ReplicaSet is its Deployment, and #N
 * counts in creation order, ties broken by the lab's node order and then by name.
 */
export function podInfos(pods: KubePod[], labNode: (kindNode: string) => string): PodInfo[] {
  const ordered = [...pods].sort(
    (a, b) =>
      (a.metadata.creationTimestamp ?? '').localeCompare(b.metadata.creationTimestamp ?? '') ||
      labNode(a.spec.nodeName ?? '').localeCompare(labNode(b.spec.nodeName ?? ''), undefined, { numeric: true }) ||
      a.metadata.name.localeCompare(b.metadata.name),
  );
  return ordered.map((pod, index) => {
    const { [Label.lab]: _lab, ...labels } = pod.metadata.labels ?? {};
    const statuses = pod.status?.containerStatuses ?? [];
    return {
      namespace: pod.metadata.namespace,
      name: pod.metadata.name,
      node: labNode(pod.spec.nodeName ?? ''),
      ip: pod.status?.podIP ?? '',
      labels,
      owner: ownerOf(pod),
      index,
      containers: pod.spec.containers.map((container) => {
        const status = statuses.find((candidate) => candidate.name === container.name);
        const state = Object.keys(status?.state ?? {})[0] ?? 'waiting';
        return {
          name: container.name,
          id: status?.containerID?.replace(/^\w+:\/\//, '') ?? '',
          state: state === 'running' ? 'running' : state,
          status: state === 'running' ? 'Running' : (status?.state?.[state]?.reason ?? state),
        };
      }),
    };
  });
}

function ownerOf(pod: KubePod): string {
  const owner = pod.metadata.ownerReferences?.find((reference) => reference.controller) ?? pod.metadata.ownerReferences?.[0];
  if (!owner) return '';
  const hash = pod.metadata.labels?.['pod-template-hash'];
  // A Deployment's pods belong to ReplicaSet <deployment>-<pod-template-hash>.
  if (owner.kind === 'ReplicaSet' && hash && owner.name.endsWith(`-${hash}`)) return `Deployment/${owner.name.slice(0, -hash.length - 1)}`;
  return `${owner.kind}/${owner.name}`;
}

export function serviceInfo(service: KubeService, endpoints: KubeEndpoints[]): ServiceInfo {
  const found = endpoints.find((candidate) => candidate.metadata.namespace === service.metadata.namespace && candidate.metadata.name === service.metadata.name);
  const ports = (service.spec.ports ?? []).map((port) => ({
    name: port.name ?? '',
    port: port.port,
    protocol: (port.protocol ?? 'TCP') as 'TCP' | 'UDP',
    ...(port.nodePort ? { nodePort: port.nodePort } : {}),
    ...(port.targetPort !== undefined ? { targetPort: port.targetPort } : {}),
  }));
  return {
    namespace: service.metadata.namespace,
    name: service.metadata.name,
    type: service.spec.type ?? 'ClusterIP',
    clusterIP: service.spec.clusterIP ?? '',
    selector: service.spec.selector,
    affinitySeconds: service.spec.sessionAffinity === 'ClientIP' ? (service.spec.sessionAffinityConfig?.clientIP?.timeoutSeconds ?? 10800) : undefined,
    ports: ports.map(({ targetPort: _target, ...port }) => port),
    endpoints: ports.map((port) =>
      (found?.subsets ?? []).flatMap((subset) => {
        const match = subset.ports?.find((candidate) => (candidate.name ?? '') === port.name) ?? (subset.ports?.length === 1 ? subset.ports[0] : undefined);
        return match ? (subset.addresses ?? []).map((address) => ({ ip: address.ip, port: match.port })) : [];
      }),
    ),
  };
}
