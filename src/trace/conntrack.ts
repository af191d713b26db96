// Parses `conntrack -L` lines (conntrack-tools 1.4.7) and `conntrack -E` event lines:
//   tcp      6 117 SYN_SENT src=10.1.6.2 dst=10.254.0.11 sport=24001 dport=8125 [UNREPLIED] src=10.1.20.3 dst=10.1.6.2 sport=80 dport=24001 mark=0 use=1
//   icmp     1 29 src=10.1.6.2 dst=10.1.20.2 type=8 code=0 id=4660 src=10.1.20.2 dst=10.1.6.2 type=0 code=0 id=4660 mark=0 use=1
//    [NEW] tcp      6 120 SYN_SENT src=... (events carry a leading [NEW]/[UPDATE]/[DESTROY])
// The first tuple is the original direction, the second the reply: when they are not mirror
// images of each other, NAT rewrote the connection.
import type { ConntrackEntry, ConntrackTuple } from './types.js';

const TUPLE_KEYS = new Set(['src', 'dst', 'sport', 'dport', 'type', 'code', 'id']);

export function parseConntrack(text: string): ConntrackEntry[] {
  const entries: ConntrackEntry[] = [];
  for (const raw of text.split('\n')) {
    const line = raw.trim().replace(/^\[(NEW|UPDATE|DESTROY)\]\s+/, '');
    const head = /^(tcp|udp|icmp|sctp|udplite|dccp|unknown)\s+\d+\s+(?:\d+\s+)?(.*)$/.exec(line);
    if (!head) continue;
    const tuples: Partial<Record<string, string>>[] = [{}];
    const flags: string[] = [];
    let state: string | undefined;
    let mark: string | undefined;
    for (const token of head[2]!.split(/\s+/)) {
      const flag = /^\[([A-Z]+)\]$/.exec(token);
      if (flag) {
        flags.push(flag[1]!);
        continue;
      }
      const eq = token.indexOf('=');
      if (eq < 0) {
        if (/^[A-Z_]+$/.test(token) && tuples.length === 1 && Object.keys(tuples[0]!).length === 0) state = token;
        continue;
      }
      const key = token.slice(0, eq);
      const value = token.slice(eq + 1);
      if (key === 'mark') mark = value;
      if (!TUPLE_KEYS.has(key)) continue;
      // A key seen again in the current tuple starts the reply tuple.
      if (key in tuples[tuples.length - 1]!) tuples.push({});
      tuples[tuples.length - 1]![key] = value;
    }
    const [original, reply] = tuples;
    if (!original?.src || !reply?.src) continue;
    entries.push({ proto: head[1]!, ...(state ? { state } : {}), original: tuple(original), reply: tuple(reply), flags, ...(mark !== undefined ? { mark } : {}) });
  }
  return entries;
}

function tuple(fields: Partial<Record<string, string>>): ConntrackTuple {
  const num = (key: string) => (fields[key] !== undefined ? { [key]: Number(fields[key]) } : {});
  return { src: fields.src!, dst: fields.dst!, ...num('sport'), ...num('dport'), ...num('type'), ...num('code'), ...num('id') };
}

/** "DNAT to 10.1.20.3:80" / "SNAT to 10.1.6.0": what NAT did, read off the two tuples. */
export function natOf(entry: ConntrackEntry): { dnat?: string; snat?: string } {
  const { original, reply } = entry;
  const hostPort = (ip: string, port?: number) => (port !== undefined ? `${ip}:${port}` : ip);
  const dnat = reply.src !== original.dst || (reply.sport !== undefined && reply.sport !== original.dport) ? hostPort(reply.src, reply.sport) : undefined;
  const snat = reply.dst !== original.src || (reply.dport !== undefined && reply.dport !== original.sport) ? hostPort(reply.dst, reply.dport) : undefined;
  return { ...(dnat ? { dnat } : {}), ...(snat ? { snat } : {}) };
}
