// The verdict: where the probe's first packet ended and which rule, policy or route decided it.
// Read off the hops in path order: the first DROP decides (a REJECT rule is a refusal); a
// packet that got through ends where its last node sent it: a pod's bridge (delivered, to the
// pod that has that address on that node), the node itself (INPUT), another node that never
// saw it (lost), out of the lab by a default route, or nowhere after PREROUTING (no route).
import { finalStep } from './xtables-monitor.js';
import type { Hop, RouteDecision, RuleStep, TraceKey, Verdict, Visit } from './types.js';
import { formatRoute } from './route.js';

export interface VerdictInput {
  key: TraceKey;
  hops: Hop[];
  replies: Hop[];
  sourceRoute?: RouteDecision;
  /** The destination was a name that did not resolve in the source. */
  unresolved?: { name: string; resolvers: string[] };
  /** The lab's nodes with their underlay addresses. */
  nodes: { name: string; ip?: string }[];
  /** Pods by node and address (addresses repeat across nodes without an overlay). */
  pods: { name: string; namespace: string; node: string; ip?: string }[];
  /** Services by ClusterIP: a packet for one that no rule translated is named as such. */
  services?: { name: string; namespace: string; clusterIP: string; ports: { port: number; protocol: string }[] }[];
  /** The pod the destination named, if it named one. */
  expectedPod?: { name: string; namespace: string; node: string };
}

const OVERLAY_DEVICES = /^(flannel[.\d]*|flannel0|vxlan.*|tunl\d*)$/;
const NODE_DEVICES = /^(eth\d+|ens.*|enp.*)$/;

export function decide(input: VerdictInput): Verdict {
  const nat = natSteps(input.hops);
  if (input.unresolved) {
    const { name, resolvers } = input.unresolved;
    const asked = resolvers.length === 0 ? ' (it has no nameserver)' : resolvers.every((ip) => ip.startsWith('127.')) ? ` (its only nameserver is ${resolvers.join(', ')}: no cluster DNS)` : ` (asked ${resolvers.join(', ')})`;
    return { kind: 'nothing-sent', nat, summary: `nothing sent: the name "${name}" did not resolve in the source${asked}` };
  }
  if (input.sourceRoute?.error) {
    return { kind: 'no-route', nat, summary: `no route in the source: ${formatRoute(input.sourceRoute)}` };
  }
  for (const hop of input.hops) {
    for (const visit of hop.visits) {
      const step = finalStep(visit);
      if (step?.verdict !== 'DROP') continue;
      const where = `${step.kind === 'policy' ? `the ${step.table} ${step.chain} policy DROP` : `${step.table} ${step.chain}: ${shortRule(step)}`} on ${hop.node}`;
      if (step.rule?.includes('-j REJECT')) return { kind: 'refused', node: hop.node, step, nat, summary: `refused by ${where}` };
      return { kind: 'dropped', node: hop.node, step, nat, summary: `dropped by ${where}` };
    }
  }
  const last = input.hops[input.hops.length - 1];
  if (!last) {
    const route = input.sourceRoute ? ` (the source routes it ${formatRoute(input.sourceRoute)})` : '';
    return { kind: 'no-route', nat, summary: `no lab node saw the packet${route}` };
  }
  const lastVisit = last.visits[last.visits.length - 1]!;
  const accepting = acceptingStep(last.visits);
  const base = { node: last.node, nat, ...(accepting ? { step: accepting } : {}) };
  if (lastVisit.hook === 'INPUT') return answeredOrRefused(input, { ...base, kind: 'delivered', address: lastVisit.packet.dst, summary: `delivered to ${last.node} itself (${lastVisit.packet.dst})` });
  if (lastVisit.hook === 'POSTROUTING') {
    const out = lastVisit.packet.out ?? '';
    const dst = lastVisit.packet.dst;
    const nextNode = input.nodes.find((node) => node.ip === (last.encapsulation?.dst ?? last.route?.via ?? dst));
    if (OVERLAY_DEVICES.test(out) || (NODE_DEVICES.test(out) && nextNode)) {
      return { ...base, kind: 'lost', summary: `lost: ${last.node} sent it out of ${out}${nextNode ? ` to ${nextNode.name}` : ''}, and no node saw it after` };
    }
    if (NODE_DEVICES.test(out) || out === '') {
      const via = last.route?.via ? ` via ${last.route.via}` : '';
      return { ...base, kind: 'no-route', summary: `no route in the lab: ${last.node} sent it for ${dst} out of ${out || 'its default route'}${via}, out of the lab${untranslated(input, dst)}` };
    }
    const pod = input.pods.find((candidate) => candidate.node === last.node && candidate.ip === dst);
    const expected = input.expectedPod;
    const wrongPod = expected !== undefined && (!pod || pod.name !== expected.name || pod.namespace !== expected.namespace || last.node !== expected.node);
    const who = pod ? `pod ${podName(pod)} on ${last.node}` : `${dst} on ${last.node}'s ${out} (no pod has that address there)`;
    const wrong = wrongPod ? ` — not ${podName(expected!)} on ${expected!.node}` : '';
    const dnat = nat.find((step) => /-j DNAT/.test(step.rule ?? ''));
    const via = dnat ? ` (DNAT by ${dnat.chain} ${/--to-destination (\S+)/.exec(dnat.rule!)?.[1] ?? ''})` : '';
    return answeredOrRefused(input, {
      ...base,
      kind: 'delivered',
      address: dst,
      ...(pod ? { pod: { name: pod.name, namespace: pod.namespace } } : {}),
      ...(wrongPod ? { wrongPod } : {}),
      summary: `delivered to ${who}${via}${wrong}`,
    });
  }
  const route = last.route ? `: ${formatRoute(last.route)}` : '';
  return { ...base, kind: 'no-route', summary: `no route: ${last.node} took it in on ${lastVisit.packet.in ?? '?'} and never forwarded or accepted it${route}` };
}

