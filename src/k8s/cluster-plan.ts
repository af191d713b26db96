// Applied objects → the pods and services the lab will run, without a Docker engine:
// scheduling, pod names, ClusterIPs and NodePorts, service env vars (creation order matters),
// DNS. Endpoints need pod IPs and are computed later (endpoints.ts).
import { InputError, LabFileError, type LabIssue } from '../errors.js';
import { contains, hostAddress, parseCidr, parseIp } from '../net/cidr.js';
import type { Protocol } from '../net/kube-proxy-input.js';
import type { Applied } from './manifests.js';
import { mergeEnv, serviceEnv, type EnvVar } from './env.js';
import { DNS_HOST_NUMBER, DNS_SERVICE } from './dns.js';
import type { ContainerSpec, K8sObject, ObjectOf, PodSpec } from './schema.js';

export interface ClusterOptions {
  nodes: { name: string; labels: Record<string, string> }[];
  serviceCIDR: string;
  dns: boolean;
  /** Image substitutions from the lab file: name in a manifest → image actually run. */
  images: Record<string, string>;
  /** Source of randomness for pod name suffixes (tests pass a seeded one). */
  random?: () => number;
}

export interface ContainerPlan {
  name: string;
  image: string;
  command?: string[];
  args?: string[];
  workingDir?: string;
  env: EnvVar[];
  ports: { name?: string; containerPort: number; protocol: Protocol }[];
}

export interface PodPlan {
  namespace: string;
  name: string;
  node: string;
  labels: Record<string, string>;
  owner?: { kind: string; name: string };
  dnsPolicy: 'ClusterFirst' | 'Default';
  containers: ContainerPlan[];
}

export interface ServicePortPlan {
  name: string;
  protocol: Protocol;
  port: number;
  targetPort: number | string;
  nodePort?: number;
}

export interface ServicePlan {
  namespace: string;
  name: string;
  type: 'ClusterIP' | 'NodePort';
  clusterIP: string;
  selector?: Record<string, string>;
  ports: ServicePortPlan[];
  affinitySeconds?: number;
}

export interface ManualEndpoints {
  namespace: string;
  name: string;
  subsets: ObjectOf<'Endpoints'>['subsets'];
}

export interface ClusterPlan {
  pods: PodPlan[];
  services: ServicePlan[];
  endpoints: ManualEndpoints[];
  /** The DNS service's ClusterIP when the lab has cluster DNS. */
  dnsIP?: string;
}

export const DNS_POD_IMAGE = 'podlab/dns';
export const DEFAULT_AFFINITY_SECONDS = 10800;
const NODE_PORT_MIN = 30000;
const NODE_PORT_MAX = 32767;

