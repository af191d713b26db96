// The netfilter rules kube-proxy (iptables mode, the pre-1.17 chain layout seen on the seed
// clusters) writes for the lab's services, as iptables-restore text. Pure: no I/O.
//
// The text is meant for `iptables-restore --noflush` on a node that also carries Docker's and
// flannel's rules. So it declares (and thereby flushes) only KUBE-* chains, which makes a
// re-render an atomic replacement, and never touches built-in chains: the jumps into the KUBE
// chains come from renderJumps(), for the caller to add only when missing (`-C || -A`).
import { createHash } from 'node:crypto';
import type { Protocol, ProxyEndpoint, ProxyInput, ProxyService, ProxyServicePort } from './kube-proxy-input.js';

/** "ns/name:port" — an unnamed port leaves the trailing colon, as kube-proxy printed it. */
export function servicePortName(namespace: string, name: string, portName: string): string {
  return `${namespace}/${name}:${portName}`;
}

/** KUBE-SVC-<hash>: chain names depend only on these inputs, so they match a real cluster's. */
export function serviceChain(spn: string, protocol: Protocol): string {
  return `KUBE-SVC-${hash16(spn + protocol.toLowerCase())}`;
}

export function endpointChain(spn: string, protocol: Protocol, ip: string, port: number): string {
  return `KUBE-SEP-${hash16(`${spn}${protocol.toLowerCase()}${ip}:${port}`)}`;
}

/**
 * The statistic-match probability for endpoint i of n: 1/(n-i), so that each of the n endpoints
 * is picked with chance 1/n. Printed as Go's "%0.10f" does: from the exact value of the double,
 * ties rounded to even (toFixed alone would round 1/2048 up).
 */
export function probability(i: number, n: number): string {
  const exact = (1 / (n - i)).toFixed(100); // exact for any probability above 2^-48
  const [whole = '0', fraction = ''] = exact.split('.');
  const kept = BigInt(whole + fraction.slice(0, 10));
  const rest = fraction.slice(10);
  const half = rest[0] === '5' && /^0*$/.test(rest.slice(1));
  const up = rest[0]! > '5' || (rest[0] === '5' && !half) || (half && kept % 2n === 1n);
  const digits = (kept + (up ? 1n : 0n)).toString().padStart(11, '0');
  return `${digits.slice(0, -10)}.${digits.slice(-10)}`;
}

/** The full restore text: the nat table, then the filter table. */
export function renderRules(input: ProxyInput): string {
  const nat = new Table(['KUBE-SERVICES', 'KUBE-NODEPORTS', 'KUBE-POSTROUTING', 'KUBE-MARK-MASQ']);
  const filter = new Table(['KUBE-SERVICES', 'KUBE-EXTERNAL-SERVICES']);
  nat.add('KUBE-POSTROUTING', comment('kubernetes service traffic requiring SNAT'), `-m mark --mark ${MASQ_MARK} -j MASQUERADE`);
  nat.add('KUBE-MARK-MASQ', `-j MARK --set-xmark ${MASQ_MARK}`);

  for (const service of input.services) {
    // Headless services have no ClusterIP and get no rules, as in kube-proxy.
    if (service.clusterIP === '' || service.clusterIP === 'None') continue;
    for (const port of service.ports) {
      if (port.endpoints.length === 0) rejectPort(filter, service, port);
      else proxyPort(nat, input.clusterCIDR, service, port);
    }
  }
  // Must come last: it matches every packet to a local address, not only service traffic.
  nat.add(
    'KUBE-SERVICES',
    comment('kubernetes service nodeports; NOTE: this must be the last rule in this chain'),
    '-m addrtype --dst-type LOCAL -j KUBE-NODEPORTS',
  );
  return nat.render('nat') + filter.render('filter');
}

/**
 * The jumps from built-in chains into the KUBE chains, as iptables argv. Install them after
 * renderRules' text (the target chains must exist) and only when `iptables -C` says they are
 * missing, so that re-rendering never duplicates them. They are inserted at the top, as
 * kube-proxy does: appended, they would sit behind Docker's own FORWARD ACCEPT for traffic
 * leaving docker0, and a pod's connection to a service without endpoints would hang instead
 * of being refused.
 */
export function renderJumps(): string[][] {
  const portals = ['-m', 'comment', '--comment', 'kubernetes service portals'];
  const newConn = ['-m', 'conntrack', '--ctstate', 'NEW'];
  return [
    ['-t', 'nat', '-I', 'PREROUTING', ...portals, '-j', 'KUBE-SERVICES'],
    ['-t', 'nat', '-I', 'OUTPUT', ...portals, '-j', 'KUBE-SERVICES'],
    ['-t', 'nat', '-I', 'POSTROUTING', '-m', 'comment', '--comment', 'kubernetes postrouting rules', '-j', 'KUBE-POSTROUTING'],
    ['-t', 'filter', '-I', 'INPUT', ...newConn, '-m', 'comment', '--comment', 'kubernetes externally-visible service portals', '-j', 'KUBE-EXTERNAL-SERVICES'],
    ['-t', 'filter', '-I', 'FORWARD', ...newConn, ...portals, '-j', 'KUBE-SERVICES'],
    ['-t', 'filter', '-I', 'OUTPUT', ...newConn, ...portals, '-j', 'KUBE-SERVICES'],
  ];
}

