// The lab view before anything runs: names from the lab file and its planned pods and
// services, no addresses. Enough to reject a target that names nothing, with exit 2.
import type { ClusterPlan } from '../k8s/cluster-plan.js';
import type { Lab } from '../lab/load.js';
import type { LabView } from './view.js';

export function planView(lab: Lab, cluster?: ClusterPlan): LabView {
  return {
    nodes: lab.nodes.map((node) => ({ name: node.name })),
    pods: (cluster?.pods ?? []).map((pod, index) => ({
      namespace: pod.namespace,
      name: pod.name,
      node: pod.node,
      labels: pod.labels,
      owner: pod.owner ? `${pod.owner.kind}/${pod.owner.name}` : '',
      index,
    })),
    services: (cluster?.services ?? []).map((service) => ({ namespace: service.namespace, name: service.name, clusterIP: service.clusterIP, ports: service.ports })),
  };
}