export function planCluster(applied: Applied[], options: ClusterOptions): ClusterPlan {
  const random = options.random ?? Math.random;
  const issues: LabIssue[] = [];
  const serviceCIDR = parseCidr(options.serviceCIDR)!;
  const dnsIP = options.dns ? hostAddress(serviceCIDR, DNS_HOST_NUMBER) : undefined;

  // Explicit addresses and ports first, so automatic ones never take them.
  const takenIPs = new Set<string>(dnsIP ? [hostAddress(serviceCIDR, 1), dnsIP] : [hostAddress(serviceCIDR, 1)]);
  const takenNodePorts = new Set<number>();
  for (const { object, source } of applied) {
    if (object.kind !== 'Service') continue;
    const ip = object.spec.clusterIP;
    if (ip !== undefined) {
      const value = parseIp(ip);
      if (value === undefined || !contains(serviceCIDR, value)) {
        issues.push(source.issue(['spec', 'clusterIP'], `${ip} is not in the lab's serviceCIDR ${options.serviceCIDR}`));
      } else if (takenIPs.has(ip)) {
        issues.push(source.issue(['spec', 'clusterIP'], `${ip} is already taken${ip === dnsIP ? ' by the cluster DNS service' : ''}`));
      }
      takenIPs.add(ip);
    }
    object.spec.ports.forEach((port, index) => {
      if (port.nodePort === undefined) return;
      if (object.spec.type !== 'NodePort') issues.push(source.issue(['spec', 'ports', index, 'nodePort'], 'nodePort needs type: NodePort'));
      if (takenNodePorts.has(port.nodePort)) issues.push(source.issue(['spec', 'ports', index, 'nodePort'], `nodePort ${port.nodePort} is already taken`));
      takenNodePorts.add(port.nodePort);
    });
  }
  let nextHost = DNS_HOST_NUMBER + 1;
  const allocateIP = () => {
    for (;;) {
      const candidate = hostAddress(serviceCIDR, nextHost++);
      if (!takenIPs.has(candidate)) return candidate;
    }
  };
  let nextNodePort = NODE_PORT_MIN;
  const allocateNodePort = () => {
    while (takenNodePorts.has(nextNodePort)) nextNodePort++;
    if (nextNodePort > NODE_PORT_MAX) throw new InputError(`the lab's services use every NodePort of ${NODE_PORT_MIN}-${NODE_PORT_MAX}`);
    takenNodePorts.add(nextNodePort);
    return nextNodePort;
  };

  const services: ServicePlan[] = [];
  const pods: PodPlan[] = [];
  const endpoints: ManualEndpoints[] = [];
  let cursor = 0;
  const schedule = (spec: PodSpec, at: Applied, specPath: (string | number)[]): string | undefined => {
    if (spec.nodeName !== undefined) {
      if (options.nodes.some((node) => node.name === spec.nodeName)) return spec.nodeName;
      issues.push(at.source.issue([...specPath, 'nodeName'], `no node "${spec.nodeName}" in this lab (nodes: ${options.nodes.map((node) => node.name).join(', ')})`));
      return undefined;
    }
    const candidates = options.nodes.filter((node) =>
      Object.entries(spec.nodeSelector ?? {}).every(([key, value]) => ({ 'kubernetes.io/hostname': node.name, ...node.labels })[key] === value),
    );
    if (candidates.length === 0) {
      issues.push(at.source.issue([...specPath, 'nodeSelector'], 'matches no node of this lab (node labels come from the lab file\'s nodes)'));
      return undefined;
    }
    return candidates[cursor++ % candidates.length]!.name;
  };
  const makePod = (namespace: string, name: string, labels: Record<string, string>, spec: PodSpec, node: string, owner?: PodPlan['owner']) => {
    // Variables for the services of the pod's namespace that exist now, as kubelet does.
    const visible = spec.enableServiceLinks ? services.filter((service) => service.namespace === namespace) : [];
    const injected = serviceEnv(visible);
    pods.push({
      namespace,
      name,
      node,
      labels,
      owner,
      dnsPolicy: spec.dnsPolicy,
      containers: spec.containers.map((container) => containerPlan(container, injected, options.images)),
    });
  };

  if (dnsIP) {
    services.push({
      namespace: DNS_SERVICE.namespace,
      name: DNS_SERVICE.name,
      type: 'ClusterIP',
      clusterIP: dnsIP,
      selector: { 'k8s-app': 'kube-dns' },
      ports: [
        { name: 'dns', protocol: 'UDP', port: 53, targetPort: 53 },
        { name: 'dns-tcp', protocol: 'TCP', port: 53, targetPort: 53 },
      ],
    });
    pods.push({
      namespace: DNS_SERVICE.namespace,
      name: `kube-dns-${suffix(random)}`,
      node: options.nodes[0]!.name,
      labels: { 'k8s-app': 'kube-dns' },
      owner: { kind: 'Deployment', name: 'kube-dns' },
      dnsPolicy: 'Default',
      containers: [{ name: 'dnsmasq', image: DNS_POD_IMAGE, env: [], ports: [{ name: 'dns', containerPort: 53, protocol: 'UDP' }, { name: 'dns-tcp', containerPort: 53, protocol: 'TCP' }] }],
    });
  }

  for (const at of applied) {
    const object = at.object as K8sObject;
    const { namespace, name } = object.metadata;
    switch (object.kind) {
      case 'Namespace':
        break;
      case 'Pod': {
        const node = schedule(object.spec, at, ['spec']);
        if (node) makePod(namespace, name, object.metadata.labels, object.spec, node);
        break;
      }
      case 'ReplicationController':
      case 'ReplicaSet':
      case 'Deployment': {
        const { template, replicas } = object.spec;
        for (let replica = 0; replica < replicas; replica++) {
          const node = schedule(template.spec, at, ['spec', 'template', 'spec']);
          if (!node) break;
          makePod(namespace, `${name}-${suffix(random)}`, template.metadata.labels, template.spec, node, { kind: object.kind, name });
        }
        break;
      }
      case 'Service': {
        const spec = object.spec;
        services.push({
          namespace,
          name,
          type: spec.type,
          clusterIP: spec.clusterIP ?? allocateIP(),
          selector: spec.selector,
          ports: spec.ports.map((port) => ({
            name: port.name ?? '',
            protocol: port.protocol,
            port: port.port,
            targetPort: port.targetPort ?? port.port,
            nodePort: spec.type === 'NodePort' ? (port.nodePort ?? allocateNodePort()) : undefined,
          })),
          affinitySeconds: spec.sessionAffinity === 'ClientIP' ? (spec.sessionAffinityConfig?.clientIP.timeoutSeconds ?? DEFAULT_AFFINITY_SECONDS) : undefined,
        });
        if (spec.ports.length > 1 && spec.ports.some((port) => !port.name)) {
          issues.push(at.source.issue(['spec', 'ports'], 'a service with several ports must name each of them'));
        }
        break;
      }
      case 'Endpoints':
        endpoints.push({ namespace, name, subsets: object.subsets });
        break;
    }
  }
  if (issues.length > 0) throw new LabFileError(issues);
  return { pods, services, endpoints, dnsIP };
}

function containerPlan(container: ContainerSpec, injected: EnvVar[], images: Record<string, string>): ContainerPlan {
  return {
    name: container.name,
    image: substitute(container.image, images),
    command: container.command,
    args: container.args,
    workingDir: container.workingDir,
    env: mergeEnv(injected, container.env),
    ports: container.ports,
  };
}

/** The image the lab runs for a manifest's image: an exact match first, then without the tag. */
export function substitute(image: string, images: Record<string, string>): string {
  return images[image] ?? images[image.replace(/:[^/:]+$/, '')] ?? image;
}

const ALPHABET = 'bcdfghjklmnpqrstvwxz2456789';

/** Five characters like Kubernetes' generated names (it too avoids vowels and look-alikes). */
function suffix(random: () => number): string {
  let text = '';
  for (let i = 0; i < 5; i++) text += ALPHABET[Math.floor(random() * ALPHABET.length)];
  return text;
}

export function serviceKey(service: { namespace: string; name: string }): string {
  return `${service.namespace}/${service.name}`;
}
