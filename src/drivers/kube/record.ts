// The lab's record in its cluster: a ConfigMap `podlab-<lab>` labelled like everything else, made
// first by `up` (so an interrupted up is found and removed) and marked complete last. `ls`,
// `status` and `attach` read it; `down` deletes it with the rest, by label. Pure.
import { Label } from '../../labels.js';

export interface LabRecord {
  lab: string;
  namespace: string;
  hash: string;
  variant: string;
  labFile: string;
  /** Lab node → cluster node, in the lab's order. */
  nodes: Array<[string, string]>;
  probeImage: string;
  pullPolicy: string;
  complete: boolean;
  createdAt?: string;
}

export const recordName = (lab: string) => `podlab-${lab}`;

export function recordObject(record: LabRecord): Record<string, unknown> {
  return {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: recordName(record.lab), namespace: record.namespace, labels: { [Label.lab]: record.lab, [Label.driver]: 'kube', [Label.role]: 'record' } },
    data: {
      hash: record.hash,
      variant: record.variant,
      labFile: record.labFile,
      nodes: JSON.stringify(record.nodes),
      probeImage: record.probeImage,
      pullPolicy: record.pullPolicy,
      complete: String(record.complete),
    },
  };
}

interface ConfigMap {
  metadata: { name: string; namespace: string; labels?: Record<string, string>; creationTimestamp?: string };
  data?: Record<string, string>;
}

export function parseRecord(configMap: ConfigMap): LabRecord | undefined {
  const lab = configMap.metadata.labels?.[Label.lab];
  const data = configMap.data ?? {};
  if (!lab || configMap.metadata.labels?.[Label.role] !== 'record') return undefined;
  let nodes: Array<[string, string]> = [];
  try {
    nodes = JSON.parse(data.nodes ?? '[]') as Array<[string, string]>;
  } catch {
    // A record edited by hand: the lab is still found, with no nodes.
  }
  return {
    lab,
    namespace: configMap.metadata.namespace,
    hash: data.hash ?? '',
    variant: data.variant ?? '',
    labFile: data.labFile ?? '',
    nodes,
    probeImage: data.probeImage ?? 'podlab/probe',
    pullPolicy: data.pullPolicy ?? 'IfNotPresent',
    complete: data.complete === 'true',
    createdAt: configMap.metadata.creationTimestamp,
  };
}
