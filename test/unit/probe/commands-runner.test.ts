import { describe, expect, it } from 'vitest';
import { parseLab } from '../../../src/lab/load.js';
import { evaluate, probeArgv } from '../../../src/probe/commands.js';
import { expandAssertions, type Probe } from '../../../src/probe/expand.js';
import { runProbes, type ExecutedCommand, type ProbeExecutor } from '../../../src/probe/runner.js';
import type { Clock } from '../../../src/util/retry.js';
import type { LabView } from '../../../src/probe/view.js';

const VIEW: LabView = {
  nodes: [{ name: 'node1', ip: '172.31.0.11' }],
  pods: [{ namespace: 'default', name: 'web-abcde', node: 'node1', labels: { app: 'web' }, owner: 'Deployment/web', index: 0, ip: '10.1.1.2', firstContainer: 'c1' }],
  services: [{ namespace: 'default', name: 'web', clusterIP: '10.254.0.11', ports: [{ name: '', port: 80, protocol: 'TCP' }] }],
};

function probes(yaml: string, variant?: string): Probe[] {
  const lab = parseLab('/l.yaml', `name: t\nnodes: [node1]\nvariants: {broken: {}}\nassertions:\n${yaml}`, variant);
  return expandAssertions(lab.assertions, VIEW, lab.variant).probes;
}

describe('probe commands', () => {
  it('build the argv of each check', () => {
    const [ping, mtu, tcp, http, dns] = probes(
      [
        '  - {name: p, from: pod/web, ping: pod/web}',
        '  - {name: m, from: pod/web, ping: pod/web, size: 1422, dontFragment: true, count: 3}',
        '  - {name: t, from: pod/web, tcp: svc/web:80}',
        '  - {name: h, from: host, http: {to: "node/node1:30001", path: "/guestbook.php?cmd=get&key=k"}}',
        '  - {name: d, from: pod/web, dns: web.default.svc.cluster.local, answer: svc/web, timeout: 5s}',
      ].join('\n') + '\n',
    );
    expect(probeArgv(ping!)).toEqual(['ping', '-n', '-c', '1', '-i', '0.2', '-W', '1', '10.1.1.2']);
    expect(probeArgv(mtu!)).toEqual(['ping', '-n', '-c', '3', '-i', '0.2', '-W', '1', '-s', '1422', '-M', 'do', '10.1.1.2']);
    expect(probeArgv(tcp!)).toEqual(['nc', '-z', '-n', '-w', '3', '10.254.0.11', '80']);
    expect(probeArgv(http!)).toEqual(['curl', '-sS', '-m', '3', '-o', '-', '-w', '\n%{http_code}', 'http://172.31.0.11:30001/guestbook.php?cmd=get&key=k']);
    expect(probeArgv(dns!)).toEqual(['dig', '+search', '+time=5', '+tries=1', 'web.default.svc.cluster.local']);
  });

  it('judge outputs', () => {
    const [http, dns, exec] = probes(
      '  - {name: h, from: host, http: {to: "node/node1:1", status: 200, contains: Updated}}\n  - {name: d, from: pod/web, dns: web, answer: svc/web}\n  - {name: e, from: pod/web, exec: [redis-cli, get, k], stdout: hi}\n',
    );
    expect(evaluate(http!, { exitCode: 0, stdout: '{"message": "Updated"}\n200', stderr: '' })).toEqual({ outcome: 'pass', detail: 'HTTP 200, body has "Updated"' });
    expect(evaluate(http!, { exitCode: 0, stdout: 'oops\n500', stderr: '' }).detail).toBe('HTTP 500, wanted 200');
    expect(evaluate(http!, { exitCode: 7, stdout: '000', stderr: 'curl: (7) Failed to connect' }).detail).toBe('curl: (7) Failed to connect');
    const digOk = ';; ->>HEADER<<- opcode: QUERY, status: NOERROR, id: 1\n;; ANSWER SECTION:\nweb.default.svc.cluster.local. 0 IN A 10.254.0.11\n';
    expect(evaluate(dns!, { exitCode: 0, stdout: digOk, stderr: '' })).toEqual({ outcome: 'pass', detail: 'answered 10.254.0.11' });
    expect(evaluate(dns!, { exitCode: 0, stdout: ';; ->>HEADER<<- opcode: QUERY, status: NXDOMAIN, id: 2\n', stderr: '' })).toEqual({ outcome: 'fail', detail: 'NXDOMAIN' });
    expect(evaluate(exec!, { exitCode: 0, stdout: 'hi\n', stderr: '' }).outcome).toBe('pass');
    expect(evaluate(exec!, { exitCode: 0, stdout: '\n', stderr: '' }).detail).toBe('stdout lacks "hi" (got "")');
  });
});

