// The pod that stands for a lab node in node probes: the probe image in the node's own network
// namespace (hostNetwork), pinned by nodeName (no scheduler involved), tolerating every taint (a
// lab node may be a control plane), resolving as the node does (dnsPolicy Default). Pure.
import { Label } from '../../labels.js';

export const PROBE_CONTAINER = 'podlab-probe';

export const nodeProbePodName = (lab: string, labNode: string) => `podlab-${lab}-probe-${labNode}`;

export function nodeProbePod(options: { lab: string; labNode: string; clusterNode: string; namespace: string; image: string; pullPolicy: string }): Record<string, unknown> {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name: nodeProbePodName(options.lab, options.labNode),
      namespace: options.namespace,
      labels: { [Label.lab]: options.lab, [Label.role]: 'probe', [Label.node]: options.labNode },
    },
    spec: {
      nodeName: options.clusterNode,
      hostNetwork: true,
      dnsPolicy: 'Default',
      tolerations: [{ operator: 'Exists' }],
      terminationGracePeriodSeconds: 0,
      automountServiceAccountToken: false,
      containers: [{ name: PROBE_CONTAINER, image: options.image, imagePullPolicy: options.pullPolicy, command: ['sleep', 'infinity'] }],
    },
  };
}