const MASQ_MARK = '0x4000/0x4000';

function proxyPort(nat: Table, clusterCIDR: string | undefined, service: ProxyService, port: ProxyServicePort): void {
  const spn = servicePortName(service.namespace, service.name, port.name);
  const proto = port.protocol.toLowerCase();
  const svc = serviceChain(spn, port.protocol);
  nat.declare(svc);

  const clusterIP = `-d ${service.clusterIP}/32 -p ${proto} ${comment(`${spn} cluster IP`)} -m ${proto} --dport ${port.port}`;
  // Traffic from outside the pod network keeps its source after DNAT otherwise, and the reply
  // from the pod would bypass this node's conntrack entry.
  if (clusterCIDR) nat.add('KUBE-SERVICES', `! -s ${clusterCIDR} ${clusterIP} -j KUBE-MARK-MASQ`);
  nat.add('KUBE-SERVICES', `${clusterIP} -j ${svc}`);

  if (port.nodePort !== undefined) {
    const nodePort = `-p ${proto} ${comment(spn)} -m ${proto} --dport ${port.nodePort}`;
    nat.add('KUBE-NODEPORTS', `${nodePort} -j KUBE-MARK-MASQ`);
    nat.add('KUBE-NODEPORTS', `${nodePort} -j ${svc}`);
  }

  const seps = port.endpoints.map((ep) => endpointChain(spn, port.protocol, ep.ip, ep.port));
  const affinity = service.affinitySeconds;
  // Affinity: a client seen recently goes back to the endpoint that recorded it, before any
  // random pick.
  if (affinity !== undefined) {
    for (const sep of seps) nat.add(svc, comment(spn), `${recent(sep)} --rcheck --seconds ${affinity} --reap -j ${sep}`);
  }
  seps.forEach((sep, i) => {
    const pick = i < seps.length - 1 ? ` -m statistic --mode random --probability ${probability(i, seps.length)}` : '';
    nat.add(svc, `${comment(spn)}${pick} -j ${sep}`);
  });

  port.endpoints.forEach((ep: ProxyEndpoint, i) => {
    const sep = seps[i]!;
    nat.declare(sep);
    // Hairpin: a pod reaching itself through the service must be masqueraded, or it would see
    // its own address as the source and answer directly.
    nat.add(sep, `-s ${ep.ip}/32 ${comment(spn)} -j KUBE-MARK-MASQ`);
    const record = affinity !== undefined ? ` ${recent(sep)} --set` : '';
    nat.add(sep, `-p ${proto} ${comment(spn)}${record} -m ${proto} -j DNAT --to-destination ${ep.ip}:${ep.port}`);
  });
}

/** No endpoints: refuse at once (ICMP port unreachable) rather than let connections hang. */
function rejectPort(filter: Table, service: ProxyService, port: ProxyServicePort): void {
  const spn = servicePortName(service.namespace, service.name, port.name);
  const proto = port.protocol.toLowerCase();
  const reject = '-j REJECT --reject-with icmp-port-unreachable';
  const why = comment(`${spn} has no endpoints`);
  filter.add('KUBE-SERVICES', `-d ${service.clusterIP}/32 -p ${proto} ${why} -m ${proto} --dport ${port.port} ${reject}`);
  if (port.nodePort !== undefined) {
    filter.add('KUBE-EXTERNAL-SERVICES', `-p ${proto} ${why} -m addrtype --dst-type LOCAL -m ${proto} --dport ${port.nodePort} ${reject}`);
  }
}

function recent(sep: string): string {
  return `-m recent --name ${sep} --mask 255.255.255.255 --rsource`;
}

/** Double-quoted, as iptables-save prints it; names and port names are DNS labels, so no escaping. */
function comment(text: string): string {
  return `-m comment --comment "${text}"`;
}

/** Chains in first-declared order, and rules in the order they were added. */
class Table {
  private readonly chains: string[] = [];
  private readonly rules: string[] = [];

  constructor(chains: string[]) {
    for (const chain of chains) this.declare(chain);
  }

  declare(chain: string): void {
    if (!this.chains.includes(chain)) this.chains.push(chain);
  }

  add(chain: string, ...parts: string[]): void {
    this.rules.push(`-A ${chain} ${parts.join(' ')}`);
  }

  render(name: string): string {
    // ":CHAIN - [0:0]" creates the chain, or flushes it under --noflush; "-" is the policy a
    // user-defined chain must have.
    const lines = [`*${name}`, ...this.chains.map((chain) => `:${chain} - [0:0]`), ...this.rules, 'COMMIT'];
    return `${lines.join('\n')}\n`;
  }
}

/** First 16 characters of base32 (RFC 4648, A-Z2-7) of the SHA-256: kube-proxy's chain suffix. */
function hash16(text: string): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  const digest = createHash('sha256').update(text).digest();
  let out = '';
  let bits = 0;
  let value = 0;
  // 16 characters are 80 bits: the first 10 bytes, with no padding to worry about.
  for (const byte of digest.subarray(0, 10)) {
    value = ((value << 8) | byte) & 0xffff;
    bits += 8;
    while (bits >= 5) {
      out += alphabet[(value >> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  return out;
}
