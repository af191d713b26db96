// From every visit the nodes' monitors printed to the probe's path: keep this trace's own
// visits (another trace's monitor-mates print theirs into the same stream), split them into
// the probe's first packet, its retransmissions, the answers and the encapsulated copies, and
// order the nodes as the packet crossed them.
import { ENCAP_PORTS, traceComment } from './match.js';
import type { Encapsulation, Hop, TraceKey, Visit } from './types.js';

type Role = 'forward' | 'reply' | 'outer';

/**
 * This trace's visits. A visit is ours when our TRACE rule tagged it, or it continues a tagged
 * visit: same trace id, or (the trace id changes between hooks) the same IP id on that node.
 */
export function ownVisits(visits: Visit[], key: TraceKey): Visit[] {
  const comment = traceComment(key);
  const tagged = visits.filter((visit) => visit.steps.some((step) => step.table === 'raw' && step.rule?.includes(comment)));
  const traceIds = new Set(tagged.map((visit) => `${visit.node}/${visit.traceId}`));
  const ipIds = new Set(tagged.filter((visit) => visit.packet.ipId).map((visit) => `${visit.node}/${visit.packet.ipId}`));
  return visits.filter((visit) => traceIds.has(`${visit.node}/${visit.traceId}`) || (visit.packet.ipId !== undefined && visit.packet.ipId !== 0 && ipIds.has(`${visit.node}/${visit.packet.ipId}`)));
}

function isOuter(visit: Visit, key: TraceKey): boolean {
  const { sport, dport } = visit.packet;
  if (dport === undefined || !ENCAP_PORTS.includes(dport)) return false;
  return key.proto === 'icmp' || (sport !== key.sourcePort && dport !== key.sourcePort);
}

/**
 * Direction of each visit. tcp/udp: the source port says it. icmp: the probe's own packets are
 * those leaving `sourceIP`, and whatever shares an IP id with them (the same packet after NAT).
 */
export function roles(visits: Visit[], key: TraceKey, sourceIP?: string): Role[] {
  const forwardIds = new Set<number>();
  if (key.proto === 'icmp') {
    for (const visit of visits) if (visit.packet.src === sourceIP && visit.packet.ipId) forwardIds.add(visit.packet.ipId);
  }
  return visits.map((visit) => {
    if (isOuter(visit, key)) return 'outer';
    if (key.proto !== 'icmp') return visit.packet.sport === key.sourcePort ? 'forward' : 'reply';
    return visit.packet.src === sourceIP || (visit.packet.ipId !== undefined && forwardIds.has(visit.packet.ipId)) ? 'forward' : 'reply';
  });
}

export interface Path {
  hops: Hop[];
  replies: Hop[];
  retransmissions: number;
}

/**
 * Hops of the probe's first packet and of the first answer. Nodes are ordered by the packet's
 * TTL (each forwarding node takes one off), so the order holds without clocks across nodes;
 * `nodeOrder` (the lab's) breaks ties.
 */
export function buildPath(all: Visit[], key: TraceKey, nodeOrder: string[], sourceIP?: string): Path {
  const visits = ownVisits(all, key);
  const role = roles(visits, key, sourceIP);
  const forward = visits.filter((_, index) => role[index] === 'forward');
  const reply = visits.filter((_, index) => role[index] === 'reply');
  const outer = visits.filter((_, index) => role[index] === 'outer');
  const first = firstPacket(forward, nodeOrder);
  // The same packet sent again (a SYN retransmitted, a second echo request): same flags, new IP id.
  const again = forward.filter((visit) => visit.node === first.node && visit.packet.ipId !== first.ipId && sameFlags(visit.packet.flags, first.flags ?? []));
  const retransmissions = new Set(again.map((visit) => visit.packet.ipId)).size;
  const hops = groupByNode(forward.filter((visit) => visit.packet.ipId === first.ipId), nodeOrder);
  for (const hop of hops) {
    const encapsulation = encapsulationOf(hop, outer);
    if (encapsulation) hop.encapsulation = encapsulation;
  }
  const firstReply = firstPacket(reply, nodeOrder);
  const replies = groupByNode(reply.filter((visit) => visit.packet.ipId === firstReply.ipId), nodeOrder);
  return { hops, replies, retransmissions };
}

/** The first packet of the node where the packets start (see groupByNode for the order). */
function firstPacket(visits: Visit[], nodeOrder: string[]): { node?: string; ipId?: number; flags?: string[] } {
  const first = groupByNode(visits, nodeOrder)[0]?.visits[0];
  return { node: first?.node, ipId: first?.packet.ipId, flags: first?.packet.flags };
}

function sameFlags(a: string[], b: string[]): boolean {
  return a.length === b.length && a.every((flag) => b.includes(flag));
}

function groupByNode(visits: Visit[], nodeOrder: string[]): Hop[] {
  const byNode = new Map<string, Visit[]>();
  for (const visit of visits) byNode.set(visit.node, [...(byNode.get(visit.node) ?? []), visit]);
  // A locally sent packet keeps its TTL to the next node (only forwarding takes one off), so
  // the node where it starts in OUTPUT comes first.
  const originated = (hop: Visit[]) => (hop[0]?.hook === 'OUTPUT' ? 1 : 0);
  const maxTtl = (hop: Visit[]) => Math.max(...hop.map((visit) => visit.packet.ttl ?? 0));
  return [...byNode.entries()]
    .sort(([a, va], [b, vb]) => originated(vb) - originated(va) || maxTtl(vb) - maxTtl(va) || nodeOrder.indexOf(a) - nodeOrder.indexOf(b))
    .map(([node, nodeVisits]) => ({ node, visits: nodeVisits }));
}

/**
 * The encapsulated copy a node sent for the packet, when the packet left it by an overlay
 * device: the first outer packet the node sent out (the answers' outer packets leave other nodes).
 */
function encapsulationOf(hop: Hop, outer: Visit[]): Encapsulation | undefined {
  const innerOut = [...hop.visits].reverse().find((visit) => visit.packet.out)?.packet.out;
  if (!innerOut || !/^flannel/.test(innerOut)) return undefined;
  const sent = outer.find((visit) => visit.node === hop.node && (visit.hook === 'OUTPUT' || visit.hook === 'POSTROUTING'));
  if (!sent) return undefined;
  const last = outer.filter((visit) => visit.node === hop.node && visit.packet.src === sent.packet.src && visit.packet.ipId === sent.packet.ipId).pop() ?? sent;
  return {
    node: hop.node,
    device: innerOut,
    src: sent.packet.src,
    dst: sent.packet.dst,
    ...(sent.packet.sport !== undefined ? { sport: sent.packet.sport } : {}),
    ...(sent.packet.dport !== undefined ? { dport: sent.packet.dport } : {}),
    ...(last.packet.out ? { out: last.packet.out } : {}),
  };
}
