// flannel facts as pure functions: the network config podlab writes to etcd, flanneld's
// command line, subnet.env and leases as flanneld writes them, and the dockerd options
// flannel's mk-docker-opts.sh derives from subnet.env.

export type FlannelBackend = 'vxlan' | 'host-gw' | 'udp';
export const FLANNEL_BACKENDS: readonly FlannelBackend[] = ['vxlan', 'host-gw', 'udp'];

export const DEFAULT_FLANNEL_PREFIX = '/coreos.com/network';
export function defaultFlannelConfig(): { Network: string; SubnetLen: number; Backend: { Type: FlannelBackend } } {
  return { Network: '10.1.0.0/16', SubnetLen: 24, Backend: { Type: 'vxlan' } };
}

/** Name of the device each backend creates on a node. */
export function flannelDevice(backend: FlannelBackend, vni = 1): string | undefined {
  if (backend === 'vxlan') return `flannel.${vni}`;
  if (backend === 'udp') return 'flannel0';
  return undefined;
}

export interface FlanneldOptions {
  etcdEndpoint: string;
  prefix: string;
  iface: string;
  ipMasq: boolean;
  extraArgs?: string[];
}

export function flanneldArgs(options: FlanneldOptions): string[] {
  return [
    `--etcd-endpoints=${options.etcdEndpoint}`,
    `--etcd-prefix=${options.prefix}`,
    `--iface=${options.iface}`,
    ...(options.ipMasq ? ['--ip-masq'] : []),
    ...(options.extraArgs ?? []),
  ];
}

export interface SubnetEnv {
  network: string;
  subnet: string;
  mtu: number;
  ipMasq: boolean;
}

/** Parses /run/flannel/subnet.env; undefined until flanneld has written all four lines. */
export function parseSubnetEnv(text: string): SubnetEnv | undefined {
  const values = new Map<string, string>();
  for (const line of text.split('\n')) {
    const match = /^\s*([A-Z_0-9]+)=(.*)$/.exec(line);
    if (match) values.set(match[1]!, match[2]!.trim());
  }
  const network = values.get('FLANNEL_NETWORK');
  const subnet = values.get('FLANNEL_SUBNET');
  const mtu = values.get('FLANNEL_MTU');
  const ipMasq = values.get('FLANNEL_IPMASQ');
  if (!network || !subnet || !mtu || ipMasq === undefined) return undefined;
  return { network, subnet, mtu: Number(mtu), ipMasq: ipMasq === 'true' };
}

/**
 * dockerd options as mk-docker-opts.sh writes them: --bip and --mtu from subnet.env, and
 * --ip-masq as the inverse of flannel's (when flanneld masquerades, docker must not too).
 */
export function dockerOptsFromSubnetEnv(env: SubnetEnv): string[] {
  return [`--bip=${env.subnet}`, `--ip-masq=${env.ipMasq ? 'false' : 'true'}`, `--mtu=${env.mtu}`];
}

export interface Lease {
  subnet: string;
  publicIP: string;
  backendType: string;
  vtepMAC?: string;
}

/** A lease key `PREFIX/subnets/10.1.79.0-24` and its JSON value, as flanneld writes them. */
export function parseLease(key: string, value: string): Lease | undefined {
  const match = /\/subnets\/(\d+\.\d+\.\d+\.\d+)-(\d+)$/.exec(key);
  if (!match) return undefined;
  try {
    const attrs = JSON.parse(value) as {
      PublicIP?: string;
      BackendType?: string;
      BackendData?: { VtepMAC?: string } | null;
    };
    if (!attrs.PublicIP || !attrs.BackendType) return undefined;
    return {
      subnet: `${match[1]}/${match[2]}`,
      publicIP: attrs.PublicIP,
      backendType: attrs.BackendType,
      vtepMAC: attrs.BackendData?.VtepMAC,
    };
  } catch {
    return undefined;
  }
}

/**
 * Parses `etcdctl get PREFIX/subnets --prefix` output: alternating key and value lines.
 */
export function parseLeaseListing(output: string): Lease[] {
  const lines = output.split('\n').filter((line) => line.trim() !== '');
  const leases: Lease[] = [];
  for (let i = 0; i + 1 < lines.length; i += 2) {
    const lease = parseLease(lines[i]!.trim(), lines[i + 1]!.trim());
    if (lease) leases.push(lease);
  }
  return leases;
}
