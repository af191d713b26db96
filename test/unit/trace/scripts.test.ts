import { describe, expect, it } from 'vitest';
import { insertRules, matchSpecs } from '../../../src/trace/match.js';
import { nodeFactsScript, parseNodeFacts } from '../../../src/trace/node-facts.js';
import { parseProbeOutput, probeScript, UNRESOLVED_EXIT } from '../../../src/trace/probe-script.js';
import { sessionScript } from '../../../src/trace/session-script.js';
import { newTraceKey } from '../../../src/trace/key.js';
import type { TraceKey } from '../../../src/trace/types.js';

const TCP: TraceKey = { token: '8454a643', proto: 'tcp', sourcePort: 27550 };
const ICMP: TraceKey = { token: 'c0ffee00', proto: 'icmp', icmpId: 0x1234 };

describe('TRACE rules', () => {
  it('match the source port both ways, and inside vxlan (8472) and flannel udp (8285)', () => {
    expect(matchSpecs(TCP)).toEqual([
      ['-p', 'tcp', '--sport', '27550'],
      ['-p', 'tcp', '--dport', '27550'],
      // As measured: iptables -S printed this one back as 0x0>>0x16&0x3c@0x1e>>0x16&0x3c@0x1e>>0x10=0x6b9e.
      ['-p', 'udp', '--dport', '8472', '-m', 'u32', '--u32', '0>>22&0x3C@30>>22&0x3C@30>>16=0x6b9e'],
      ['-p', 'udp', '--dport', '8472', '-m', 'u32', '--u32', '0>>22&0x3C@30>>22&0x3C@30&0xFFFF=0x6b9e'],
      ['-p', 'udp', '--dport', '8285', '-m', 'u32', '--u32', '0>>22&0x3C@8>>22&0x3C@8>>16=0x6b9e'],
      ['-p', 'udp', '--dport', '8285', '-m', 'u32', '--u32', '0>>22&0x3C@8>>22&0x3C@8&0xFFFF=0x6b9e'],
    ]);
  });

  it('match an echo id directly and inside the encapsulations', () => {
    expect(matchSpecs(ICMP).map((spec) => spec.at(-1))).toEqual([
      '0>>22&0x3C@4>>16=0x1234',
      '0>>22&0x3C@30>>22&0x3C@34>>16=0x1234',
      '0>>22&0x3C@8>>22&0x3C@12>>16=0x1234',
    ]);
  });

  it('go in at the top of raw PREROUTING and OUTPUT, each with the trace comment', () => {
    const lines = insertRules(ICMP).trim().split('\n');
    expect(lines[0]).toBe('*raw');
    expect(lines.at(-1)).toBe('COMMIT');
    expect(lines[1]).toBe('-I PREROUTING -p icmp -m u32 --u32 "0>>22&0x3C@4>>16=0x1234" -m comment --comment "podlab-trace c0ffee00" -j TRACE');
    expect(lines.filter((line) => line.startsWith('-I OUTPUT'))).toHaveLength(3);
  });

  it('keys are fresh per trace, ports below the ephemeral range', () => {
    const values = [0.5, 0.25];
    const key = newTraceKey('udp', () => values.shift() ?? 0);
    expect(key).toEqual({ token: '7fffffff', proto: 'udp', sourcePort: 22500 });
    expect(newTraceKey('icmp', () => 0.999999).icmpId).toBeLessThanOrEqual(0xffff);
  });
});

describe('the node session script', () => {
  const script = sessionScript(TCP);
  it('removes exactly the rules carrying its comment, on every exit', () => {
    expect(script).toContain("trap cleanup EXIT");
    expect(script).toContain("grep -F -- 'podlab-trace 8454a643' | sed 's/^-A /-D /'");
    expect(script).toContain('iptables-restore -w 5 --noflush');
    // Never a flush or a counter reset.
    expect(script).not.toMatch(/iptables(-restore)? [^\n]*(-F|-Z|--zero)\b/);
  });
  it('starts the monitor before the rules and holds them only while stdin is open, at most 15 s', () => {
    expect(script.indexOf('xtables-monitor --trace')).toBeLessThan(script.indexOf('-I PREROUTING'));
    expect(script).toContain('read -r -t 15 _');
  });
});

describe('the probe script', () => {
  it('sends one SYN from the trace source port', () => {
    expect(probeScript({ key: TCP, destination: { ip: '10.1.20.2' }, port: 80, timeoutSeconds: 1 })).toContain('nc -v -n -z -w 1 -p 27550 "$dst" 80');
  });
  it('sends one echo request with the trace id, in decimal as ping wants it', () => {
    expect(probeScript({ key: ICMP, destination: { ip: '10.1.20.2' }, timeoutSeconds: 1 })).toContain('ping -n -c 1 -W 1 -e 4660 "$dst"');
  });
  it('resolves a name in the source first and stops when it does not resolve', () => {
    const script = probeScript({ key: TCP, destination: { name: 'mysql' }, port: 3306, timeoutSeconds: 1 });
    expect(script).toContain("getent ahostsv4 'mysql'");
    expect(script).toContain(`exit ${UNRESOLVED_EXIT}`);
    expect(parseProbeOutput('@@resolvers 127.0.0.1 \n@@resolved \n', UNRESOLVED_EXIT, { name: 'mysql' })).toEqual({ resolved: undefined, resolvers: ['127.0.0.1'], unresolved: true, output: '', exitCode: UNRESOLVED_EXIT });
  });
  it('parses the route and the probe output', () => {
    const parsed = parseProbeOutput('@@resolved 10.254.0.11\n@@route\n10.254.0.11 via 10.1.64.1 dev eth0 src 10.1.64.2 uid 0 \\    cache \n@@probe\nConnection to 10.254.0.11 3306 port [tcp/*] succeeded!\n@@exit 0\n', 0, { name: 'mysql' });
    expect(parsed).toMatchObject({ resolved: '10.254.0.11', unresolved: false, route: { dev: 'eth0', via: '10.1.64.1', src: '10.1.64.2' }, output: 'Connection to 10.254.0.11 3306 port [tcp/*] succeeded!' });
  });
});

describe('the node facts script', () => {
  it('asks conntrack for this trace only, and the route the packet took through the node', () => {
    const script = nodeFactsScript(TCP, { dst: '10.1.20.2', src: '10.1.6.2', iif: 'docker0' });
    expect(script).toContain("conntrack -L -p tcp 2>/dev/null | grep -E 'port=27550( |$)'");
    expect(script).toContain('ip -o route get 10.1.20.2 from 10.1.6.2 iif docker0');
    expect(nodeFactsScript(ICMP)).toContain("grep -E 'id=4660( |$)'");
    expect(nodeFactsScript(TCP, { dst: '$(reboot)' })).not.toContain('reboot');
  });
  it('parses both sections', () => {
    const facts = parseNodeFacts('@@conntrack\n@@route\n10.1.20.2 from 10.1.6.2 dev docker0 \\    cache iif flannel.1 \n', { dst: '10.1.20.2' });
    expect(facts).toEqual({ conntrack: [], route: { dst: '10.1.20.2', dev: 'docker0', text: '10.1.20.2 from 10.1.6.2 dev docker0' } });
  });
});
