// Pods on a node's own dockerd, as kubelet with dockershim made them: a pause container holds
// the pod's network namespace (hostname, IP, resolv.conf) and every container of the pod joins
// it with `--network container:<pause>`, so they share one IP and localhost.
import type Docker from 'dockerode';
import { podResolver } from '../../k8s/dns.js';
import type { PodPlan } from '../../k8s/cluster-plan.js';
import type { RunningPod } from '../../k8s/endpoints.js';
import { Label } from '../../labels.js';
import { tarWithFile } from '../../docker/tar.js';
import type { PodInfo } from '../driver.js';

export const PAUSE_IMAGE = 'podlab/pause';
export const INFRA_CONTAINER = 'POD';

/** Labels on a pod's containers inside a node: how `get pods` and `exec pod/…` find them. */
export const PodLabel = {
  namespace: 'io.kubernetes.pod.namespace',
  name: 'io.kubernetes.pod.name',
  container: 'io.kubernetes.container.name',
  labels: 'podlab.pod-labels',
  owner: 'podlab.pod-owner',
  /** Creation order of the pod in the lab, which `pod/NAME#N` counts in. */
  index: 'podlab.pod-index',
  /** Position of a container in its pod's manifest: exec runs in the first. */
  containerIndex: 'podlab.container-index',
} as const;

/** dockershim's container names: k8s_<container>_<pod>_<namespace>_0. */
export function podContainerName(pod: Pick<PodPlan, 'name' | 'namespace'>, container: string): string {
  return `k8s_${container}_${pod.name}_${pod.namespace}_0`;
}

/** A pod whose network namespace exists (pause container running, IP known). */
export interface PodSandbox extends RunningPod {
  pauseId: string;
  labels: Record<string, string>;
  dockerLabels: Record<string, string>;
}

/**
 * Step one of a pod: its pause container, which fixes its IP. The service rules go in before
 * the pod's own containers start, so an app's first connection to a ClusterIP is translated
 * (a SYN sent before the rules existed would stay untranslated for its whole conntrack life).
 */
export async function createSandbox(engine: Docker, pod: PodPlan, index: number, lab: string, dnsIP: string | undefined): Promise<PodSandbox> {
  const resolver = podResolver(pod.namespace, dnsIP, pod.dnsPolicy);
  const dockerLabels = {
    [Label.lab]: lab,
    [PodLabel.namespace]: pod.namespace,
    [PodLabel.name]: pod.name,
    [PodLabel.labels]: JSON.stringify(pod.labels),
    [PodLabel.owner]: pod.owner ? `${pod.owner.kind}/${pod.owner.name}` : '',
    [PodLabel.index]: String(index),
  };
  const pause = await engine.createContainer({
    name: podContainerName(pod, INFRA_CONTAINER),
    Image: PAUSE_IMAGE,
    Hostname: pod.name,
    Labels: { ...dockerLabels, [PodLabel.container]: INFRA_CONTAINER },
    HostConfig: { Dns: resolver.servers, DnsSearch: resolver.search, DnsOptions: resolver.options },
  });
  await pause.start();
  const ip = (await pause.inspect()).NetworkSettings.IPAddress;
  return { ...pod, ip, pauseId: pause.id, dockerLabels };
}

/** Step two: the pod's containers, joined to its sandbox. `files` go into a container before it starts. */
export async function startContainers(engine: Docker, sandbox: PodSandbox, files: Record<string, { dir: string; name: string; content: string }> = {}): Promise<void> {
  await Promise.all(
    sandbox.containers.map(async (container, position) => {
      const created = await engine.createContainer({
        name: podContainerName(sandbox, container.name),
        Image: container.image,
        // Kubernetes' command replaces the image's ENTRYPOINT and args its CMD.
        ...(container.command ? { Entrypoint: container.command } : {}),
        ...(container.args ? { Cmd: container.args } : {}),
        ...(container.workingDir ? { WorkingDir: container.workingDir } : {}),
        Env: container.env.map((variable) => `${variable.name}=${variable.value}`),
        Labels: { ...sandbox.dockerLabels, [PodLabel.container]: container.name, [PodLabel.containerIndex]: String(position) },
        HostConfig: { NetworkMode: `container:${sandbox.pauseId}` },
      });
      const file = files[container.name];
      if (file) await created.putArchive(tarWithFile(file.name, file.content), { path: file.dir });
      await created.start();
    }),
  );
}

export type PodState = PodInfo;

/** The pods running on one node's dockerd, read back from their labels. */
export async function podsOnNode(engine: Docker, node: string): Promise<PodState[]> {
  const containers = await engine.listContainers({ all: true, filters: JSON.stringify({ label: [PodLabel.name] }) });
  const pods = new Map<string, PodState>();
  for (const info of containers.filter((candidate) => candidate.Labels[PodLabel.container] === INFRA_CONTAINER)) {
    const key = `${info.Labels[PodLabel.namespace]}/${info.Labels[PodLabel.name]}`;
    pods.set(key, {
      namespace: info.Labels[PodLabel.namespace]!,
      name: info.Labels[PodLabel.name]!,
      node,
      ip: info.NetworkSettings?.Networks?.bridge?.IPAddress ?? '',
      labels: JSON.parse(info.Labels[PodLabel.labels] ?? '{}') as Record<string, string>,
      owner: info.Labels[PodLabel.owner] ?? '',
      index: Number(info.Labels[PodLabel.index] ?? 0),
      containers: [],
    });
  }
  const byPosition = (info: Docker.ContainerInfo) => Number(info.Labels[PodLabel.containerIndex] ?? 0);
  for (const info of [...containers].sort((a, b) => byPosition(a) - byPosition(b))) {
    if (info.Labels[PodLabel.container] === INFRA_CONTAINER) continue;
    const pod = pods.get(`${info.Labels[PodLabel.namespace]}/${info.Labels[PodLabel.name]}`);
    pod?.containers.push({ name: info.Labels[PodLabel.container]!, id: info.Id, state: info.State, status: info.Status });
  }
  return [...pods.values()];
}
