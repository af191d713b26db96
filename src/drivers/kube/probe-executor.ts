// Probes on a cluster podlab cannot `docker exec` into, leaving the workloads untouched:
//   pod  — an ephemeral debug container of the probe image added to the pod (`kubectl debug`), in
//          the pod's network namespace with its resolv.conf; probes run in it with kubectl exec.
//          Ephemeral containers cannot be removed: one per pod, reused by every later probe.
//   node — a hostNetwork pod of the probe image pinned to the cluster node (labelled with the lab,
//          so `down` removes it).
//   host — a container of the probe image in the local engine's host network namespace, and only
//          towards the lab's own addresses (host-guard.ts).
// Exec checks run with kubectl exec in the pod's first container, with its environment.
import type { DockerHost } from '../../docker/docker-host.js';
import { execIn } from '../../docker/exec.js';
import { Label } from '../../labels.js';
import type { Source } from '../../probe/resolve.js';
import type { ExecutedCommand, ProbeExecutor } from '../../probe/runner.js';
import { retryUntil } from '../../util/retry.js';
import { shellQuote } from '../../util/shell-quote.js';
import { Sidecars } from '../common/sidecars.js';
import { hostProbeRefusal } from './host-guard.js';
import type { Kubectl } from './kubectl.js';
import { nodeProbePod, nodeProbePodName, PROBE_CONTAINER } from './probe-pods.js';

const READY_MS = 120_000;

export interface KubeProbeContext {
  lab: string;
  kubectl: Kubectl;
  host: DockerHost;
  /** Lab node → cluster node. */
  nodes: Map<string, string>;
  namespace: string;
  probeImage: string;
  pullPolicy: string;
  /** Every address of the lab (nodes, pods, services): the only ones a host probe may aim at. */
  labAddresses: () => Promise<Set<string>>;
}

interface PodStatus {
  spec: { ephemeralContainers?: { name: string }[] };
  status?: { ephemeralContainerStatuses?: { name: string; state?: { running?: unknown; terminated?: unknown } }[]; conditions?: { type: string; status: string }[] };
}

export class KubeProbeExecutor implements ProbeExecutor {
  private readonly debugged = new Map<string, Promise<void>>();
  private readonly nodePods = new Map<string, Promise<string>>();
  private readonly sidecars = new Sidecars();

  constructor(private readonly context: KubeProbeContext) {}

  async probe(source: Source, argv: string[], timeoutMs: number, signal: AbortSignal): Promise<ExecutedCommand> {
    if (source.kind === 'host') return this.fromHost(argv, timeoutMs, signal);
    if (source.kind === 'node') return this.kubectlExec(this.context.namespace, await this.nodePod(source.node.name, signal), PROBE_CONTAINER, argv, timeoutMs, signal);
    const { namespace, name } = source.pod;
    await this.debugContainer(namespace, name, signal);
    return this.kubectlExec(namespace, name, PROBE_CONTAINER, argv, timeoutMs, signal);
  }

  async exec(source: Source, argv: string[], timeoutMs: number, signal: AbortSignal): Promise<ExecutedCommand> {
    if (source.kind === 'host') return this.fromHost(argv, timeoutMs, signal);
    // A node's own filesystem is not reachable without privileges podlab does not ask for: node
    // exec checks run in the node's probe pod (the node's network, the probe image's tools).
    if (source.kind === 'node') return this.kubectlExec(this.context.namespace, await this.nodePod(source.node.name, signal), PROBE_CONTAINER, argv, timeoutMs, signal);
    return this.kubectlExec(source.pod.namespace, source.pod.name, source.pod.firstContainer ?? '', argv, timeoutMs, signal);
  }

  private async kubectlExec(namespace: string, pod: string, container: string, argv: string[], timeoutMs: number, signal: AbortSignal): Promise<ExecutedCommand> {
    const args = ['exec', '-n', namespace, pod, ...(container ? ['-c', container] : []), '--', ...argv];
    const command = `kubectl ${[...this.context.kubectl.flags(), ...args].map((arg) => shellQuote([arg])).join(' ')}`;
    const timeout = AbortSignal.timeout(timeoutMs);
    try {
      const result = await this.context.kubectl.run(args, { signal: AbortSignal.any([signal, timeout]) });
      return { command, ...result };
    } catch (error) {
      signal.throwIfAborted();
      return { command, exitCode: 124, stdout: '', stderr: `no answer within ${timeoutMs} ms (${(error as Error).message})` };
    }
  }

