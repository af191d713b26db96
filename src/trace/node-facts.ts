// What a node is asked once the probe is done: its conntrack entries for this trace (the NAT
// made visible) and its route for the packet it saw (with the packet's own source and input
// device, so the answer is the forwarding decision it made). One sh script, sections by marker.
import { parseConntrack } from './conntrack.js';
import { parseRouteGet } from './route.js';
import type { ConntrackEntry, RouteDecision, TraceKey } from './types.js';

/** The route question for one node: where does `dst` go for a packet from `src` that came in on `iif`? */
export interface RouteQuery {
  dst: string;
  src?: string;
  iif?: string;
}

const ADDRESS = /^\d+\.\d+\.\d+\.\d+$/;
const DEVICE = /^[\w.@-]+$/;

export function nodeFactsScript(key: TraceKey, route?: RouteQuery): string {
  // Both directions of this trace's flow, and only them: its port (or echo id) in any tuple.
  const filter = key.proto === 'icmp' ? `id=${key.icmpId}( |$)` : `port=${key.sourcePort}( |$)`;
  const lines = ['echo @@conntrack', `conntrack -L -p ${key.proto} 2>/dev/null | grep -E '${filter}'`];
  if (route && ADDRESS.test(route.dst)) {
    const from = route.iif && DEVICE.test(route.iif) && route.src && ADDRESS.test(route.src) ? ` from ${route.src} iif ${route.iif}` : '';
    lines.push('echo @@route', `ip -o route get ${route.dst}${from} 2>&1`);
  }
  lines.push('true');
  return lines.join('\n');
}

export function parseNodeFacts(stdout: string, route?: RouteQuery): { conntrack: ConntrackEntry[]; route?: RouteDecision } {
  const [, afterConntrack = ''] = stdout.split('@@conntrack\n');
  const [conntrackText = '', routeText] = afterConntrack.split('@@route\n');
  return {
    conntrack: parseConntrack(conntrackText),
    ...(route && routeText !== undefined ? { route: parseRouteGet(route.dst, routeText) } : {}),
  };
}
