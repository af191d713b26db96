// The lab's manifests as a real API server gets them: every object labelled with the lab (so
// `down` and `get` find exactly the lab's objects and nothing else), images substituted as the
// lab file says with the pull policy the driver asks for (kind: never pulled, nothing is
// reachable; kube: what the cluster pulls from the user's registry), and a pod pinned to a lab
// node (nodeName, or a kubernetes.io/hostname selector) pinned to the cluster node that plays it. A controller's replicas without placement of their own are
// spread one per node, as podlab's model spreads them round robin (a hard topology spread over
// hostnames: the scheduler alone may put two on one node).
import { parseAllDocuments } from 'yaml';
import { substitute } from '../../k8s/cluster-plan.js';
import { Label } from '../../labels.js';

type Json = Record<string, unknown>;

export interface ClusterManifestContext {
  lab: string;
  images: Record<string, string>;
  /** Lab node name → cluster node name. */
  nodes: Map<string, string>;
  /** `force` overrides every container's policy (kind: Never); `default` fills in only a missing one. */
  pullPolicy?: { force: string } | { default: string };
  /** Objects without a namespace get this one, so what is created is what was checked. */
  namespace?: string;
  /**
   * Pods that place nothing themselves are kept on these cluster nodes: on a shared cluster the
   * lab's pods run on the nodes the lab's node names mean, not wherever the scheduler likes.
   */
  confineTo?: string[];
}

/** Objects in apply order from the lab's manifest texts. */
export function parseObjects(texts: string[]): Json[] {
  return texts.flatMap((text) =>
    parseAllDocuments(text)
      .map((doc) => doc.toJS() as unknown)
      .filter((value): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value)),
  );
}

/** apiVersions the seeds' manifests use that today's API server no longer serves. */
const RETIRED_APPS = new Set(['extensions/v1beta1', 'apps/v1beta1', 'apps/v1beta2']);
const APPS_KINDS = new Set(['Deployment', 'ReplicaSet', 'DaemonSet', 'StatefulSet']);

export function forCluster(object: Json, context: ClusterManifestContext): Json {
  const copy = upgradeApiVersion(structuredClone(object));
  const metadata = ((copy.metadata as Json | undefined) ??= {});
  metadata.labels = { ...((metadata.labels as Json | undefined) ?? {}), [Label.lab]: context.lab };
  if (context.namespace && metadata.namespace === undefined && copy.kind !== 'Namespace') metadata.namespace = context.namespace;
  const podSpec = podSpecOf(copy);
  if (podSpec) rewritePodSpec(podSpec, context);
  // A controller's pods carry the lab's label too: `get pods` and readiness find them by it.
  const template = templateOf(copy);
  if (template) {
    const templateMetadata = ((template.metadata as Json | undefined) ??= {});
    templateMetadata.labels = { ...((templateMetadata.labels as Json | undefined) ?? {}), [Label.lab]: context.lab };
  }
  if (podSpec && CONTROLLERS.has(String(copy.kind))) spreadReplicas(copy, podSpec);
  if (podSpec && context.confineTo) confine(podSpec, context.confineTo);
  return copy;
}

/**
 * A Deployment of the seeds' era (extensions/v1beta1, apps/v1beta1) as apps/v1: the same object,
 * with the selector the old API defaulted to (the template's labels) written out, since apps/v1
 * requires one. The real API server refuses the old versions since Kubernetes 1.16.
 */
export function upgradeApiVersion(object: Json): Json {
  if (!APPS_KINDS.has(String(object.kind)) || !RETIRED_APPS.has(String(object.apiVersion))) return object;
  object.apiVersion = 'apps/v1';
  const spec = ((object.spec as Json | undefined) ??= {});
  if (spec.selector === undefined) {
    const labels = ((templateOf(object)?.metadata as Json | undefined)?.labels as Record<string, string> | undefined) ?? {};
    spec.selector = { matchLabels: { ...labels } };
  }
  return object;
}

const CONTROLLERS = new Set(['ReplicationController', 'ReplicaSet', 'Deployment', 'StatefulSet']);

function spreadReplicas(controller: Json, spec: Json): void {
  if (spec.nodeName !== undefined || spec.affinity !== undefined || spec.topologySpreadConstraints !== undefined) return;
  const template = (controller.spec as Json).template as Json;
  const labels = ((template.metadata as Json | undefined)?.labels as Record<string, string> | undefined) ?? {};
  if (Object.keys(labels).length === 0) return;
  // Honor taints: the control plane (tainted NoSchedule) is no domain to spread over.
  spec.topologySpreadConstraints = [
    { maxSkew: 1, topologyKey: 'kubernetes.io/hostname', whenUnsatisfiable: 'DoNotSchedule', nodeTaintsPolicy: 'Honor', labelSelector: { matchLabels: labels } },
  ];
}

/** The pod template of a controller (a CronJob's is one level deeper). */
function templateOf(object: Json): Json | undefined {
  const spec = object.spec as Json | undefined;
  return (spec?.template ?? ((spec?.jobTemplate as Json | undefined)?.spec as Json | undefined)?.template) as Json | undefined;
}

/** The pod spec inside a Pod or a controller's template. */
function podSpecOf(object: Json): Json | undefined {
  if (object.kind === 'Pod') return object.spec as Json | undefined;
  return templateOf(object)?.spec as Json | undefined;
}

function rewritePodSpec(spec: Json, context: ClusterManifestContext): void {
  const policy = context.pullPolicy;
  for (const list of ['initContainers', 'containers'] as const) {
    for (const container of (spec[list] as Json[] | undefined) ?? []) {
      if (typeof container.image === 'string') container.image = substitute(container.image, context.images);
      if (policy && 'force' in policy) container.imagePullPolicy = policy.force;
      else if (policy && container.imagePullPolicy === undefined) container.imagePullPolicy = policy.default;
    }
  }
  if (typeof spec.nodeName === 'string') spec.nodeName = context.nodes.get(spec.nodeName) ?? spec.nodeName;
  const selector = spec.nodeSelector as Record<string, string> | undefined;
  const hostname = selector?.['kubernetes.io/hostname'];
  if (selector && hostname !== undefined) selector['kubernetes.io/hostname'] = context.nodes.get(hostname) ?? hostname;
}

/** A required node affinity to the lab's cluster nodes, for pods that choose no node themselves. */
function confine(spec: Json, nodes: string[]): void {
  if (spec.nodeName !== undefined || spec.affinity !== undefined) return;
  const selector = spec.nodeSelector as Record<string, string> | undefined;
  if (selector?.['kubernetes.io/hostname'] !== undefined) return;
  spec.affinity = {
    nodeAffinity: {
      requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'kubernetes.io/hostname', operator: 'In', values: [...nodes] }] }] },
    },
  };
}
