// Lab → everything the dind driver will create, computed without a Docker engine: names,
// labels, addresses, etcd key and value, flanneld command lines. `podlab` could print it.
import { Label } from '../../labels.js';
import type { Lab } from '../../lab/load.js';
import { formatCidr, type Cidr } from '../../net/cidr.js';
import { flannelDevice, flanneldArgs, type FlannelBackend } from '../../net/flannel.js';
import { etcdAddress, gatewayAddress, nodeAddress } from './addresses.js';

export const NODE_IMAGE = 'podlab/node';
export const ETCD_IMAGE = 'podlab/etcd';
/** The interface a node container sees its underlay on (its only network). */
export const UNDERLAY_IFACE = 'eth0';
export const ETCD_PORT = 2379;

export interface NodePlan {
  name: string;
  container: string;
  ip: string;
  labels: Record<string, string>;
  /** Labels the lab file gives the node (for nodeSelector later). */
  nodeLabels: Record<string, string>;
  flanneldArgs?: string[];
}

export interface FlannelPlan {
  configKey: string;
  configJSON: string;
  prefix: string;
  backend: FlannelBackend;
  /** Device flanneld creates on each node (none for host-gw). */
  device?: string;
}

export interface DindPlan {
  lab: string;
  variant?: string;
  labFile: string;
  hash: string;
  network: { name: string; subnet: string; gateway: string; mtu: number; labels: Record<string, string> };
  etcd?: { container: string; ip: string; endpoint: string; args: string[]; labels: Record<string, string> };
  flannel?: FlannelPlan;
  nodes: NodePlan[];
  overlay: 'flannel' | 'none';
  forwardPolicy?: 'ACCEPT' | 'DROP';
  /** Overrides the MTU dockerd would take from subnet.env (or the underlay). */
  dockerMTU?: number;
}

export function labResourceName(lab: string, part?: string): string {
  return part ? `podlab-${lab}-${part}` : `podlab-${lab}`;
}

export function planDind(lab: Lab, underlay: Cidr, hash: string): DindPlan {
  const common = {
    [Label.lab]: lab.name,
    [Label.driver]: 'dind',
    [Label.variant]: lab.variant ?? '',
    [Label.overlay]: lab.network.overlay,
  };
  const flannelOn = lab.network.overlay === 'flannel';
  const etcdIp = etcdAddress(underlay);
  const endpoint = `http://${etcdIp}:${ETCD_PORT}`;
  const config = lab.network.flannel.config;
  const backend = config.Backend.Type;

  const nodes: NodePlan[] = lab.nodes.map((node, index) => ({
    name: node.name,
    container: labResourceName(lab.name, node.name),
    ip: nodeAddress(underlay, index),
    labels: {
      ...common,
      [Label.role]: 'node',
      [Label.node]: node.name,
      [Label.nodeIndex]: String(index),
      [Label.planHash]: hash,
      [Label.labFile]: lab.file,
    },
    nodeLabels: node.labels,
    flanneldArgs: flannelOn
      ? flanneldArgs({
          etcdEndpoint: endpoint,
          prefix: lab.network.flannel.prefix,
          iface: UNDERLAY_IFACE,
          ipMasq: true,
          extraArgs: lab.network.flannel.args,
        })
      : undefined,
  }));

  return {
    lab: lab.name,
    variant: lab.variant,
    labFile: lab.file,
    hash,
    network: {
      name: labResourceName(lab.name),
      subnet: formatCidr(underlay),
      gateway: gatewayAddress(underlay),
      mtu: lab.network.mtu,
      labels: { ...common, [Label.role]: 'underlay' },
    },
    etcd: flannelOn
      ? {
          container: labResourceName(lab.name, 'etcd'),
          ip: etcdIp,
          endpoint,
          args: ['--name=etcd', `--advertise-client-urls=${endpoint}`],
          labels: { ...common, [Label.role]: 'etcd' },
        }
      : undefined,
    flannel: flannelOn
      ? {
          prefix: lab.network.flannel.prefix,
          configKey: `${lab.network.flannel.prefix}/config`,
          configJSON: JSON.stringify(config),
          backend,
          device: flannelDevice(backend, vniOf(config.Backend)),
        }
      : undefined,
    nodes,
    overlay: lab.network.overlay,
    forwardPolicy: lab.network.forwardPolicy,
    dockerMTU: lab.network.dockerMTU,
  };
}

function vniOf(backend: Record<string, unknown>): number {
  const vni = Object.entries(backend).find(([key]) => key.toLowerCase() === 'vni')?.[1];
  return typeof vni === 'number' ? vni : 1;
}
