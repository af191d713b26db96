import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { finalStep, parseMonitor, parsePacket } from '../../../src/trace/xtables-monitor.js';

const FIXTURES = join(import.meta.dirname, '..', '..', 'fixtures', 'trace');

describe('xtables-monitor --trace', () => {
  // node2 of forward-drop `broken`: the vxlan packet, then the SYN dropped by FORWARD's policy.
  const visits = parseMonitor('node2', readFileSync(join(FIXTURES, 'forward-drop-broken.node2.monitor.txt'), 'utf8'));

  it('cuts the output into one visit per PACKET line, with table and hook from its first TRACE line', () => {
    expect(visits.map((visit) => `${visit.table} ${visit.hook}`).slice(0, 6)).toEqual([
      'raw PREROUTING', 'nat PREROUTING', 'filter INPUT', 'raw PREROUTING', 'nat PREROUTING', 'filter FORWARD',
    ]);
    expect(visits.every((visit) => visit.node === 'node2')).toBe(true);
  });

  it('reads the packet line: devices, addresses, ports, TTL, IP id and TCP flags', () => {
    const forward = visits.find((visit) => visit.hook === 'FORWARD')!;
    expect(forward.packet).toMatchObject({ in: 'flannel.1', out: 'docker0', dst: '10.1.20.2', dport: 80, ttl: 62 });
    expect(forward.packet.flags).toEqual(['DF', 'SYN']);
    expect(forward.packet.ipId).toBeGreaterThan(0);
  });

  it('reads rules with their text, jumps with their target, returns and policies', () => {
    const forward = visits.find((visit) => visit.hook === 'FORWARD')!;
    expect(forward.steps[0]).toEqual({
      table: 'filter', chain: 'FORWARD', kind: 'rule', verdict: 'JUMP', target: 'KUBE-SERVICES',
      rule: '-4 -t filter -A FORWARD -m conntrack --ctstate NEW -m comment --comment "kubernetes service portals" -j KUBE-SERVICES',
    });
    expect(forward.steps.find((step) => step.chain === 'DOCKER-USER')).toMatchObject({ verdict: 'RETURN', rule: '-4 -t filter -A DOCKER-USER -j RETURN' });
    expect(finalStep(forward)).toEqual({ table: 'filter', chain: 'FORWARD', kind: 'policy', verdict: 'DROP' });
  });

  it('skips rule-change events and lines of no packet', () => {
    const text = [
      ' EVENT: -4 -t raw -A PREROUTING -p icmp -j TRACE',
      'NEWGEN: GENID=55 PID=25240 NAME=iptables',
      ' TRACE: 2 deadbeef raw:PREROUTING:policy:ACCEPT ',
    ].join('\n');
    expect(parseMonitor('n', text)).toEqual([]);
  });

  it('reads output packets, whose link layer is a hex blob', () => {
    const packet = parsePacket('OUT=eth0 LL=0x0 122effffffdaff0800 SRC=172.31.0.11 DST=172.31.0.12 LEN=134 TOS=0x0 TTL=64 ID=55978 SPORT=50803 DPORT=8472 ');
    expect(packet).toEqual({ out: 'eth0', src: '172.31.0.11', dst: '172.31.0.12', sport: 50803, dport: 8472, len: 134, ttl: 64, ipId: 55978, flags: [] });
  });
});
