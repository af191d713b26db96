// A trace for people (console) and for tools (JSON). The console shows the probe's first
// packet node by node: each table's pass at each hook with the devices it had, every rule
// that matched with its text (our own TRACE rule left out), the route the node chose, the
// encapsulated copy between nodes; then the answer, conntrack's tuples and the verdict.
import { natOf } from './conntrack.js';
import { formatRoute } from './route.js';
import type { ConntrackEntry, Hop, PacketHeader, Trace, Visit } from './types.js';
import { shortRule } from './verdict.js';

export function renderTrace(trace: Trace): string {
  const lines: string[] = [];
  const key = trace.key.proto === 'icmp' ? `echo id ${trace.key.icmpId}` : `source port ${trace.key.sourcePort}`;
  lines.push(`trace ${trace.source} → ${trace.destination} (${trace.proto}, ${key}) in ${(trace.durationMs / 1000).toFixed(1)} s`);
  if (trace.resolved) {
    const asked = trace.resolved.resolvers ? ` (nameserver ${trace.resolved.resolvers.join(', ') || 'none'})` : '';
    lines.push(`  resolve  ${trace.resolved.name} → ${trace.resolved.ip ?? 'did not resolve'}${asked}`);
  }
  if (trace.sourceRoute) lines.push(`  route    ${formatRoute(trace.sourceRoute)}   (in the source)`);
  for (const hop of trace.hops) lines.push(...renderHop(hop));
  if (trace.retransmissions > 0) lines.push(`  (${trace.retransmissions} retransmission(s) took the same path)`);
  if (trace.replies.length > 0) {
    const first = trace.replies[0]!.visits[0]!;
    lines.push(`answer  ${packetLine(first.packet)}  seen on ${trace.replies.map((hop) => hop.node).join(', ')}`);
  }
  for (const { node, entries } of trace.conntrack) for (const entry of entries) lines.push(`conntrack ${node}  ${conntrackLine(entry)}`);
  lines.push(`verdict: ${trace.verdict.kind.toUpperCase()}: ${trace.verdict.summary}`);
  return lines.join('\n');
}

function renderHop(hop: Hop): string[] {
  const lines = [`${hop.node}`];
  for (const visit of hop.visits.filter((candidate) => !onlyOurTrace(candidate))) lines.push(...renderVisit(visit));
  if (hop.route) lines.push(`    route  ${formatRoute(hop.route)}`);
  const encap = hop.encapsulation;
  if (encap) {
    const ports = encap.dport !== undefined ? `${encap.sport}→${encap.dport}` : '';
    lines.push(`    encapsulated${encap.device ? ` by ${encap.device}` : ''}: udp ${encap.src} → ${encap.dst} ${ports}${encap.out ? ` out ${encap.out}` : ''}`);
  }
  return lines;
}

/** A raw-table pass where nothing but our own TRACE rule matched: noise for the reader. */
function onlyOurTrace(visit: Visit): boolean {
  return visit.table === 'raw' && visit.steps.every((step) => step.rule?.includes('podlab-trace') || (step.kind === 'policy' && step.verdict === 'ACCEPT'));
}

function renderVisit(visit: Visit): string[] {
  const devices = [visit.packet.in ? `in ${visit.packet.in}` : '', visit.packet.out ? `out ${visit.packet.out}` : ''].filter(Boolean).join(' ');
  const lines = [`  ${visit.table} ${visit.hook}  ${packetLine(visit.packet)}${devices ? `  (${devices})` : ''}`];
  for (const step of visit.steps) {
    if (step.table === 'raw' && step.rule?.includes('podlab-trace')) continue;
    const verdict = step.target ? `${step.verdict} ${step.target}` : step.verdict;
    lines.push(step.kind === 'rule' ? `      ${shortRule(step)}   → ${verdict}` : `      ${step.chain} ${step.kind} ${verdict}`);
  }
  return lines;
}

function packetLine(packet: PacketHeader): string {
  const at = (ip: string, port?: number) => (port !== undefined ? `${ip}:${port}` : ip);
  const tcpFlags = packet.flags.filter((flag) => flag !== 'DF' && flag !== 'MF');
  return `${at(packet.src, packet.sport)} → ${at(packet.dst, packet.dport)}${tcpFlags.length ? ` ${tcpFlags.join(',')}` : ''}`;
}

function conntrackLine(entry: ConntrackEntry): string {
  const tuple = (t: ConntrackEntry['original']) => `${t.src}${t.sport !== undefined ? `:${t.sport}` : ''} → ${t.dst}${t.dport !== undefined ? `:${t.dport}` : ''}`;
  const nat = natOf(entry);
  const natText = [nat.dnat ? `DNAT to ${nat.dnat}` : '', nat.snat ? `SNAT to ${nat.snat}` : ''].filter(Boolean).join(', ');
  return `${entry.proto}${entry.state ? ` ${entry.state}` : ''}  ${tuple(entry.original)}  reply ${tuple(entry.reply)}${entry.flags.length ? ` [${entry.flags.join(',')}]` : ''}${natText ? `  (${natText})` : ''}`;
}

/** The JSON shape: the trace as data. */
export function traceJson(trace: Trace): string {
  return JSON.stringify(trace, null, 2);
}
