// The data of a trace: what nf_tables tracing, conntrack and the routing table said about one
// probe, and the verdict drawn from it. This is also the `-o json` shape, so it holds plain
// data only (no class instances, no Maps).

export type Proto = 'tcp' | 'udp' | 'icmp';

/**
 * What makes this trace's packets unique on the lab's nodes: the TRACE rules match only these,
 * so concurrent traces and probes are not mixed. tcp/udp: the probe's source port (its replies
 * carry it as destination port); icmp: the echo identifier (replies carry the same one).
 */
export interface TraceKey {
  /** Goes into the TRACE rules' comment; cleanup deletes exactly the rules carrying it. */
  token: string;
  proto: Proto;
  sourcePort?: number;
  icmpId?: number;
}

/** One packet as xtables-monitor prints it on a PACKET line (at one table's hook). */
export interface PacketHeader {
  in?: string;
  out?: string;
  src: string;
  dst: string;
  sport?: number;
  dport?: number;
  len?: number;
  ttl?: number;
  /** The IP header's identification: the same packet keeps it across hooks and nodes. */
  ipId?: number;
  /** Bare words of the line: DF, and TCP flags SYN ACK RST FIN PSH URG. */
  flags: string[];
}

/** One TRACE line: a rule that matched, a chain's policy, or a return from a chain. */
export interface RuleStep {
  table: string;
  chain: string;
  kind: 'rule' | 'policy' | 'return';
  /** ACCEPT, DROP, CONTINUE, JUMP, GOTO, RETURN, QUEUE, ... */
  verdict: string;
  /** The chain a JUMP or GOTO goes to. */
  target?: string;
  /** The rule as iptables prints it (`-4 -t nat -A KUBE-SERVICES ...`), for rules. */
  rule?: string;
}

/** A packet's pass through one table at one hook of one node: a PACKET line and its TRACE lines. */
export interface Visit {
  node: string;
  traceId: string;
  table: string;
  /** The base chain: PREROUTING, INPUT, FORWARD, OUTPUT or POSTROUTING. */
  hook: string;
  packet: PacketHeader;
  steps: RuleStep[];
}

export interface ConntrackTuple {
  src: string;
  dst: string;
  sport?: number;
  dport?: number;
  /** icmp: type, code and id of the tuple. */
  type?: number;
  code?: number;
  id?: number;
}

export interface ConntrackEntry {
  proto: string;
  /** tcp: SYN_SENT, ESTABLISHED, ...; other protocols have none. */
  state?: string;
  original: ConntrackTuple;
  reply: ConntrackTuple;
  /** UNREPLIED, ASSURED. */
  flags: string[];
  mark?: string;
}

/** `ip route get` in one place: the device and next hop the kernel chose, or its error. */
export interface RouteDecision {
  dst: string;
  dev?: string;
  via?: string;
  src?: string;
  /** local, broadcast, unreachable, ... when not a plain unicast route. */
  type?: string;
  error?: string;
  text: string;
}

/** An encapsulated copy of the probe between nodes (vxlan on flannel.1, udp on flannel0). */
export interface Encapsulation {
  node: string;
  /** The device the inner packet left by (flannel.1), when the trace shows it. */
  device?: string;
  src: string;
  dst: string;
  sport?: number;
  dport?: number;
  out?: string;
}

/** Everything one node showed about the probe's first packet, in hook order. */
export interface Hop {
  node: string;
  visits: Visit[];
  /** Where the node routes the packet (after any DNAT), asked once the probe is done. */
  route?: RouteDecision;
  encapsulation?: Encapsulation;
}

export type VerdictKind = 'delivered' | 'refused' | 'dropped' | 'no-route' | 'lost' | 'nothing-sent';

export interface Verdict {
  kind: VerdictKind;
  /** Where it was decided. */
  node?: string;
  /** The deciding rule or policy (a DROP, a REJECT, the ACCEPT that let it through). */
  step?: RuleStep;
  /** delivered: the pod that got it, found by address on that node; undefined when none has it. */
  pod?: { name: string; namespace: string };
  /** delivered: the address it was delivered to (after DNAT). */
  address?: string;
  /** delivered: not to the pod the destination named. */
  wrongPod?: boolean;
  /** The destination's own answer: a reply, or for tcp a RST. */
  answered?: boolean;
  /** NAT rules that rewrote it on the way (DNAT to a service's endpoint, SNAT). */
  nat: RuleStep[];
  /** One sentence for people. */
  summary: string;
}

export interface Trace {
  lab: string;
  source: string;
  destination: string;
  proto: Proto;
  port?: number;
  key: TraceKey;
  /** The destination's address, when it was given as a name and resolved in the source. */
  resolved?: { name: string; ip?: string; resolvers?: string[] };
  /** The source's own route decision. */
  sourceRoute?: RouteDecision;
  probe: { command: string; exitCode: number; output: string };
  /** The probe's first packet, node by node, in the order it crossed them. */
  hops: Hop[];
  /** Answers seen coming back (the destination's reply, a RST, ...), node by node. */
  replies: Hop[];
  /** Forward packets after the first one (retransmissions), counted. */
  retransmissions: number;
  conntrack: { node: string; entries: ConntrackEntry[] }[];
  verdict: Verdict;
  durationMs: number;
}
