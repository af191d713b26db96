// Traces captured from running labs (test/fixtures/trace/*.json: the raw outputs of the probe
// script, every node's xtables-monitor and its conntrack/route facts), replayed through the
// pure core: verdict, deciding rule and path.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { assembleTrace, type RawTrace } from '../../../src/trace/assemble.js';
import { renderTrace } from '../../../src/trace/render.js';

const FIXTURES = join(import.meta.dirname, '..', '..', 'fixtures', 'trace');
const replay = (name: string) => assembleTrace(JSON.parse(readFileSync(join(FIXTURES, `${name}.json`), 'utf8')) as RawTrace);
const hopsOf = (trace: ReturnType<typeof replay>) => trace.hops.map((hop) => hop.node);

describe('replayed traces', () => {
  it('forward-drop broken: dropped by FORWARD policy DROP on the destination node', () => {
    const trace = replay('forward-drop-broken');
    expect(trace.verdict).toMatchObject({ kind: 'dropped', node: 'node2', step: { table: 'filter', chain: 'FORWARD', kind: 'policy', verdict: 'DROP' } });
    expect(hopsOf(trace)).toEqual(['node1', 'node2']);
    expect(trace.hops[0]!.encapsulation).toMatchObject({ device: 'flannel.1', src: '172.31.0.11', dst: '172.31.0.12', dport: 8472, out: 'eth0' });
    expect(trace.replies).toEqual([]);
    expect(trace.conntrack).toEqual([{ node: 'node1', entries: [expect.objectContaining({ state: 'SYN_SENT', flags: ['UNREPLIED'] })] }]);
  });

  it('forward-drop broken, from a node: the sending node comes first though TTLs tie', () => {
    const trace = replay('forward-drop-broken-node2');
    expect(hopsOf(trace)).toEqual(['node2', 'node1']);
    expect(trace.hops[0]!.visits[0]!.hook).toBe('OUTPUT');
    expect(trace.verdict).toMatchObject({ kind: 'dropped', node: 'node1', step: { chain: 'FORWARD', kind: 'policy' } });
  });

  it('forward-drop broken, icmp: the same drop, told by the echo id', () => {
    const trace = replay('forward-drop-broken-icmp');
    expect(trace.verdict).toMatchObject({ kind: 'dropped', node: 'node2' });
    expect(trace.hops[0]!.encapsulation?.dport).toBe(8472);
  });

  it('same node: bridged, delivered and answered; the rest of the connection is not a retransmission', () => {
    const trace = replay('forward-drop-broken-same-node');
    expect(trace.verdict).toMatchObject({ kind: 'delivered', node: 'node1', pod: { name: 'web-node1' }, answered: true });
    expect(trace.retransmissions).toBe(0);
    expect(trace.replies[0]!.visits[0]!.packet.flags).toContain('SYN');
  });

  it('forward-drop fixed-flannel: accepted by FLANNEL-FWD and delivered', () => {
    const trace = replay('forward-drop-fixed-flannel');
    expect(trace.verdict).toMatchObject({ kind: 'delivered', node: 'node2', pod: { name: 'web-node2', namespace: 'default' }, answered: true });
    expect(trace.verdict.step).toMatchObject({ chain: 'FLANNEL-FWD', verdict: 'ACCEPT' });
    expect(trace.verdict.step!.rule).toContain('flanneld forward');
    // The answer's vxlan packet leaves node2, but the probe itself left node2 by docker0.
    expect(trace.hops[1]!.encapsulation).toBeUndefined();
  });

  it('nginx-service bad-selector: refused by the REJECT rule of a service without endpoints', () => {
    const trace = replay('nginx-service-bad-selector');
    expect(trace.verdict).toMatchObject({ kind: 'refused', node: 'node2', step: { table: 'filter', chain: 'KUBE-SERVICES' } });
    expect(trace.verdict.step!.rule).toContain('"default/my-nginx: has no endpoints"');
    expect(trace.verdict.step!.rule).toContain('-j REJECT');
  });

  it('nginx-service: DNAT through KUBE-SVC and KUBE-SEP to one of the pods, delivered there', () => {
    const trace = replay('nginx-service-default');
    const chains = trace.hops[0]!.visits.flatMap((visit) => visit.steps.map((step) => step.chain));
    expect(chains).toEqual(expect.arrayContaining(['KUBE-SERVICES', expect.stringMatching(/^KUBE-SVC-/), expect.stringMatching(/^KUBE-SEP-/)]));
    expect(trace.verdict.nat).toEqual([expect.objectContaining({ chain: expect.stringMatching(/^KUBE-SEP-/), rule: expect.stringContaining('-j DNAT --to-destination 10.1.90.4:80') })]);
    expect(trace.verdict).toMatchObject({ kind: 'delivered', node: 'node1', pod: { name: 'nginx-deployment-bh77p' }, address: '10.1.90.4' });
    expect(trace.verdict.summary).toContain('DNAT by KUBE-SEP-');
    const node2 = trace.conntrack.find((entry) => entry.node === 'node2')!.entries[0]!;
    expect([node2.original.dst, node2.reply.src]).toEqual(['10.254.0.11', '10.1.90.4']);
  });

  it('pod-dns: ping to a ClusterIP is not translated and leaves the lab unanswered', () => {
    const trace = replay('pod-dns-ping-clusterip');
    const chains = trace.hops.flatMap((hop) => hop.visits.flatMap((visit) => visit.steps.map((step) => step.chain)));
    expect(chains.some((chain) => /^KUBE-(SVC|SEP)-/.test(chain))).toBe(false);
    expect(trace.verdict.nat.some((step) => /DNAT/.test(step.rule ?? ''))).toBe(false);
    expect(trace.verdict).toMatchObject({ kind: 'no-route', node: 'node2' });
    expect(trace.verdict.summary).toContain('no rule translated this icmp packet');
    expect(trace.replies).toEqual([]);
  });

  it('guestbook no-overlay: node2 delivers the master\'s address to its own pod, the wrong one, and names it', () => {
    const trace = replay('guestbook-no-overlay-node2');
    expect(trace.verdict).toMatchObject({ kind: 'delivered', node: 'node2', pod: { name: 'redis-slave-dmxp6' }, wrongPod: true, answered: true });
    expect(trace.verdict.summary).toBe('delivered to pod redis-slave-dmxp6 on node2 — not redis-master-zrdmk on node1; it answered');
    expect(trace.sourceRoute).toMatchObject({ dst: '172.17.0.4', dev: 'docker0' });
  });

  it('mysql-myweb no-dns: nothing sent, the name does not resolve (127.0.0.1 is no cluster DNS)', () => {
    const trace = replay('mysql-myweb-no-dns');
    expect(trace.verdict).toMatchObject({ kind: 'nothing-sent' });
    expect(trace.verdict.summary).toBe('nothing sent: the name "mysql" did not resolve in the source (its only nameserver is 127.0.0.1: no cluster DNS)');
    expect(trace.resolved).toEqual({ name: 'mysql', resolvers: ['127.0.0.1'] });
    expect(trace.hops).toEqual([]);
    expect(renderTrace(trace)).toContain('resolve  mysql → did not resolve (nameserver 127.0.0.1)');
  });

  it('flannel vxlan: flannel.1, then the outer packet between the nodes\' underlay addresses on 8472', () => {
    const trace = replay('flannel-vxlan-icmp');
    expect(trace.hops.map((hop) => hop.node)).toEqual(['node1', 'node3']);
    expect(trace.hops[0]!.route).toMatchObject({ dev: 'flannel.1', via: '10.1.96.0' });
    expect(trace.hops[0]!.encapsulation).toEqual({ node: 'node1', device: 'flannel.1', src: '172.31.0.11', dst: '172.31.0.13', sport: 60060, dport: 8472, out: 'eth0' });
    expect(trace.verdict).toMatchObject({ kind: 'delivered', node: 'node3', pod: { name: 'pinger-sw452' }, answered: true });
  });

  it('flannel udp: flannel0, and flanneld\'s own datagram on 8285', () => {
    const trace = replay('flannel-udp-icmp');
    expect(trace.hops[0]!.encapsulation).toMatchObject({ device: 'flannel0', sport: 8285, dport: 8285, out: 'eth0' });
    expect(trace.verdict).toMatchObject({ kind: 'delivered', node: 'node3', answered: true });
  });

  it('from the host to a pod IP: no node sees it (pod addresses are not routed outside)', () => {
    const trace = replay('flannel-vxlan-host');
    expect(trace.hops).toEqual([]);
    expect(trace.verdict).toMatchObject({ kind: 'no-route' });
    expect(trace.verdict.summary).toBe('no lab node saw the packet (the source routes it 10.1.96.2 via 172.31.0.1 dev eth0 src 172.31.0.3)');
  });

  it('renders every hop, rule texts without our TRACE rule, and the verdict', () => {
    const text = renderTrace(replay('forward-drop-broken'));
    expect(text).toMatch(/^trace pod\/client → pod\/web-node2:80 \(tcp, source port \d+\)/);
    expect(text).toContain('encapsulated by flannel.1: udp 172.31.0.11 → 172.31.0.12');
    expect(text).toContain('-A FORWARD -i docker0 ! -o docker0 -j ACCEPT   → ACCEPT');
    expect(text).not.toContain('podlab-trace');
    expect(text.split('\n').at(-1)).toBe('verdict: DROPPED: dropped by the filter FORWARD policy DROP on node2');
  });
});
