// Raw outputs of one trace (the source's probe script, each node's monitor and facts) → a
// Trace. Pure, so a trace captured from a real lab replays in unit tests. Two phases, because
// what a node is asked afterwards (its route for the packet) depends on what its monitor saw.
import { parseProbeOutput, type ProbeRequest } from './probe-script.js';
import { parseNodeFacts, type RouteQuery } from './node-facts.js';
import { buildPath, type Path } from './select.js';
import type { Hop, Proto, Trace, TraceKey } from './types.js';
import { decide, type VerdictInput } from './verdict.js';
import { parseMonitor } from './xtables-monitor.js';

export interface RawTrace {
  lab: string;
  source: string;
  destination: string;
  request: ProbeRequest;
  /** The source's address, when known without asking it (a pod's IP). */
  sourceIP?: string;
  probe: { command: string; exitCode: number; stdout: string };
  /** Each node's monitor output, in the lab's node order. */
  monitors: { node: string; text: string }[];
  /** Each node's facts script output, and the route it was asked for. */
  facts: { node: string; stdout: string; route?: RouteQuery }[];
  nodes: VerdictInput['nodes'];
  pods: VerdictInput['pods'];
  services?: VerdictInput['services'];
  expectedPod?: VerdictInput['expectedPod'];
  durationMs: number;
  /** Milliseconds from the start to each phase's end (sessions ready, probe sent, sessions stopped, facts read). */
  timings?: Record<string, number>;
}

export function sourceAddress(raw: Pick<RawTrace, 'probe' | 'request' | 'sourceIP'>): string | undefined {
  return parseProbeOutput(raw.probe.stdout, raw.probe.exitCode, raw.request.destination).route?.src ?? raw.sourceIP;
}

export function pathOf(raw: Pick<RawTrace, 'monitors' | 'request' | 'probe' | 'sourceIP'>): Path {
  const visits = raw.monitors.flatMap(({ node, text }) => parseMonitor(node, text));
  return buildPath(visits, raw.request.key, raw.monitors.map((monitor) => monitor.node), sourceAddress(raw));
}

/**
 * The route question for each node the packet crossed: its destination after the node's NAT
 * (as the node's last pass shows it), from its source, in on the device it arrived by.
 */
export function routeQueries(path: Path): Map<string, RouteQuery> {
  const queries = new Map<string, RouteQuery>();
  for (const hop of path.hops) {
    const first = hop.visits[0]!.packet;
    const last = hop.visits[hop.visits.length - 1]!.packet;
    queries.set(hop.node, { dst: last.dst, ...(first.in ? { src: first.src, iif: first.in } : {}) });
  }
  return queries;
}

export function assembleTrace(raw: RawTrace): Trace {
  const { key } = raw.request;
  const probe = parseProbeOutput(raw.probe.stdout, raw.probe.exitCode, raw.request.destination);
  const path = pathOf(raw);
  const facts = raw.facts.map((fact) => ({ node: fact.node, ...parseNodeFacts(fact.stdout, fact.route) }));
  const hops: Hop[] = path.hops.map((hop) => {
    const route = facts.find((fact) => fact.node === hop.node)?.route;
    return route ? { ...hop, route } : hop;
  });
  const name = raw.request.destination.name;
  const verdict = decide({
    key,
    hops,
    replies: path.replies,
    ...(probe.route ? { sourceRoute: probe.route } : {}),
    ...(probe.unresolved && name ? { unresolved: { name, resolvers: probe.resolvers ?? [] } } : {}),
    nodes: raw.nodes,
    pods: raw.pods,
    ...(raw.services ? { services: raw.services } : {}),
    ...(raw.expectedPod ? { expectedPod: raw.expectedPod } : {}),
  });
  return {
    lab: raw.lab,
    source: raw.source,
    destination: raw.destination,
    proto: key.proto as Proto,
    ...(raw.request.port !== undefined ? { port: raw.request.port } : {}),
    key: key as TraceKey,
    ...(name ? { resolved: { name, ...(probe.resolved ? { ip: probe.resolved } : {}), ...(probe.resolvers ? { resolvers: probe.resolvers } : {}) } } : {}),
    ...(probe.route ? { sourceRoute: probe.route } : {}),
    probe: { command: raw.probe.command, exitCode: raw.probe.exitCode, output: probe.output },
    hops,
    replies: path.replies,
    retransmissions: path.retransmissions,
    conntrack: facts.filter((fact) => fact.conntrack.length > 0).map((fact) => ({ node: fact.node, entries: fact.conntrack })),
    verdict,
    durationMs: raw.durationMs,
  };
}
