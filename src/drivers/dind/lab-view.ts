// The lab view of a running dind lab, read back from the lab itself: nodes from the host
// engine, pods from their labels in each node's dockerd, services from the nodes' state.
import type Docker from 'dockerode';
import type { LabView } from '../../probe/view.js';
import type { NodeState } from '../driver.js';
import type { ClusterState } from './cluster-apply.js';
import { nodeEngine } from './node-engine.js';
import { podsOnNode } from './pods.js';
import { readClusterState } from './service-rules.js';

export async function runningView(docker: Docker, nodes: NodeState[]): Promise<LabView> {
  const running = nodes.filter((node) => node.status === 'running');
  const [podLists, state] = await Promise.all([
    Promise.all(running.map((node) => podsOnNode(nodeEngine(node.underlayIP), node.name))),
    running[0] ? readClusterState<ClusterState>(docker, running[0].container) : Promise.resolve(undefined),
  ]);
  return {
    nodes: nodes.map((node) => ({ name: node.name, ip: node.underlayIP })),
    pods: podLists
      .flat()
      .map((pod) => ({ ...pod, firstContainer: pod.containers[0]?.id }))
      .sort((a, b) => a.index - b.index),
    services: (state?.services ?? []).map((service) => ({ namespace: service.namespace, name: service.name, clusterIP: service.clusterIP, ports: service.ports })),
    hostIP: nodes[0]?.gateway,
  };
}
