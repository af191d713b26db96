// Applying the lab's Kubernetes objects: images onto the nodes that need them, pods on every
// node in parallel, then the service rules on every node from the pods' addresses, and the
// cluster DNS records.
import type Docker from 'dockerode';
import { execOk } from '../../docker/exec.js';
import { EnvironmentError } from '../../errors.js';
import { serviceKey, type ClusterPlan, type ServicePlan } from '../../k8s/cluster-plan.js';
import { dnsRecords, DNS_SERVICE } from '../../k8s/dns.js';
import { proxyInput, type RunningPod } from '../../k8s/endpoints.js';
import { imageSpec } from '../../images/catalog.js';
import { ensureImage } from '../../images/build.js';
import { renderRules } from '../../net/kube-proxy.js';
import type { ProxyEndpoint } from '../../net/kube-proxy-input.js';
import type { DindPlan } from '../../plan/dind-plan.js';
import type { Step } from '../steps.js';
import { nodeEngine } from './node-engine.js';
import { loadImageIntoNodes } from './node-images.js';
import { createPod, PAUSE_IMAGE, podContainerName } from './pods.js';
import { installServiceRules } from './service-rules.js';

/** What `get svc|ep` reads back from a node. */
export interface ClusterState {
  services: Array<ServicePlan & { endpoints: ProxyEndpoint[][] }>;
}

/** `extraImages`: needed on every node that runs pods (the probe image, when the lab has assertions). */
export function applySteps(
  docker: Docker,
  plan: DindPlan,
  cluster: ClusterPlan,
  clusterCIDR: string | undefined,
  extraImages: string[],
  track: <T>(p: Promise<T>) => Promise<T>,
): Step[] {
  const running: RunningPod[] = [];
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
            if (spec) await track(ensureImage(docker, spec));
            else if (!(await docker.getImage(image).inspect().catch(() => undefined))) {
              throw new EnvironmentError(`image ${image} is neither built by podlab nor present in the engine; map it under images: in the lab file`);
            }
            const nodes = [...imagesByNode.entries()].filter(([, set]) => set.has(image)).map(([node]) => nodeIP(node));
            await track(loadImageIntoNodes(docker, image, nodes));
          },
        })),
    },
    {
      title: 'pods',
      concurrent: true,
      children: () =>
        cluster.pods.map((pod) => ({
          title: `${pod.namespace}/${pod.name} on ${pod.node}`,
          run: async ({ note }) => {
            const started = await track(createPod(nodeEngine(nodeIP(pod.node)), pod, cluster.pods.indexOf(pod), plan.lab, cluster.dnsIP));
            running.push(started);
            note(started.ip);
          },
        })),
    },
    {
      title: 'services: kube-proxy rules on every node',
      run: async ({ signal, note }) => {
        const input = proxyInput(cluster.services, running, cluster.endpoints, clusterCIDR);
        const rules = renderRules(input);
        const state: ClusterState = {
          services: cluster.services.map((service, index) => ({ ...service, endpoints: input.services[index]!.ports.map((port) => port.endpoints) })),
        };
        await Promise.all(plan.nodes.map((node) => track(installServiceRules(docker, node.container, rules, state, signal))));
        const dnsPod = running.find((pod) => pod.namespace === DNS_SERVICE.namespace && pod.labels['k8s-app'] === 'kube-dns');
        if (dnsPod) {
          const engine = nodeEngine(nodeIP(dnsPod.node));
          await track(
            execOk(engine, podContainerName(dnsPod, 'dnsmasq'), ['sh', '-c', 'mkdir -p /etc/podlab/dns && cat > /etc/podlab/dns/.records && mv /etc/podlab/dns/.records /etc/podlab/dns/records'], {
              stdin: dnsRecords(cluster.services),
              signal,
            }),
          );
        }
        note(`(${cluster.services.length} services${dnsPod ? `, DNS at ${cluster.dnsIP}` : ''})`);
      },
    },
  ];
}

export function findService(state: ClusterState, name: string): ClusterState['services'][number] | undefined {
  return state.services.find((service) => serviceKey(service) === name || service.name === name);
}
