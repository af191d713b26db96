// When a lab on a cluster counts as up: every node Ready, every pod of the lab Ready, and every
// Service whose selector matches a pod has endpoints. Pure, over what `kubectl get -o json` returns.
// Shared by the kind driver and the kube driver.

interface Condition {
  type: string;
  status: string;
}

export interface KubeNode {
  metadata: { name: string; labels?: Record<string, string> };
  spec?: { unschedulable?: boolean; taints?: { key: string; effect: string }[] };
  status?: { conditions?: Condition[]; addresses?: { type: string; address: string }[] };
}

export interface KubePod {
  metadata: { name: string; namespace: string; labels?: Record<string, string>; creationTimestamp?: string; ownerReferences?: { kind: string; name: string; controller?: boolean }[] };
  spec: { nodeName?: string; containers: { name: string; image: string }[] };
  status?: {
    phase?: string;
    podIP?: string;
    conditions?: Condition[];
    containerStatuses?: { name: string; ready: boolean; containerID?: string; state?: Record<string, { reason?: string; message?: string }> }[];
  };
}

export interface KubeService {
  metadata: { name: string; namespace: string; labels?: Record<string, string> };
  spec: { type?: string; clusterIP?: string; selector?: Record<string, string>; sessionAffinity?: string; sessionAffinityConfig?: { clientIP?: { timeoutSeconds?: number } }; ports?: { name?: string; port: number; protocol?: string; nodePort?: number; targetPort?: number | string }[] };
}

export interface KubeEndpoints {
  metadata: { name: string; namespace: string };
  subsets?: { addresses?: { ip: string }[]; ports?: { name?: string; port: number; protocol?: string }[] }[];
}

export interface KubeList<T> {
  items: T[];
}

const isTrue = (conditions: Condition[] | undefined, type: string) => conditions?.some((condition) => condition.type === type && condition.status === 'True') ?? false;

export function notReadyNodes(nodes: KubeNode[]): string[] {
  return nodes.filter((node) => !isTrue(node.status?.conditions, 'Ready')).map((node) => node.metadata.name);
}

/** Pods not Ready yet, each with the reason a person would look for (ErrImageNeverPull, ...). */
export function notReadyPods(pods: KubePod[]): string[] {
  return pods
    .filter((pod) => !isTrue(pod.status?.conditions, 'Ready'))
    .map((pod) => {
      const waiting = pod.status?.containerStatuses?.map((status) => status.state?.waiting?.reason ?? status.state?.terminated?.reason).find(Boolean);
      return `${pod.metadata.namespace}/${pod.metadata.name} (${waiting ?? pod.status?.phase ?? 'Pending'})`;
    });
}

/** Reasons no wait can cure: the image is not on the node and is never pulled, say. */
export function hopelessPods(pods: KubePod[]): string[] {
  const hopeless = new Set(['ErrImageNeverPull', 'InvalidImageName', 'CreateContainerConfigError']);
  return pods.flatMap((pod) =>
    (pod.status?.containerStatuses ?? [])
      .map((status) => status.state?.waiting)
      .filter((waiting) => waiting?.reason && hopeless.has(waiting.reason))
      .map((waiting) => `${pod.metadata.namespace}/${pod.metadata.name}: ${waiting!.reason}: ${waiting!.message ?? ''}`.trim()),
  );
}

/** Services whose selector matches a lab pod but which have no endpoint address yet. */
export function servicesWithoutEndpoints(services: KubeService[], endpoints: KubeEndpoints[], pods: KubePod[]): string[] {
  return services
    .filter((service) => {
      const selector = service.spec.selector;
      if (!selector || Object.keys(selector).length === 0) return false;
      const matches = pods.some(
        (pod) => pod.metadata.namespace === service.metadata.namespace && Object.entries(selector).every(([key, value]) => pod.metadata.labels?.[key] === value),
      );
      if (!matches) return false;
      const found = endpoints.find((candidate) => candidate.metadata.namespace === service.metadata.namespace && candidate.metadata.name === service.metadata.name);
      return !found?.subsets?.some((subset) => (subset.addresses?.length ?? 0) > 0);
    })
    .map((service) => `${service.metadata.namespace}/${service.metadata.name}`);
}