/** A ClusterIP that reached routing untranslated: kube-proxy's rules match only its ports. */
function untranslated(input: VerdictInput, dst: string): string {
  const service = input.services?.find((candidate) => candidate.clusterIP === dst);
  if (!service) return '';
  const ports = service.ports.map((port) => `${port.protocol.toLowerCase()} ${port.port}`).join(', ');
  return `; ${dst} is the ClusterIP of ${podName(service)}, and no rule translated this ${input.key.proto} packet (kube-proxy's rules match only ${ports || 'its ports'})`;
}

/** Adds the destination's answer: a reply, or (tcp) a RST, which makes it a refusal. */
function answeredOrRefused(input: VerdictInput, verdict: Verdict): Verdict {
  const answer = input.replies[0]?.visits[0];
  if (!answer) return { ...verdict, answered: false, summary: `${verdict.summary}; no answer came back` };
  if (input.key.proto === 'tcp' && answer.packet.flags.includes('RST')) {
    const port = answer.packet.sport !== undefined ? ` ${answer.packet.sport}` : '';
    return { ...verdict, kind: 'refused', answered: true, summary: `${verdict.summary}; it refused with a RST (nothing listens on port${port})` };
  }
  return { ...verdict, answered: true, summary: `${verdict.summary}; it answered` };
}

/** The rule (or policy) that let the packet through the last filter hook of its last node. */
function acceptingStep(visits: Visit[]): RuleStep | undefined {
  const filter = [...visits].reverse().find((visit) => visit.table === 'filter' && (visit.hook === 'FORWARD' || visit.hook === 'INPUT'));
  return filter ? finalStep(filter) : undefined;
}

/** DNAT/SNAT/MASQUERADE rules that matched on the way. */
export function natSteps(hops: Hop[]): RuleStep[] {
  return hops.flatMap((hop) => hop.visits.flatMap((visit) => visit.steps.filter((step) => /-j (DNAT|SNAT|MASQUERADE)\b/.test(step.rule ?? ''))));
}

/** A rule without its "-4 -t table" prefix. */
export function shortRule(step: RuleStep): string {
  return (step.rule ?? '').replace(/^-4\s+(-t \S+\s+)?/, '');
}

function podName(pod: { name: string; namespace: string }): string {
  return pod.namespace === 'default' ? pod.name : `${pod.name}.${pod.namespace}`;
}
