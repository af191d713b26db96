// Creating a lab's objects on a cluster and waiting until they serve, the same on kind and on any
// cluster: `kubectl create` one object at a time in the lab's order (a pod's service variables
// depend on which Services exist when it starts, as in the seeds), then every pod of the lab
// Ready and every Service whose selector matches a pod with endpoints.
import { EnvironmentError } from '../../errors.js';
import { Label } from '../../labels.js';
import { GiveUp, retryUntil } from '../../util/retry.js';
import type { Kubectl } from './kubectl.js';
import { hopelessPods, notReadyPods, servicesWithoutEndpoints, type KubeEndpoints, type KubeList, type KubePod, type KubeService } from './readiness.js';

type Json = Record<string, unknown>;

/** "Kind namespace/name" of an object, as messages and --dry-run show it. */
export function describeObject(object: Json): string {
  const metadata = (object.metadata ?? {}) as { name?: string; namespace?: string };
  return `${String(object.kind)} ${metadata.namespace ? `${metadata.namespace}/` : ''}${metadata.name ?? '?'}`;
}

/** Objects whose creation starts pods: their containers may connect to a Service at once. */
const STARTS_PODS = new Set(['Pod', 'ReplicationController', 'ReplicaSet', 'Deployment', 'DaemonSet', 'StatefulSet', 'Job', 'CronJob']);

export interface CreateOptions {
  /**
   * Called before an object that starts pods, with the ClusterIPs of the Services created since
   * the last call; resolves once every node routes them. A Service is in the API at once but in
   * kube-proxy's rules a moment later (and on a node that just joined, after kube-proxy's first
   * sync): a pod connecting in between sends its SYN out the default route, where it is lost,
   * and a client such as a redis replica then waits out its own connect timeout (60 s) before it
   * tries again. Drivers that can read the nodes' rules pass this; the order stays the lab's.
   */
  untilServicesRouted?: (clusterIPs: string[], signal: AbortSignal) => Promise<void>;
}

export async function createInOrder(kubectl: Kubectl, objects: Json[], signal: AbortSignal, options: CreateOptions = {}): Promise<void> {
  let unrouted: string[] = [];
  for (const object of objects) {
    if (options.untilServicesRouted && unrouted.length > 0 && STARTS_PODS.has(String(object.kind))) {
      await options.untilServicesRouted(unrouted, signal);
      unrouted = [];
    }
    const isService = object.kind === 'Service';
    const created = await kubectl.ok(['create', '-f', '-', ...(isService ? ['-o', 'json'] : [])], { signal, stdin: JSON.stringify(object) }, `creating ${describeObject(object)}`);
    if (isService) {
      const clusterIP = (JSON.parse(created) as { spec?: { clusterIP?: string } }).spec?.clusterIP;
      // A headless Service (None) has no rules to wait for.
      if (clusterIP && clusterIP !== 'None') unrouted.push(clusterIP);
    }
  }
}

export async function waitForLabPods(kubectl: Kubectl, lab: string, signal: AbortSignal, timeoutMs: number): Promise<void> {
  const selector = `${Label.lab}=${lab}`;
  await retryUntil(
    'every pod of the lab Ready and every service with its endpoints',
    async () => {
      const [pods, services, endpoints] = await Promise.all([
        kubectl.json<KubeList<KubePod>>(['get', 'pods', '-A', '-l', selector], { signal }),
        kubectl.json<KubeList<KubeService>>(['get', 'services', '-A', '-l', selector], { signal }),
        kubectl.json<KubeList<KubeEndpoints>>(['get', 'endpoints', '-A'], { signal }),
      ]);
      const hopeless = hopelessPods(pods.items);
      // A pod whose image is not on the node and is never pulled: no wait can cure that.
      if (hopeless.length > 0) throw new GiveUp(new EnvironmentError(`pods that cannot start:\n  ${hopeless.join('\n  ')}`));
      const waiting = [...notReadyPods(pods.items), ...servicesWithoutEndpoints(services.items, endpoints.items, pods.items).map((name) => `service ${name} (no endpoints)`)];
      if (waiting.length > 0) throw new Error(`waiting for ${waiting.join(', ')}`);
      return true;
    },
    { timeoutMs, intervalMs: 500, maxIntervalMs: 2000, signal },
  );
}
