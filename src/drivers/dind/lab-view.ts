// The lab view of a running dind lab (what assertion targets resolve against), built from what
// the lab itself reports: its nodes, the pods in their dockerds, the services' state.
import type { LabView } from '../../probe/view.js';
import type { NodeState, PodInfo, ServiceInfo } from '../driver.js';

export function runningView(nodes: NodeState[], pods: PodInfo[], services: ServiceInfo[]): LabView {
  return {
    nodes: nodes.map((node) => ({ name: node.name, ip: node.underlayIP })),
    pods: pods.map((pod) => ({ ...pod, firstContainer: pod.containers[0]?.id })).sort((a, b) => a.index - b.index),
    services: services.map((service) => ({ namespace: service.namespace, name: service.name, clusterIP: service.clusterIP, ports: service.ports })),
    hostIP: nodes[0]?.gateway,
  };
}
