// The host runs br_netfilter, so frames bridged between two nodes pass the host's FORWARD
// chain, where Docker's isolation rules for internal networks drop every frame whose addresses
// are not on the underlay subnet: pod traffic that host-gw routes across the "LAN" would vanish.
// (The bridge's own nf_call_iptables cannot opt out: the kernel ORs it with the global switch.)
// The lab's LAN is a plain switch, so one rule in DOCKER-USER, the hook Docker leaves to users,
// accepts what enters and leaves the lab's own bridge. Traffic routed off the bridge still
// meets Docker's rules, so nothing leaves the machine. The rule carries the lab's name and goes
// with the lab.
import type { DockerHost } from '../../docker/docker-host.js';
import { Label } from '../../labels.js';

const CHAIN = 'DOCKER-USER';

export function bridgeRule(bridge: string, lab: string): string[] {
  return ['-i', bridge, '-o', bridge, '-m', 'comment', '--comment', `${Label.lab}=${lab}`, '-j', 'ACCEPT'];
}

/** Returns false when the host's iptables cannot be used from here (not root, remote engine). */
export async function allowBridgedTraffic(host: DockerHost, bridge: string, lab: string): Promise<boolean> {
  const result = await host.run(['iptables', '-w', '-I', CHAIN, ...bridgeRule(bridge, lab)]);
  return result.exitCode === 0;
}

/** Deletes every rule podlab added for the lab (for all labs without a name). Idempotent. */
export async function removeBridgeRules(host: DockerHost, lab?: string): Promise<void> {
  const listing = await host.run(['iptables', '-w', '-S', CHAIN]);
  if (listing.exitCode !== 0) return;
  for (const rule of labRules(listing.stdout, lab)) {
    await host.run(['iptables', '-w', '-D', CHAIN, ...rule]);
  }
}

/** The lab's rules in `iptables -S` output (comments come back quoted), as `iptables -D` arguments. */
export function labRules(listing: string, lab?: string): string[][] {
  const rules: string[][] = [];
  for (const line of listing.split('\n')) {
    const match = /^-A \S+ -i (\S+) -o \1 -m comment --comment "?podlab\.lab=([a-z0-9-]+)"? -j ACCEPT$/.exec(line.trim());
    if (match && (lab === undefined || match[2] === lab)) rules.push(bridgeRule(match[1]!, match[2]!));
  }
  return rules;
}
