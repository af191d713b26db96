// The kind cluster a lab asks for, as kind's own config (kind.x-k8s.io/v1alpha4): one control
// plane, a worker per lab node carrying the lab file's node labels, the default CNI off (flannel
// from the lab's etcd is the CNI), pod subnet = flannel's Network, service subnet = the lab's
// serviceCIDR, kube-proxy in iptables mode (the rules the seeds read).
import type { Lab } from '../../lab/load.js';

export const KIND_NODE_LABEL = 'podlab.io/node';

export function kindClusterConfig(lab: Lab, image: string): Record<string, unknown> {
  return {
    kind: 'Cluster',
    apiVersion: 'kind.x-k8s.io/v1alpha4',
    name: lab.name,
    networking: {
      disableDefaultCNI: true,
      kubeProxyMode: 'iptables',
      podSubnet: lab.network.flannel.config.Network,
      serviceSubnet: lab.network.serviceCIDR,
    },
    nodes: [
      { role: 'control-plane', image },
      ...lab.nodes.map((node) => ({ role: 'worker', image, labels: { ...node.labels, [KIND_NODE_LABEL]: node.name } })),
    ],
  };
}
