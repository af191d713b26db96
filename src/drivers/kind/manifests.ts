// The lab's manifests as the real API server gets them: every object labelled with the lab (so
// `down` and `get` find exactly the lab's objects), images substituted as the lab file says and
// never pulled (no registry is reachable: a missing image fails at once, it is not fetched),
// and a pod pinned to a lab node (nodeName, or a kubernetes.io/hostname selector) pinned to the
// kind worker that plays that node. A controller's replicas without placement of their own are
// spread one per node, as podlab's model spreads them round robin (a hard topology spread over
// hostnames: the scheduler alone may put two on one node).
import { parseAllDocuments } from 'yaml';
import { substitute } from '../../k8s/cluster-plan.js';
import { Label } from '../../labels.js';

type Json = Record<string, unknown>;

export interface ManifestContext {
  lab: string;
  images: Record<string, string>;
  /** Lab node name → kind worker name. */
  workers: Map<string, string>;
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

export function forKind(object: Json, context: ManifestContext): Json {
  const copy = upgradeApiVersion(structuredClone(object));
  const metadata = ((copy.metadata as Json | undefined) ??= {});
  metadata.labels = { ...((metadata.labels as Json | undefined) ?? {}), [Label.lab]: context.lab };
  const podSpec = podSpecOf(copy);
  if (podSpec) rewritePodSpec(podSpec, context);
  // A controller's pods carry the lab's label too: `get pods` and readiness find them by it.
  const template = templateOf(copy);
  if (template) {
    const templateMetadata = ((template.metadata as Json | undefined) ??= {});
    templateMetadata.labels = { ...((templateMetadata.labels as Json | undefined) ?? {}), [Label.lab]: context.lab };
  }
  if (podSpec && CONTROLLERS.has(String(copy.kind))) spreadReplicas(copy, podSpec);
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

function rewritePodSpec(spec: Json, context: ManifestContext): void {
  for (const list of ['initContainers', 'containers'] as const) {
    for (const container of (spec[list] as Json[] | undefined) ?? []) {
      if (typeof container.image === 'string') container.image = substitute(container.image, context.images);
      container.imagePullPolicy = 'Never';
    }
  }
  if (typeof spec.nodeName === 'string') spec.nodeName = context.workers.get(spec.nodeName) ?? spec.nodeName;
  const selector = spec.nodeSelector as Record<string, string> | undefined;
  const hostname = selector?.['kubernetes.io/hostname'];
  if (selector && hostname !== undefined) selector['kubernetes.io/hostname'] = context.workers.get(hostname) ?? hostname;
}
