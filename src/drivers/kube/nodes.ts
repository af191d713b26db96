// Which cluster node plays each lab node: `kube.nodes` when the lab says, otherwise the cluster's
// schedulable nodes (not cordoned, no NoSchedule/NoExecute taint) in name order, as kind's
// workers play node1, node2, ... Pure.
import { InputError } from '../../errors.js';
import type { KubeNode } from './readiness.js';

export function schedulableNodes(nodes: KubeNode[]): string[] {
  return nodes
    .filter((node) => !node.spec?.unschedulable && !(node.spec?.taints ?? []).some((taint) => taint.effect === 'NoSchedule' || taint.effect === 'NoExecute'))
    .map((node) => node.metadata.name)
    .sort();
}

export function mapLabNodes(labNodes: string[], explicit: Record<string, string> | undefined, cluster: KubeNode[]): Map<string, string> {
  const names = new Set(cluster.map((node) => node.metadata.name));
  if (explicit) {
    const unknown = labNodes.filter((node) => !names.has(explicit[node] ?? ''));
    if (unknown.length > 0) {
      throw new InputError(`kube.nodes: the cluster has no node ${unknown.map((node) => `"${explicit[node]}" (for ${node})`).join(', ')}; it has ${[...names].sort().join(', ')}`);
    }
    return new Map(labNodes.map((node) => [node, explicit[node]!]));
  }
  const usable = schedulableNodes(cluster);
  if (usable.length < labNodes.length) {
    throw new InputError(`the lab names ${labNodes.length} nodes but the cluster has ${usable.length} schedulable (${usable.join(', ') || 'none'}); map them with kube.nodes`);
  }
  return new Map(labNodes.map((node, index) => [node, usable[index]!]));
}

/** The address the lab knows a cluster node by: its InternalIP (else its first address). */
export function nodeAddress(node: KubeNode): string {
  const addresses = node.status?.addresses ?? [];
  return (addresses.find((address) => address.type === 'InternalIP') ?? addresses[0])?.address ?? '';
}