  /** The pod's ephemeral probe container, added once and running. */
  private debugContainer(namespace: string, pod: string, signal: AbortSignal): Promise<void> {
    const key = `${namespace}/${pod}`;
    let pending = this.debugged.get(key);
    if (!pending) {
      pending = this.addDebugContainer(namespace, pod, signal);
      this.debugged.set(key, pending);
      pending.catch(() => this.debugged.delete(key));
    }
    return pending;
  }

  private async addDebugContainer(namespace: string, pod: string, signal: AbortSignal): Promise<void> {
    const { kubectl, probeImage, pullPolicy } = this.context;
    const current = await kubectl.json<PodStatus>(['get', 'pod', '-n', namespace, pod], { signal });
    if (!current.spec.ephemeralContainers?.some((container) => container.name === PROBE_CONTAINER)) {
      await kubectl.ok(
        ['debug', '-n', namespace, `pod/${pod}`, `--image=${probeImage}`, `--image-pull-policy=${pullPolicy}`, `--container=${PROBE_CONTAINER}`, '--profile=legacy', '--', 'sleep', 'infinity'],
        { signal },
        `adding the probe container to pod ${namespace}/${pod}`,
      );
    }
    await retryUntil(
      `the probe container of pod ${namespace}/${pod} running`,
      async () => {
        const status = await kubectl.json<PodStatus>(['get', 'pod', '-n', namespace, pod], { signal });
        const probe = status.status?.ephemeralContainerStatuses?.find((candidate) => candidate.name === PROBE_CONTAINER);
        if (!probe?.state?.running) throw new Error(`not running: ${JSON.stringify(probe?.state ?? {})}`);
        return true;
      },
      { timeoutMs: READY_MS, intervalMs: 300, maxIntervalMs: 2000, signal },
    );
  }

  /** The node's probe pod, created once and Ready. */
  nodePod(labNode: string, signal: AbortSignal): Promise<string> {
    let pending = this.nodePods.get(labNode);
    if (!pending) {
      pending = this.createNodePod(labNode, signal);
      this.nodePods.set(labNode, pending);
      pending.catch(() => this.nodePods.delete(labNode));
    }
    return pending;
  }

  private async createNodePod(labNode: string, signal: AbortSignal): Promise<string> {
    const { kubectl, lab, namespace } = this.context;
    const clusterNode = this.context.nodes.get(labNode);
    if (!clusterNode) throw new Error(`node ${labNode} is not a node of lab ${lab}`);
    const name = nodeProbePodName(lab, labNode);
    const existing = await kubectl.run(['get', 'pod', '-n', namespace, name, '-o', 'name'], { signal });
    if (existing.exitCode !== 0) {
      const pod = nodeProbePod({ lab, labNode, clusterNode, namespace, image: this.context.probeImage, pullPolicy: this.context.pullPolicy });
      await kubectl.ok(['create', '-f', '-'], { signal, stdin: JSON.stringify(pod) }, `creating the probe pod of node ${labNode}`);
    }
    await kubectl.ok(['wait', '-n', namespace, `pod/${name}`, '--for=condition=Ready', `--timeout=${READY_MS / 1000}s`], { signal }, `waiting for the probe pod of node ${labNode}`);
    return name;
  }

  private async fromHost(argv: string[], timeoutMs: number, signal: AbortSignal): Promise<ExecutedCommand> {
    const command = `docker exec ${this.hostSidecarName()} ${shellQuote(argv)}`;
    const refusal = hostProbeRefusal(argv, await this.context.labAddresses());
    if (refusal) return { command, exitCode: 2, stdout: '', stderr: `podlab: not run: ${refusal}` };
    const docker = await this.context.host.engine();
    await this.sidecars.ensure('host', docker, {
      name: this.hostSidecarName(),
      Image: this.context.probeImage,
      Cmd: ['sleep', 'infinity'],
      Labels: { [Label.lab]: this.context.lab, [Label.driver]: 'kube', [Label.role]: 'probe' },
      HostConfig: { NetworkMode: 'host' },
    });
    try {
      const result = await execIn(docker, this.hostSidecarName(), argv, { signal: AbortSignal.any([signal, AbortSignal.timeout(timeoutMs)]) });
      return { command, ...result };
    } catch (error) {
      signal.throwIfAborted();
      return { command, exitCode: 124, stdout: '', stderr: `no answer within ${timeoutMs} ms (${(error as Error).message})` };
    }
  }

  private hostSidecarName(): string {
    return `podlab-${this.context.lab}-probe-host`;
  }
}
