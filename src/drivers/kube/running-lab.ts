// A running kube lab as every command after `up` sees it: its nodes are the cluster nodes the
// record maps the lab's node names to, its pods and services come from the API server by label,
// probes run as probe-executor.ts says, and `podlab exec` goes through kubectl.
import { execa } from 'execa';
import type { DockerHost } from '../../docker/docker-host.js';
import type { ProbeExecutor } from '../../probe/runner.js';
import type { LabView } from '../../probe/view.js';
import type { ExecTarget, NodeState, PodInfo, RunningLab, ServiceInfo } from '../driver.js';
import { readLabPods, readLabServices } from './cluster-read.js';
import { kubectlBinary, type Kubectl } from './kubectl.js';
import { nodeAddress } from './nodes.js';
import { KubeProbeExecutor } from './probe-executor.js';
import { PROBE_CONTAINER, nodeProbePodName } from './probe-pods.js';
import type { KubeList, KubeNode } from './readiness.js';
import type { LabRecord } from './record.js';

export class KubeRunningLab implements RunningLab {
  readonly driver = 'kube';
  readonly name: string;
  readonly variant?: string;
  readonly labFile?: string;
  readonly kubeconfig: string;
  private readonly nodeMap: Map<string, string>;
  private executor?: KubeProbeExecutor;

  constructor(
    private readonly host: DockerHost,
    private readonly kubectl: Kubectl,
    private readonly record: LabRecord,
  ) {
    this.name = record.lab;
    this.variant = record.variant || undefined;
    this.labFile = record.labFile || undefined;
    this.kubeconfig = kubectl.target.kubeconfig;
    this.nodeMap = new Map(record.nodes);
  }

  private labNode(clusterNode: string): string {
    for (const [labNode, node] of this.nodeMap) if (node === clusterNode) return labNode;
    return clusterNode;
  }

  async nodes(): Promise<NodeState[]> {
    const cluster = await this.kubectl.json<KubeList<KubeNode>>(['get', 'nodes']);
    return [...this.nodeMap].flatMap(([labNode, clusterNode]) => {
      const node = cluster.items.find((candidate) => candidate.metadata.name === clusterNode);
      if (!node) return [];
      const ready = node.status?.conditions?.some((condition) => condition.type === 'Ready' && condition.status === 'True');
      return [{ name: labNode, container: clusterNode, status: ready ? 'Ready' : 'NotReady', underlayIP: nodeAddress(node), labels: {} }];
    });
  }

  pods(): Promise<PodInfo[]> {
    return readLabPods(this.kubectl, this.name, (node) => this.labNode(node));
  }

  services(): Promise<ServiceInfo[]> {
    return readLabServices(this.kubectl, this.name);
  }

  async view(): Promise<LabView> {
    const [nodes, pods, services] = await Promise.all([this.nodes(), this.pods(), this.services()]);
    return {
      nodes: nodes.map((node) => ({ name: node.name, ip: node.underlayIP })),
      // Exec checks name the container: kubectl exec speaks names, not runtime IDs.
      pods: pods.map((pod) => ({ ...pod, firstContainer: pod.containers[0]?.name })),
      services: services.map(({ namespace, name, clusterIP, ports }) => ({ namespace, name, clusterIP, ports })),
    };
  }

  async probes(): Promise<ProbeExecutor> {
    this.executor ??= new KubeProbeExecutor({
      lab: this.name,
      kubectl: this.kubectl,
      host: this.host,
      nodes: this.nodeMap,
      namespace: this.record.namespace,
      probeImage: this.record.probeImage,
      pullPolicy: this.record.pullPolicy,
      labAddresses: async () => {
        const view = await this.view();
        return new Set([...view.nodes.map((node) => node.ip ?? ''), ...view.pods.map((pod) => pod.ip ?? ''), ...view.services.map((service) => service.clusterIP)].filter(Boolean));
      },
    });
    return this.executor;
  }

  /** Pods through kubectl exec; a node through its probe pod (made when missing). */
  async exec(target: ExecTarget, argv: string[], options: { tty: boolean }): Promise<number> {
    const interactive = options.tty ? '-it' : '-i';
    if (target.kind === 'node') await ((await this.probes()) as KubeProbeExecutor).nodePod(target.node, new AbortController().signal);
    const where =
      target.kind === 'pod'
        ? ['-n', target.pod.namespace, target.pod.name, '-c', target.container]
        : ['-n', this.record.namespace, nodeProbePodName(this.name, target.node), '-c', PROBE_CONTAINER];
    const result = await execa(kubectlBinary(), [...this.kubectl.flags(), 'exec', interactive, ...where, '--', ...argv], { stdio: 'inherit', reject: false });
    return result.exitCode ?? 1;
  }
}
