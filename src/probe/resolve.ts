// Targets → concrete pods, nodes, services and addresses of a lab view. A target that names
// nothing is a ResolveError; before `up` that is an exit-2 lab error naming the assertion.
import { formatTarget, type Target } from './targets.js';
import type { LabView, ViewNode, ViewPod, ViewService } from './view.js';

export class ResolveError extends Error {}

/** Where a probe runs. */
export type Source = { kind: 'pod'; pod: ViewPod } | { kind: 'node'; node: ViewNode } | { kind: 'host' };

/** What a probe aims at: an address (and port), with the words a report shows. */
export interface Destination {
  display: string;
  ip: string;
  port?: number;
}

export function findPods(view: LabView, target: Extract<Target, { kind: 'pod' | 'pods' }>): ViewPod[] {
  if (target.kind === 'pods') {
    const { selector } = target;
    return view.pods.filter((pod) => selector === 'all' || Object.entries(selector).every(([key, value]) => pod.labels[key] === value));
  }
  const inNamespace = view.pods.filter((pod) => pod.namespace === target.namespace);
  const exact = inNamespace.filter((pod) => pod.name === target.name);
  if (exact.length > 0) return exact;
  return inNamespace.filter((pod) => pod.owner.split('/')[1] === target.name).sort((a, b) => a.index - b.index);
}

export function findPod(view: LabView, target: Extract<Target, { kind: 'pod' }>): ViewPod {
  const candidates = findPods(view, target);
  if (candidates.length === 0) throw new ResolveError(`${formatTarget(target)}: no pod or controller named "${target.name}" in namespace ${target.namespace}`);
  const pod = candidates[target.index - 1];
  if (!pod) throw new ResolveError(`${formatTarget(target)}: "${target.name}" has ${candidates.length} pod(s), no #${target.index}`);
  return pod;
}

export function findService(view: LabView, target: Extract<Target, { kind: 'svc' }>): ViewService {
  const service = view.services.find((candidate) => candidate.name === target.name && candidate.namespace === target.namespace);
  if (!service) throw new ResolveError(`${formatTarget(target)}: no service "${target.name}" in namespace ${target.namespace}`);
  if (target.port !== undefined && !service.ports.some((port) => port.port === target.port)) {
    throw new ResolveError(`${formatTarget(target)}: service ${target.name} has no port ${target.port} (it has ${service.ports.map((port) => port.port).join(', ')})`);
  }
  return service;
}

export function findNode(view: LabView, target: Extract<Target, { kind: 'node' }>): ViewNode {
  const node = view.nodes.find((candidate) => candidate.name === target.name);
  if (!node) throw new ResolveError(`${formatTarget(target)}: no node "${target.name}" (nodes: ${view.nodes.map((candidate) => candidate.name).join(', ')})`);
  return node;
}

export function resolveSource(view: LabView, target: Target): Source {
  switch (target.kind) {
    case 'pod':
      return { kind: 'pod', pod: findPod(view, target) };
    case 'node':
      return { kind: 'node', node: findNode(view, target) };
    case 'host':
      return { kind: 'host' };
    default:
      throw new ResolveError(`${formatTarget(target)}: a probe runs in a pod, a node or the host`);
  }
}

export function describeSource(source: Source): string {
  if (source.kind === 'pod') return `pod/${source.pod.name}${source.pod.namespace === 'default' ? '' : `.${source.pod.namespace}`}`;
  if (source.kind === 'node') return `node/${source.node.name}`;
  return 'host';
}

/** The address (and port) a target stands for. Without a running lab, addresses may be ''. */
export function resolveDestination(view: LabView, target: Target): Destination {
  switch (target.kind) {
    case 'pod': {
      const pod = findPod(view, target);
      // Named as a source is (describeSource): a pod outside default carries its namespace, so a
      // matrix across namespaces has one row and one column per pod, its diagonal included.
      return { display: `pod/${pod.name}${pod.namespace === 'default' ? '' : `.${pod.namespace}`}${target.port ? `:${target.port}` : ''}`, ip: pod.ip ?? '', port: target.port };
    }
    case 'svc': {
      const service = findService(view, target);
      const port = target.port ?? service.ports[0]?.port;
      return { display: formatTarget(target), ip: service.clusterIP, port };
    }
    case 'node': {
      const node = findNode(view, target);
      return { display: formatTarget(target), ip: node.ip ?? '', port: target.port };
    }
    case 'host':
      return { display: 'host', ip: view.hostIP ?? '' };
    case 'ip':
      return { display: formatTarget(target), ip: target.ip, port: target.port };
    case 'pods':
      throw new ResolveError(`${formatTarget(target)}: one address expected here; use a matrix for pods/…`);
  }
}

/** Sources or destinations of a matrix side: every pod a selector matches, or the one target. */
export function expandSide(view: LabView, target: Target): Target[] {
  if (target.kind !== 'pods') return [target];
  const pods = findPods(view, target);
  if (pods.length === 0) throw new ResolveError(`${formatTarget(target)}: matches no pod`);
  return pods.map((pod) => ({ kind: 'pod', name: pod.name, namespace: pod.namespace, index: 1 }));
}
