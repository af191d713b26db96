// Cluster DNS as data: the records the lab's DNS server answers and the resolver settings a pod
// gets, as kubelet writes them for dnsPolicy ClusterFirst.
import type { ServicePlan } from './cluster-plan.js';

export const CLUSTER_DOMAIN = 'cluster.local';
export const DNS_SERVICE = { namespace: 'kube-system', name: 'kube-dns' };
export const DNS_HOST_NUMBER = 10;

/** hosts-file lines `IP <svc>.<ns>.svc.cluster.local`, one per service, sorted for stable diffs. */
export function dnsRecords(services: ServicePlan[]): string {
  return services
    .map((service) => `${service.clusterIP} ${service.name}.${service.namespace}.svc.${CLUSTER_DOMAIN}`)
    .sort()
    .join('\n')
    .concat('\n');
}

export interface PodResolver {
  servers: string[];
  search: string[];
  options: string[];
}

/**
 * The resolver of a pod. Without cluster DNS (or with dnsPolicy Default) there is no cluster
 * resolver: podlab points the pod at 127.0.0.1, where nothing answers, so names fail at once
 * and no query ever leaves the lab.
 */
export function podResolver(namespace: string, dnsIP: string | undefined, policy: 'ClusterFirst' | 'Default'): PodResolver {
  if (!dnsIP || policy === 'Default') return { servers: ['127.0.0.1'], search: [], options: [] };
  return {
    servers: [dnsIP],
    search: [`${namespace}.svc.${CLUSTER_DOMAIN}`, `svc.${CLUSTER_DOMAIN}`, CLUSTER_DOMAIN],
    options: ['ndots:5'],
  };
}