/** A scripted executor: answers by probe tool, counting calls. Unit-tests the runner's logic only. */
function scripted(answer: (argv: string[], call: number) => Partial<ExecutedCommand>): ProbeExecutor & { calls: number } {
  const executor = {
    calls: 0,
    async probe(_source: unknown, argv: string[]) {
      executor.calls += 1;
      return { command: argv.join(' '), exitCode: 0, stdout: '', stderr: '', ...answer(argv, executor.calls) };
    },
    async exec(_source: unknown, argv: string[]) {
      executor.calls += 1;
      return { command: argv.join(' '), exitCode: 0, stdout: '', stderr: '', ...answer(argv, executor.calls) };
    },
  };
  return executor;
}

function fakeClock(): Clock {
  let now = 0;
  return { now: () => now, sleep: async (ms) => void (now += ms) };
}

describe('runner', () => {
  it('reports PASS, FAIL, XFAIL and XPASS with evidence', async () => {
    const list = probes(
      [
        '  - {name: ok, from: pod/web, tcp: svc/web:80}',
        '  - {name: wrong, from: pod/web, ping: svc/web}',
        '  - {name: known bug, from: pod/web, tcp: "10.9.9.9:80", expect: fail, bug: "seed 003"}',
        '  - {name: fixed bug, from: pod/web, exec: ["true"], expect: fail, bug: "seed 000"}',
      ].join('\n') + '\n',
    );
    const executor = scripted((argv) => ({ exitCode: argv[0] === 'ping' || argv.includes('10.9.9.9') ? 1 : 0, stdout: argv[0] === 'ping' ? '1 packets transmitted, 0 received, 100% packet loss' : '' }));
    const results = await runProbes(list, executor, { clock: fakeClock() });
    expect(results.map((result) => [result.name, result.status])).toEqual([
      ['ok', 'PASS'],
      ['wrong', 'FAIL'],
      ['known bug', 'XFAIL'],
      ['fixed bug', 'XPASS'],
    ]);
    expect(results[1]!.detail).toBe('no reply (100% loss)');
    expect(results[0]!.evidence).toMatchObject({ command: 'nc -z -n -w 3 10.254.0.11 80', exitCode: 0, attempts: 1 });
  });

  it('retries within the time given until the expectation holds', async () => {
    const list = probes('  - {name: sync, from: pod/web, exec: [redis-cli, get, k], stdout: hi, within: 20s}\n');
    const executor = scripted((_argv, call) => ({ stdout: call >= 3 ? 'hi' : '' }));
    const [result] = await runProbes(list, executor, { clock: fakeClock() });
    expect(result!.status).toBe('PASS');
    expect(result!.evidence.attempts).toBe(3);
  });

  it('gives up when within is over and keeps the last evidence', async () => {
    const list = probes('  - {name: sync, from: pod/web, exec: [redis-cli, get, k], stdout: hi, within: 2s}\n');
    const [result] = await runProbes(list, scripted(() => ({ stdout: 'nope' })), { clock: fakeClock() });
    expect(result!.status).toBe('FAIL');
    expect(result!.evidence.attempts).toBeGreaterThan(2);
    expect(result!.evidence.output).toBe('nope');
  });

  it('runs independent probes at once, bounded', async () => {
    let running = 0;
    let peak = 0;
    const executor: ProbeExecutor = {
      async probe(_source, argv) {
        running += 1;
        peak = Math.max(peak, running);
        await new Promise((resolve) => setTimeout(resolve, 5));
        running -= 1;
        return { command: argv.join(' '), exitCode: 0, stdout: '', stderr: '' };
      },
      exec: async () => ({ command: '', exitCode: 0, stdout: '', stderr: '' }),
    };
    const list = probes(Array.from({ length: 10 }, (_, i) => `  - {name: p${i}, from: pod/web, tcp: svc/web:80}`).join('\n') + '\n');
    await runProbes(list, executor, { concurrency: 4 });
    expect(peak).toBe(4);
  });
});
