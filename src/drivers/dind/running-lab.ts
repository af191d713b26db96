// A running dind lab, found by its labels: nodes from the host engine, pods from the nodes'
// dockerds, services from the state the nodes' rules were rendered from; probes in sidecars;
// exec through the docker CLI (it passes stdin and a TTY through faithfully).
import type Docker from 'dockerode';
import type { DockerHost } from '../../docker/docker-host.js';
import { execIn } from '../../docker/exec.js';
import { Label, labFilter } from '../../labels.js';
import { parseSubnetEnv } from '../../net/flannel.js';
import type { ProbeExecutor } from '../../probe/runner.js';
import type { LabView } from '../../probe/view.js';
import type { Trace } from '../../trace/types.js';
import type { ExecTarget, NodeState, PodInfo, RunningLab, ServiceInfo, TraceRequest } from '../driver.js';
import { listPods, listServices } from './cluster-read.js';
import { runningView } from './lab-view.js';
import { DindProbeExecutor } from './probe-executor.js';
import { traceOnNodes } from '../common/trace/trace-on-nodes.js';

export class DindRunningLab implements RunningLab {
  readonly driver = 'dind';
  readonly variant?: string;
  readonly labFile?: string;
  private nodesOnce?: Promise<NodeState[]>;
  private executor?: DindProbeExecutor;

  constructor(
    private readonly host: DockerHost,
    private readonly docker: Docker,
    readonly name: string,
    labels: Record<string, string>,
  ) {
    this.variant = labels[Label.variant] || undefined;
    this.labFile = labels[Label.labFile] || undefined;
  }

  /** Read once per attach: a command sees one consistent picture of the lab. */
  nodes(): Promise<NodeState[]> {
    this.nodesOnce ??= readNodes(this.docker, this.name);
    return this.nodesOnce;
  }

  async pods(): Promise<PodInfo[]> {
    return listPods(this.host, await this.nodes());
  }

  async services(): Promise<ServiceInfo[]> {
    return listServices(this.docker, await this.nodes());
  }

  async view(): Promise<LabView> {
    const nodes = await this.nodes();
    const [pods, services] = await Promise.all([listPods(this.host, nodes), listServices(this.docker, nodes)]);
    return runningView(nodes, pods, services);
  }

  /** One executor per attach: its sidecars are made on first use and reused by every probe. */
  async probes(): Promise<ProbeExecutor> {
    this.executor ??= new DindProbeExecutor(this.host, this.docker, this.name, await this.nodes());
    return this.executor;
  }

  async trace(request: TraceRequest, signal: AbortSignal): Promise<Trace> {
    const [nodes, view, probes] = await Promise.all([this.nodes(), this.view(), this.probes()]);
    return traceOnNodes({ docker: this.docker, lab: this.name, nodes, view, probes, ...request, signal });
  }

  async exec(target: ExecTarget, argv: string[], options: { tty: boolean }): Promise<number> {
    const nodes = await this.nodes();
    const interactive = options.tty ? '-it' : '-i';
    if (target.kind === 'node') {
      const node = nodes.find((candidate) => candidate.name === target.node)!;
      return this.host.dockerCli(['exec', interactive, node.container, ...argv]);
    }
    const node = nodes.find((candidate) => candidate.name === target.pod.node)!;
    const container = target.pod.containers.find((candidate) => candidate.name === target.container)!;
    return this.host.dockerCli(['exec', interactive, container.id, ...argv], { nodeIP: node.underlayIP });
  }
}

export async function nodeContainers(docker: Docker, lab: string): Promise<Docker.ContainerInfo[]> {
  const filters = JSON.stringify({ label: [...labFilter(lab).label, `${Label.role}=node`] });
  const containers = await docker.listContainers({ all: true, filters });
  return containers.sort((a, b) => Number(a.Labels[Label.nodeIndex]) - Number(b.Labels[Label.nodeIndex]));
}

async function readNodes(docker: Docker, lab: string): Promise<NodeState[]> {
  const containers = await nodeContainers(docker, lab);
  return Promise.all(
    containers.map(async (info) => {
      const container = info.Names[0]?.replace(/^\//, '') ?? info.Id;
      const network = Object.values(info.NetworkSettings?.Networks ?? {})[0];
      const state: NodeState = {
        name: info.Labels[Label.node] ?? container,
        container,
        status: info.State,
        underlayIP: network?.IPAddress ?? '',
        gateway: network?.Gateway || undefined,
        labels: info.Labels,
      };
      if (info.State !== 'running' || info.Labels[Label.overlay] !== 'flannel') return state;
      const probe = await execIn(docker, container, ['sh', '-c', 'cat /run/flannel/subnet.env; echo ---; cat /sys/class/net/flannel.*/address 2>/dev/null']);
      const [envText, macText] = probe.stdout.split('---');
      state.flannelSubnet = parseSubnetEnv(envText ?? '')?.subnet;
      state.vtepMAC = macText?.trim().split('\n')[0] || undefined;
      return state;
    }),
  );
}
