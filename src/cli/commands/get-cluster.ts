// podlab get LAB pods|svc|ep: read back from the lab itself — pods from the labels of the
// containers in each node's dockerd, services and endpoints from the state each node's
// kube-proxy rules were rendered from.
import type Docker from 'dockerode';
import type { ClusterState } from '../../drivers/dind/cluster-apply.js';
import { nodeEngine } from '../../drivers/dind/node-engine.js';
import { podsOnNode, type PodState } from '../../drivers/dind/pods.js';
import { readClusterState } from '../../drivers/dind/service-rules.js';
import type { NodeState } from '../../drivers/driver.js';
import { formatLabels } from '../../k8s/manifests.js';
import { formatTable } from '../table.js';
import type { OutputFormat } from './get.js';

export async function listPods(nodes: NodeState[]): Promise<PodState[]> {
  const perNode = await Promise.all(nodes.filter((node) => node.status === 'running').map((node) => podsOnNode(nodeEngine(node.underlayIP), node.name)));
  return perNode.flat().sort((a, b) => a.namespace.localeCompare(b.namespace) || a.name.localeCompare(b.name));
}

export async function clusterState(docker: Docker, nodes: NodeState[]): Promise<ClusterState> {
  const node = nodes.find((candidate) => candidate.status === 'running');
  return (node && (await readClusterState<ClusterState>(docker, node.container))) ?? { services: [] };
}

export function printPods(pods: PodState[], format: OutputFormat): void {
  if (format === 'json') return console.log(JSON.stringify(pods, null, 2));
  const headers = ['NAMESPACE', 'NAME', 'READY', 'STATUS', 'IP', 'NODE'];
  if (format === 'wide') headers.push('LABELS');
  const rows = pods.map((pod) => {
    const ready = pod.containers.filter((container) => container.state === 'running').length;
    const broken = pod.containers.find((container) => container.state !== 'running');
    const status = broken ? `${broken.name}: ${broken.status}` : 'Running';
    const row = [pod.namespace, pod.name, `${ready}/${pod.containers.length}`, status, pod.ip, pod.node];
    if (format === 'wide') row.push(formatLabels(pod.labels) || '<none>');
    return row;
  });
  console.log(formatTable(headers, rows));
}

export function printServices(state: ClusterState, format: OutputFormat): void {
  if (format === 'json') return console.log(JSON.stringify(state.services, null, 2));
  const headers = ['NAMESPACE', 'NAME', 'TYPE', 'CLUSTER-IP', 'PORT(S)'];
  if (format === 'wide') headers.push('SELECTOR', 'AFFINITY');
  const rows = state.services.map((service) => {
    const ports = service.ports.map((port) => `${port.port}${port.nodePort ? `:${port.nodePort}` : ''}/${port.protocol}`).join(',');
    const row = [service.namespace, service.name, service.type, service.clusterIP, ports];
    if (format === 'wide') row.push(service.selector ? formatLabels(service.selector) : '<none>', service.affinitySeconds ? `ClientIP ${service.affinitySeconds}s` : 'None');
    return row;
  });
  console.log(formatTable(headers, rows));
}

export function printEndpoints(state: ClusterState, format: OutputFormat): void {
  if (format === 'json') {
    return console.log(JSON.stringify(state.services.map(({ namespace, name, ports, endpoints }) => ({ namespace, name, ports: ports.map((port, index) => ({ ...port, endpoints: endpoints[index] })) })), null, 2));
  }
  const rows = state.services.map((service) => {
    const addresses = service.endpoints.flat().map((endpoint) => `${endpoint.ip}:${endpoint.port}`);
    return [service.namespace, service.name, addresses.length > 0 ? [...new Set(addresses)].join(',') : '<none>'];
  });
  console.log(formatTable(['NAMESPACE', 'NAME', 'ENDPOINTS'], rows));
}
