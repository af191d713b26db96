// The narrow TRACE rules of one trace, as iptables-restore input for the raw table. They match
// only this probe's packets: its source port (tcp/udp; replies carry it as destination port)
// or its ICMP echo id (replies carry the same id), so concurrent probes and traces are neither
// traced nor mixed in. The same packets are also matched inside flannel's encapsulation
// (vxlan on UDP 8472, the udp backend on UDP 8285) with u32, so the outer packet between
// nodes shows up with its underlay addresses and ports.
import type { TraceKey } from './types.js';

export const VXLAN_PORT = 8472;
export const FLANNEL_UDP_PORT = 8285;
export const ENCAP_PORTS = [VXLAN_PORT, FLANNEL_UDP_PORT];

/** The comment every rule of this trace carries: cleanup deletes exactly these. */
export function traceComment(key: Pick<TraceKey, 'token'>): string {
  return `podlab-trace ${key.token}`;
}

/**
 * u32 expressions reaching into an encapsulated packet. `0>>22&0x3C` is the outer IP header's
 * length; `@N` moves past it plus N bytes (UDP 8 + vxlan 8 + ethernet 14 = 30 for vxlan, UDP 8
 * for the udp backend) to the inner IP header, whose own length moves on to the inner L4 header.
 */
function innerL4Word(encapPort: number, offset: number): string {
  const outer = encapPort === VXLAN_PORT ? 30 : 8;
  return `0>>22&0x3C@${outer}>>22&0x3C@${outer + offset}`;
}

const hex = (value: number) => `0x${value.toString(16)}`;

/** Match arguments (without chain, comment and target), one rule each. */
export function matchSpecs(key: TraceKey): string[][] {
  if (key.proto === 'icmp') {
    const id = key.icmpId!;
    // The echo id is the high half of the word 4 bytes into the ICMP header.
    return [
      ['-p', 'icmp', '-m', 'u32', '--u32', `0>>22&0x3C@4>>16=${hex(id)}`],
      ...ENCAP_PORTS.map((encap) => ['-p', 'udp', '--dport', String(encap), '-m', 'u32', '--u32', `${innerL4Word(encap, 4)}>>16=${hex(id)}`]),
    ];
  }
  const port = key.sourcePort!;
  return [
    ['-p', key.proto, '--sport', String(port)],
    ['-p', key.proto, '--dport', String(port)],
    ...ENCAP_PORTS.flatMap((encap) => [
      // Source port: the high half of the inner L4 header's first word; destination port: the low half.
      ['-p', 'udp', '--dport', String(encap), '-m', 'u32', '--u32', `${innerL4Word(encap, 0)}>>16=${hex(port)}`],
      ['-p', 'udp', '--dport', String(encap), '-m', 'u32', '--u32', `${innerL4Word(encap, 0)}&0xFFFF=${hex(port)}`],
    ]),
  ];
}

const quote = (arg: string) => (/^[\w./:=-]+$/.test(arg) ? arg : `"${arg}"`);

/** iptables-restore --noflush input inserting the rules at the top of raw PREROUTING and OUTPUT. */
export function insertRules(key: TraceKey): string {
  const lines = ['PREROUTING', 'OUTPUT'].flatMap((chain) =>
    matchSpecs(key).map((spec) => `-I ${chain} ${spec.map(quote).join(' ')} -m comment --comment "${traceComment(key)}" -j TRACE`),
  );
  return ['*raw', ...lines, 'COMMIT', ''].join('\n');
}
