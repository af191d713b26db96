// Reads a running dind lab's Kubernetes objects back from the lab itself: pods from the labels
// of the containers in each node's dockerd, services and endpoints from the state each node's
// kube-proxy rules were rendered from. No local state file that could go stale.
import type Docker from 'dockerode';
import type { DockerHost } from '../../docker/docker-host.js';
import type { NodeState, PodInfo, ServiceInfo } from '../driver.js';
import type { ClusterState } from './cluster-apply.js';
import { podsOnNode } from './pods.js';
import { readClusterState } from './service-rules.js';

export async function listPods(host: DockerHost, nodes: NodeState[]): Promise<PodInfo[]> {
  const running = nodes.filter((node) => node.status === 'running');
  const perNode = await Promise.all(running.map((node) => podsOnNode(host.nodeEngine(node.underlayIP), node.name)));
  return perNode.flat().sort((a, b) => a.namespace.localeCompare(b.namespace) || a.name.localeCompare(b.name));
}

export async function listServices(docker: Docker, nodes: NodeState[]): Promise<ServiceInfo[]> {
  const node = nodes.find((candidate) => candidate.status === 'running');
  const state = node ? await readClusterState<ClusterState>(docker, node.container) : undefined;
  return (state?.services ?? []).map((service) => ({
    namespace: service.namespace,
    name: service.name,
    type: service.type,
    clusterIP: service.clusterIP,
    selector: service.selector,
    affinitySeconds: service.affinitySeconds,
    ports: service.ports.map(({ name, port, protocol, nodePort, targetPort }) => ({ name, port, protocol, nodePort, targetPort })),
    endpoints: service.endpoints,
  }));
}
