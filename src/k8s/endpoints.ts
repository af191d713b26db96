// Endpoints as Kubernetes' endpoints controller computes them: running pods whose labels match
// the service's selector, each service port's targetPort resolved against the pod's container
// ports (a named targetPort only matches pods that name such a port). Selector-less services
// take the addresses of their hand-written Endpoints object.
import { parseIp } from '../net/cidr.js';
import type { ProxyEndpoint, ProxyInput, ProxyService } from '../net/kube-proxy-input.js';
import { serviceKey, type ManualEndpoints, type PodPlan, type ServicePlan, type ServicePortPlan } from './cluster-plan.js';

export interface RunningPod extends PodPlan {
  ip: string;
}

export function selects(selector: Record<string, string>, labels: Record<string, string>): boolean {
  return Object.entries(selector).every(([key, value]) => labels[key] === value);
}

/** Endpoints of each port of a service, in a stable order (by address, then port). */
export function serviceEndpoints(service: ServicePlan, pods: RunningPod[], manual: ManualEndpoints[]): ProxyEndpoint[][] {
  if (!service.selector) {
    const own = manual.find((endpoints) => serviceKey(endpoints) === serviceKey(service));
    return service.ports.map((port) => sortEndpoints(manualFor(port, own)));
  }
  const members = pods.filter((pod) => pod.namespace === service.namespace && selects(service.selector!, pod.labels));
  return service.ports.map((port) =>
    sortEndpoints(
      members.flatMap((pod) => {
        const target = resolveTargetPort(port, pod);
        return target === undefined ? [] : [{ ip: pod.ip, port: target }];
      }),
    ),
  );
}

function resolveTargetPort(port: ServicePortPlan, pod: PodPlan): number | undefined {
  if (typeof port.targetPort === 'number') return port.targetPort;
  for (const container of pod.containers) {
    const match = container.ports.find((candidate) => candidate.name === port.targetPort && candidate.protocol === port.protocol);
    if (match) return match.containerPort;
  }
  return undefined;
}

function manualFor(port: ServicePortPlan, endpoints: ManualEndpoints | undefined): ProxyEndpoint[] {
  if (!endpoints) return [];
  return endpoints.subsets.flatMap((subset) => {
    const match = subset.ports.find((candidate) => (candidate.name ?? '') === port.name && candidate.protocol === port.protocol);
    return match ? subset.addresses.map((address) => ({ ip: address.ip, port: match.port })) : [];
  });
}

function sortEndpoints(endpoints: ProxyEndpoint[]): ProxyEndpoint[] {
  return [...endpoints].sort((a, b) => parseIp(a.ip)! - parseIp(b.ip)! || a.port - b.port);
}

/** Everything kube-proxy needs to render the rules of every node. */
export function proxyInput(services: ServicePlan[], pods: RunningPod[], manual: ManualEndpoints[], clusterCIDR?: string): ProxyInput {
  return {
    clusterCIDR,
    services: services.map((service): ProxyService => {
      const endpoints = serviceEndpoints(service, pods, manual);
      return {
        namespace: service.namespace,
        name: service.name,
        clusterIP: service.clusterIP,
        type: service.type,
        affinitySeconds: service.affinitySeconds,
        ports: service.ports.map((port, index) => ({
          name: port.name,
          protocol: port.protocol,
          port: port.port,
          nodePort: port.nodePort,
          endpoints: endpoints[index]!,
        })),
      };
    }),
  };
}
