// Applying the lab's Kubernetes objects: images onto the nodes that need them, every pod's
// sandbox (its IP) in parallel, the service rules on every node from those addresses, then the
// pods' containers, the DNS server starting with its records.
import type Docker from 'dockerode';
import { EnvironmentError } from '../../errors.js';
import type { ClusterPlan, ServicePlan } from '../../k8s/cluster-plan.js';
import { dnsRecords, DNS_SERVICE } from '../../k8s/dns.js';
import { proxyInput } from '../../k8s/endpoints.js';
import { imageSpec } from '../../images/catalog.js';
import { ensureImageOn } from '../../images/ensure-on-host.js';
import { renderRules } from '../../net/kube-proxy.js';
import type { ProxyEndpoint } from '../../net/kube-proxy-input.js';
import type { DindPlan } from './plan.js';
import type { Step } from '../steps.js';
import type { DockerHost } from '../../docker/docker-host.js';
import { loadImageIntoNodes } from './node-images.js';
import { createSandbox, PAUSE_IMAGE, startContainers, type PodSandbox } from './pods.js';
import { installServiceRules } from './service-rules.js';

const DNS_RECORDS_DIR = '/etc/podlab/dns';

function isDnsPod(pod: { namespace: string; labels: Record<string, string> }): boolean {
  return pod.namespace === DNS_SERVICE.namespace && pod.labels['k8s-app'] === 'kube-dns';
}

/** What `get svc|ep` reads back from a node. */
export interface ClusterState {
  services: Array<ServicePlan & { endpoints: ProxyEndpoint[][] }>;
}

/** `extraImages`: needed on every node that runs pods (the probe image, when the lab has assertions). */
export function applySteps(
  host: DockerHost,
  docker: Docker,
  plan: DindPlan,
  cluster: ClusterPlan,
  clusterCIDR: string | undefined,
  extraImages: string[],
  track: <T>(p: Promise<T>) => Promise<T>,
): Step[] {
  const sandboxes: PodSandbox[] = [];
  const nodeIP = (name: string) => plan.nodes.find((node) => node.name === name)!.ip;
  const imagesByNode = new Map<string, Set<string>>();
  for (const pod of cluster.pods) {
    const set = imagesByNode.get(pod.node) ?? new Set([PAUSE_IMAGE, ...extraImages]);
    for (const container of pod.containers) set.add(container.image);
    imagesByNode.set(pod.node, set);
  }
  const images = [...new Set([...imagesByNode.values()].flatMap((set) => [...set]))];

  return [
    {
      title: `images for ${cluster.pods.length} pods`,
      concurrent: true,
      children: () =>
        images.map((image) => ({
          title: image,
          run: async () => {
            const spec = imageSpec(image);
            if (spec) await track(ensureImageOn(host, spec));
            else if (!(await docker.getImage(image).inspect().catch(() => undefined))) {
              throw new EnvironmentError(`image ${image} is neither built by podlab nor present in the engine; map it under images: in the lab file`);
            }
            const nodes = [...imagesByNode.entries()].filter(([, set]) => set.has(image)).map(([node]) => nodeIP(node));
            await track(loadImageIntoNodes(host, image, nodes));
          },
        })),
    },
    {
      title: 'pod sandboxes (pause containers)',
      concurrent: true,
      children: () =>
        cluster.pods.map((pod) => ({
          title: `${pod.namespace}/${pod.name} on ${pod.node}`,
          run: async ({ note }) => {
            const sandbox = await track(createSandbox(host.nodeEngine(nodeIP(pod.node)), pod, cluster.pods.indexOf(pod), plan.lab, cluster.dnsIP));
            sandboxes.push(sandbox);
            note(sandbox.ip);
          },
        })),
    },
    {
      title: 'services: kube-proxy rules on every node',
      run: async ({ signal, note }) => {
        const input = proxyInput(cluster.services, sandboxes, cluster.endpoints, clusterCIDR);
        const rules = renderRules(input);
        const state: ClusterState = {
          services: cluster.services.map((service, index) => ({ ...service, endpoints: input.services[index]!.ports.map((port) => port.endpoints) })),
        };
        await Promise.all(plan.nodes.map((node) => track(installServiceRules(docker, node.container, rules, state, signal))));
        note(`(${cluster.services.length} services)`);
      },
    },
    {
      title: 'pod containers',
      concurrent: true,
      children: () =>
        sandboxes.map((sandbox) => ({
          title: `${sandbox.namespace}/${sandbox.name}`,
          run: async () => {
            // The DNS server starts with its records in place.
            const files: Parameters<typeof startContainers>[2] = isDnsPod(sandbox) ? { dnsmasq: { dir: DNS_RECORDS_DIR, name: 'records', content: dnsRecords(cluster.services) } } : {};
            await track(startContainers(host.nodeEngine(nodeIP(sandbox.node)), sandbox, files));
          },
        })),
    },
  ];
}
