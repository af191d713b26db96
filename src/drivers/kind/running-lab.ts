// A running kind lab, as every command after `up` sees it: its nodes are kind's workers (with the
// flannel lease each holds in the lab's etcd), its pods, services and endpoints come from the API
// server, probes run in the pods' and nodes' network namespaces, exec goes through kubectl, and
// a trace follows a probe through the workers' own tables, as on dind nodes.
import type Docker from 'dockerode';
import { execa } from 'execa';
import type { DockerHost } from '../../docker/docker-host.js';
import { execIn } from '../../docker/exec.js';
import { Label } from '../../labels.js';
import { parseLeaseListing } from '../../net/flannel.js';
import type { ProbeExecutor } from '../../probe/runner.js';
import type { LabView } from '../../probe/view.js';
import type { Trace } from '../../trace/types.js';
import { traceOnNodes } from '../common/trace/trace-on-nodes.js';
import type { ExecTarget, NodeState, PodInfo, RunningLab, ServiceInfo, TraceRequest } from '../driver.js';
import { readLabPods, readLabServices } from '../kube/cluster-read.js';
import { Kubectl } from '../kube/kubectl.js';
import { kindNames, type KindNames } from './names.js';
import { KindProbeExecutor } from './probe-executor.js';
import { kubectlPath } from './tools.js';

export { podInfos, serviceInfo } from '../kube/cluster-read.js';

const KIND_CLUSTER_LABEL = 'io.x-k8s.kind.cluster';

/** The kind node containers of a cluster, control plane included. */
export async function kindNodeContainers(docker: Docker, cluster: string): Promise<Docker.ContainerInfo[]> {
  return docker.listContainers({ all: true, filters: JSON.stringify({ label: [`${KIND_CLUSTER_LABEL}=${cluster}`] }) });
}

export class KindRunningLab implements RunningLab {
  readonly driver = 'kind';
  readonly variant?: string;
  readonly labFile?: string;
  readonly names: KindNames;
  readonly kubeconfig: string;
  private nodesOnce?: Promise<NodeState[]>;
  private executor?: KindProbeExecutor;

  constructor(
    private readonly host: DockerHost,
    private readonly docker: Docker,
    readonly name: string,
    labels: Record<string, string>,
  ) {
    this.variant = labels[Label.variant] || undefined;
    this.labFile = labels[Label.labFile] || undefined;
    this.names = kindNames(name, (labels[Label.nodes] ?? '').split(',').filter(Boolean));
    this.kubeconfig = this.names.kubeconfig;
  }

  /** Lab node name of a kind worker (the control plane keeps kind's name). */
  labNode(kindNode: string): string {
    for (const [labNode, worker] of this.names.workers) if (worker === kindNode) return labNode;
    return kindNode;
  }

  nodes(): Promise<NodeState[]> {
    this.nodesOnce ??= this.readNodes();
    return this.nodesOnce;
  }

  private async readNodes(): Promise<NodeState[]> {
    const containers = await kindNodeContainers(this.docker, this.name);
    const leases = await this.leases();
    const workers = [...this.names.workers.entries()];
    return workers.flatMap(([labNode, worker]) => {
      const info = containers.find((candidate) => candidate.Names.includes(`/${worker}`));
      if (!info) return [];
      const network = info.NetworkSettings?.Networks?.[this.names.network];
      const lease = leases.find((candidate) => candidate.publicIP === network?.IPAddress);
      return [
        {
          name: labNode,
          container: worker,
          status: info.State,
          underlayIP: network?.IPAddress ?? '',
          gateway: network?.Gateway || undefined,
          flannelSubnet: lease?.subnet,
          vtepMAC: lease?.vtepMAC,
          labels: info.Labels,
        },
      ];
    });
  }

  /** flannel's leases in the lab's etcd (key and value lines). */
  private async leases() {
    const result = await execIn(this.docker, this.names.etcd, ['etcdctl', 'get', '--prefix', '/']).catch(() => undefined);
    return result?.exitCode === 0 ? parseLeaseListing(result.stdout) : [];
  }

  async pods(): Promise<PodInfo[]> {
    return readLabPods(new Kubectl({ kubeconfig: this.kubeconfig }), this.name, (node) => this.labNode(node));
  }

  async services(): Promise<ServiceInfo[]> {
    return readLabServices(new Kubectl({ kubeconfig: this.kubeconfig }), this.name);
  }

  async view(): Promise<LabView> {
    const [nodes, pods, services] = await Promise.all([this.nodes(), this.pods(), this.services()]);
    return {
      nodes: nodes.map((node) => ({ name: node.name, ip: node.underlayIP })),
      pods: pods.map((pod) => ({ ...pod, firstContainer: pod.containers[0]?.id })),
      services: services.map(({ namespace, name, clusterIP, ports }) => ({ namespace, name, clusterIP, ports })),
      hostIP: nodes[0]?.gateway,
    };
  }

  async probes(): Promise<ProbeExecutor> {
    this.executor ??= new KindProbeExecutor(this.host, this.docker, this.name, this.names);
    return this.executor;
  }

  async trace(request: TraceRequest, signal: AbortSignal): Promise<Trace> {
    const [nodes, view, probes] = await Promise.all([this.nodes(), this.view(), this.probes()]);
    return traceOnNodes({ docker: this.docker, lab: this.name, nodes, view, probes, ...request, signal });
  }

  async exec(target: ExecTarget, argv: string[], options: { tty: boolean }): Promise<number> {
    const interactive = options.tty ? '-it' : '-i';
    if (target.kind === 'node') return this.host.dockerCli(['exec', interactive, this.names.workers.get(target.node) ?? target.node, ...argv]);
    const result = await execa(
      await kubectlPath(),
      ['--kubeconfig', this.names.kubeconfig, 'exec', interactive, '-n', target.pod.namespace, target.pod.name, '-c', target.container, '--', ...argv],
      { stdio: 'inherit', reject: false },
    );
    return result.exitCode ?? 1;
  }
}
