// A running kind lab, as every command after `up` sees it: its nodes are kind's workers (with the
// flannel lease each holds in the lab's etcd), its pods, services and endpoints come from the API
// server, probes run in the pods' and nodes' network namespaces, exec goes through kubectl.
import type Docker from 'dockerode';
import { execa } from 'execa';
import type { DockerHost } from '../../docker/docker-host.js';
import { execIn } from '../../docker/exec.js';
import { Label } from '../../labels.js';
import { parseLeaseListing } from '../../net/flannel.js';
import type { ProbeExecutor } from '../../probe/runner.js';
import type { LabView } from '../../probe/view.js';
import type { ExecTarget, NodeState, PodInfo, RunningLab, ServiceInfo } from '../driver.js';
import { kindNames, type KindNames } from './names.js';
import { KindProbeExecutor } from './probe-executor.js';
import type { KubeEndpoints, KubeList, KubePod, KubeService } from './readiness.js';
import { kubectlJson, kubectlPath } from './tools.js';

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
    const list = await kubectlJson<KubeList<KubePod>>(this.names.kubeconfig, ['get', 'pods', '-A', '-l', `${Label.lab}=${this.name}`]);
    return podInfos(list.items, (node) => this.labNode(node));
  }

  async services(): Promise<ServiceInfo[]> {
    const [services, endpoints] = await Promise.all([
      kubectlJson<KubeList<KubeService>>(this.names.kubeconfig, ['get', 'services', '-A']),
      kubectlJson<KubeList<KubeEndpoints>>(this.names.kubeconfig, ['get', 'endpoints', '-A']),
    ]);
    // The lab's own services, and the cluster DNS service assertions may aim at.
    const wanted = services.items.filter((service) => service.metadata.labels?.[Label.lab] === this.name || (service.metadata.namespace === 'kube-system' && service.metadata.name === 'kube-dns'));
    return wanted.map((service) => serviceInfo(service, endpoints.items));
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

/**
 * Pods as the model names them: the controller behind a ReplicaSet is its Deployment, and #N
 * counts in creation order, ties broken by the lab's node order and then by name.
 */
export function podInfos(pods: KubePod[], labNode: (kindNode: string) => string): PodInfo[] {
  const ordered = [...pods].sort(
    (a, b) =>
      (a.metadata.creationTimestamp ?? '').localeCompare(b.metadata.creationTimestamp ?? '') ||
      labNode(a.spec.nodeName ?? '').localeCompare(labNode(b.spec.nodeName ?? ''), undefined, { numeric: true }) ||
      a.metadata.name.localeCompare(b.metadata.name),
  );
  return ordered.map((pod, index) => {
    const { [Label.lab]: _lab, ...labels } = pod.metadata.labels ?? {};
    const statuses = pod.status?.containerStatuses ?? [];
    return {
      namespace: pod.metadata.namespace,
      name: pod.metadata.name,
      node: labNode(pod.spec.nodeName ?? ''),
      ip: pod.status?.podIP ?? '',
      labels,
      owner: ownerOf(pod),
      index,
      containers: pod.spec.containers.map((container) => {
        const status = statuses.find((candidate) => candidate.name === container.name);
        const state = Object.keys(status?.state ?? {})[0] ?? 'waiting';
        return {
          name: container.name,
          id: status?.containerID?.replace(/^\w+:\/\//, '') ?? '',
          state: state === 'running' ? 'running' : state,
          status: state === 'running' ? 'Running' : (status?.state?.[state]?.reason ?? state),
        };
      }),
    };
  });
}

function ownerOf(pod: KubePod): string {
  const owner = pod.metadata.ownerReferences?.find((reference) => reference.controller) ?? pod.metadata.ownerReferences?.[0];
  if (!owner) return '';
  const hash = pod.metadata.labels?.['pod-template-hash'];
  // A Deployment's pods belong to ReplicaSet <deployment>-<pod-template-hash>.
  if (owner.kind === 'ReplicaSet' && hash && owner.name.endsWith(`-${hash}`)) return `Deployment/${owner.name.slice(0, -hash.length - 1)}`;
  return `${owner.kind}/${owner.name}`;
}

export function serviceInfo(service: KubeService, endpoints: KubeEndpoints[]): ServiceInfo {
  const found = endpoints.find((candidate) => candidate.metadata.namespace === service.metadata.namespace && candidate.metadata.name === service.metadata.name);
  const ports = (service.spec.ports ?? []).map((port) => ({
    name: port.name ?? '',
    port: port.port,
    protocol: (port.protocol ?? 'TCP') as 'TCP' | 'UDP',
    ...(port.nodePort ? { nodePort: port.nodePort } : {}),
    ...(port.targetPort !== undefined ? { targetPort: port.targetPort } : {}),
  }));
  return {
    namespace: service.metadata.namespace,
    name: service.metadata.name,
    type: service.spec.type ?? 'ClusterIP',
    clusterIP: service.spec.clusterIP ?? '',
    selector: service.spec.selector,
    affinitySeconds: service.spec.sessionAffinity === 'ClientIP' ? (service.spec.sessionAffinityConfig?.clientIP?.timeoutSeconds ?? 10800) : undefined,
    ports: ports.map(({ targetPort: _target, ...port }) => port),
    endpoints: ports.map((port) =>
      (found?.subsets ?? []).flatMap((subset) => {
        const match = subset.ports?.find((candidate) => (candidate.name ?? '') === port.name) ?? (subset.ports?.length === 1 ? subset.ports[0] : undefined);
        return match ? (subset.addresses ?? []).map((address) => ({ ip: address.ip, port: match.port })) : [];
      }),
    ),
  };
}
