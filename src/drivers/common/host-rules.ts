// The host's DOCKER-USER rules a lab adds for its bridge, each commented with the lab's label
// and removed with the lab.
//
// ACCEPT within the bridge: the host runs br_netfilter, so frames bridged between two nodes pass
// the host's FORWARD chain, where Docker's isolation rules for internal networks drop every frame
// whose addresses are not on the underlay subnet: pod traffic that host-gw routes across the
// "LAN" would vanish. (The bridge's own nf_call_iptables cannot opt out: the kernel ORs it with
// the global switch.) The lab's LAN is a plain switch, so one rule accepts what enters and leaves
// the lab's own bridge. Traffic routed off the bridge still meets Docker's rules.
//
// DROP leaving the bridge: a kind lab's network cannot be --internal (kind publishes the API
// server's port), so whatever would be routed from that bridge to any other interface is
// dropped, and nothing a lab sends leaves the machine.
import type { DockerHost } from '../../docker/docker-host.js';
import { Label } from '../../labels.js';

const CHAIN = 'DOCKER-USER';

export type RuleKind = 'accept-within' | 'drop-leaving';

export function bridgeRule(bridge: string, lab: string, kind: RuleKind = 'accept-within'): string[] {
  const comment = ['-m', 'comment', '--comment', `${Label.lab}=${lab}`];
  return kind === 'accept-within' ? ['-i', bridge, '-o', bridge, ...comment, '-j', 'ACCEPT'] : ['-i', bridge, '!', '-o', bridge, ...comment, '-j', 'DROP'];
}

/** Inserts the rules at the top of DOCKER-USER; false when the host's iptables cannot be used. */
export async function addBridgeRules(host: DockerHost, bridge: string, lab: string, kinds: RuleKind[]): Promise<boolean> {
  for (const kind of kinds) {
    const result = await host.run(['iptables', '-w', '-I', CHAIN, ...bridgeRule(bridge, lab, kind)]);
    if (result.exitCode !== 0) return false;
  }
  return true;
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
    const match = /^-A \S+ -i (\S+) (!? ?)-o \1 -m comment --comment "?podlab\.lab=([a-z0-9-]+)"? -j (ACCEPT|DROP)$/.exec(line.trim());
    if (!match || (lab !== undefined && match[3] !== lab)) continue;
    const kind: RuleKind = match[2] ? 'drop-leaving' : 'accept-within';
    if ((kind === 'drop-leaving') !== (match[4] === 'DROP')) continue;
    rules.push(bridgeRule(match[1]!, match[3]!, kind));
  }
  return rules;
}
