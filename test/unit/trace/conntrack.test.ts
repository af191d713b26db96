import { describe, expect, it } from 'vitest';
import { natOf, parseConntrack } from '../../../src/trace/conntrack.js';

describe('conntrack -L / -E', () => {
  it('reads state, both tuples and flags of an unanswered SYN', () => {
    const [entry] = parseConntrack('tcp      6 118 SYN_SENT src=10.1.6.2 dst=10.1.20.2 sport=24496 dport=80 [UNREPLIED] src=10.1.20.2 dst=10.1.6.2 sport=80 dport=24496 mark=0 use=1\n');
    expect(entry).toEqual({
      proto: 'tcp', state: 'SYN_SENT', flags: ['UNREPLIED'], mark: '0',
      original: { src: '10.1.6.2', dst: '10.1.20.2', sport: 24496, dport: 80 },
      reply: { src: '10.1.20.2', dst: '10.1.6.2', sport: 80, dport: 24496 },
    });
    expect(natOf(entry!)).toEqual({});
  });

  it('makes DNAT to a service endpoint visible', () => {
    const [entry] = parseConntrack('tcp      6 119 TIME_WAIT src=10.1.70.2 dst=10.254.0.11 sport=25230 dport=8125 src=10.1.39.4 dst=10.1.70.2 sport=80 dport=25230 [ASSURED] mark=0 use=1');
    expect(entry!.flags).toEqual(['ASSURED']);
    expect(natOf(entry!)).toEqual({ dnat: '10.1.39.4:80' });
  });

  it('reads icmp tuples (type, code, id) and event lines', () => {
    const entries = parseConntrack([
      'icmp     1 29 src=10.1.6.2 dst=10.1.20.2 type=8 code=0 id=4660 [UNREPLIED] src=10.1.20.2 dst=10.1.6.2 type=0 code=0 id=4660 mark=0 use=1',
      '    [NEW] udp      17 30 src=10.1.6.2 dst=10.254.0.10 sport=21000 dport=53 [UNREPLIED] src=10.1.39.3 dst=10.1.6.0 sport=53 dport=21000',
      'conntrack v1.4.7 (conntrack-tools): 2 flow entries have been shown.',
    ].join('\n'));
    expect(entries).toHaveLength(2);
    expect(entries[0]).toMatchObject({ proto: 'icmp', original: { type: 8, code: 0, id: 4660 }, reply: { type: 0, id: 4660 } });
    expect(entries[0]!.state).toBeUndefined();
    expect(natOf(entries[1]!)).toEqual({ dnat: '10.1.39.3:53', snat: '10.1.6.0:21000' });
  });
});
