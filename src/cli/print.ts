// kubectl-like tables (and -o json) of a running lab's nodes, pods, services and endpoints,
// whatever driver runs it.
import type { NodeState, PodInfo, ServiceInfo } from '../drivers/driver.js';
import { formatLabels } from '../k8s/manifests.js';
import { formatTable } from './table.js';

export type OutputFormat = 'table' | 'wide' | 'json';

export function printNodes(nodes: NodeState[], format: OutputFormat): void {
  if (format === 'json') {
    console.log(JSON.stringify(nodes.map(({ labels: _labels, ...node }) => node), null, 2));
    return;
  }
  const headers = ['NAME', 'STATUS', 'UNDERLAY-IP', 'FLANNEL-SUBNET', 'VTEP-MAC'];
  const rows = nodes.map((node) => [node.name, node.status, node.underlayIP, node.flannelSubnet ?? '-', node.vtepMAC ?? '-']);
  if (format === 'wide') {
    headers.push('CONTAINER');
    rows.forEach((row, index) => row.push(nodes[index]!.container));
  }
  console.log(formatTable(headers, rows));
}

export function printPods(pods: PodInfo[], format: OutputFormat): void {
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

export function printServices(services: ServiceInfo[], format: OutputFormat): void {
  if (format === 'json') return console.log(JSON.stringify(services, null, 2));
  const headers = ['NAMESPACE', 'NAME', 'TYPE', 'CLUSTER-IP', 'PORT(S)'];
  if (format === 'wide') headers.push('SELECTOR', 'AFFINITY');
  const rows = services.map((service) => {
    const ports = service.ports.map((port) => `${port.port}${port.nodePort ? `:${port.nodePort}` : ''}/${port.protocol}`).join(',');
    const row = [service.namespace, service.name, service.type, service.clusterIP, ports];
    if (format === 'wide') row.push(service.selector ? formatLabels(service.selector) : '<none>', service.affinitySeconds ? `ClientIP ${service.affinitySeconds}s` : 'None');
    return row;
  });
  console.log(formatTable(headers, rows));
}

export function printEndpoints(services: ServiceInfo[], format: OutputFormat): void {
  if (format === 'json') {
    return console.log(JSON.stringify(services.map(({ namespace, name, ports, endpoints }) => ({ namespace, name, ports: ports.map((port, index) => ({ ...port, endpoints: endpoints[index] })) })), null, 2));
  }
  const rows = services.map((service) => {
    const addresses = service.endpoints.flat().map((endpoint) => `${endpoint.ip}:${endpoint.port}`);
    return [service.namespace, service.name, addresses.length > 0 ? [...new Set(addresses)].join(',') : '<none>'];
  });
  console.log(formatTable(['NAMESPACE', 'NAME', 'ENDPOINTS'], rows));
}
