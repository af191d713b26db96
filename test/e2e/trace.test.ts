// `podlab trace` on real dind labs (issue 12's acceptance): each bundled scenario comes up
// under a name of its own (so other runs of the bundled labs are untouched), one probe is
// traced through the real CLI (`podlab trace ... -o json`), and the verdict and the deciding
// rule or route are asserted. Every trace must take under 3 s and leave no TRACE rule behind.
// The tracer is called directly only where its internals are the subject (abort mid-probe,
// concurrent traces kept apart). `trace: on-failure` / `--trace-failures` are tested last, on
// a fixture lab, in the console, JSON and JUnit reports.
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DindRunningLab, nodeContainers } from '../../src/drivers/dind/running-lab.js';
import { traceOnNodes } from '../../src/drivers/common/trace/trace-on-nodes.js';
import { resolveSource } from '../../src/probe/resolve.js';
import { parseTarget } from '../../src/probe/targets.js';
import { traceTarget } from '../../src/trace/destination.js';
import type { Proto, Trace } from '../../src/trace/types.js';
import { renderTrace } from '../../src/trace/render.js';
import { docker, FIXTURES, inNode, labResources, machine, podlab, podlabOk, ROOT } from './helpers.js';

const TRACE_LIMIT_MS = 3000;

/** A bundled lab as `e2e-trace-<short>`, on a free underlay, up in `variant`. */
function bundled(lab: string, short: string, variant?: string): string {
  const name = `e2e-trace-${short}`;
  let dir = '';
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'podlab-trace-'));
    await cp(join(ROOT, 'labs', lab), dir, { recursive: true });
    const file = join(dir, 'lab.yaml');
    const text = (await readFile(file, 'utf8')).replace(/^name: .*$/m, `name: ${name}`).replace(/^ {2}underlay: .*\n/m, '');
    await writeFile(file, text);
    await podlab('down', name);
    await podlabOk('up', dir, ...(variant ? ['--variant', variant] : []));
  });
  afterAll(async () => {
    await podlab('down', name);
    await rm(dir, { recursive: true, force: true });
    expect(await labResources(name)).toEqual([]);
  });
  return name;
}

/** `podlab trace LAB FROM TO [--proto P] -o json`: exit 0 whatever the verdict; the trace as data. */
async function cliTrace(lab: string, from: string, to: string, proto?: Proto): Promise<Trace> {
  const started = Date.now();
  const { stdout } = await podlabOk('trace', lab, from, to, ...(proto ? ['--proto', proto] : []), '-o', 'json');
  const result = JSON.parse(stdout) as Trace;
  // Shown in the test log: what a person would read, and what the whole command took.
  console.log(`${renderTrace(result)}\n(podlab trace took ${Date.now() - started} ms, the trace itself ${result.durationMs} ms)`);
  return result;
}

/** The tracer itself, for tests of its internals. */
async function trace(lab: string, from: string, to: string, options: { proto?: Proto; signal?: AbortSignal } = {}): Promise<Trace> {
  const engine = await machine.engine();
  const [first] = await nodeContainers(engine, lab);
  const running = new DindRunningLab(machine, engine, lab, first!.Labels);
  const [view, nodes, probes] = await Promise.all([running.view(), running.nodes(), running.probes()]);
  const result = await traceOnNodes({
    docker: engine, lab, nodes, view, probes,
    source: resolveSource(view, parseTarget(from)),
    destination: traceTarget(view, to),
    ...options,
  });
  console.log(renderTrace(result));
  return result;
}

/** No rule of any trace left in any node's raw table. */
async function expectNoTraceRules(lab: string, nodes: string[]): Promise<void> {
  for (const node of nodes) expect((await inNode(lab, node, 'iptables-save -t raw')).stdout).not.toContain('podlab-trace');
}

describe('trace: forward-drop broken', () => {
  const lab = bundled('forward-drop', 'fdb', 'broken');

  it('is dropped by the FORWARD policy DROP on the destination node, after crossing flannel.1', async () => {
    const result = await cliTrace(lab, 'pod/client', 'pod/web-node2:80');
    expect(result.verdict).toMatchObject({ kind: 'dropped', node: 'node2', step: { table: 'filter', chain: 'FORWARD', kind: 'policy', verdict: 'DROP' } });
    expect(result.hops.map((hop) => hop.node)).toEqual(['node1', 'node2']);
    expect(result.durationMs).toBeLessThan(TRACE_LIMIT_MS);
    await expectNoTraceRules(lab, ['node1', 'node2']);
  });

  it('prints the trace for people and exits 0 with a drop; what names nothing is exit 2, named', async () => {
    const { stdout } = await podlabOk('trace', lab, 'pod/client', 'pod/web-node2:80');
    expect(stdout).toMatch(/^trace pod\/client → pod\/web-node2:80 \(tcp, source port \d+\) in \d\.\d s\n/);
    expect(stdout).toMatch(/encapsulated by flannel\.1: udp [\d.]+ → [\d.]+ \d+→8472 out eth0/);
    expect(stdout.trimEnd().split('\n').at(-1)).toBe('verdict: DROPPED: dropped by the filter FORWARD policy DROP on node2');
    expect(await podlab('trace', lab, 'pod/nope', 'pod/web-node2:80')).toMatchObject({ exitCode: 2, stderr: 'podlab: FROM: pod/nope: no pod or controller named "nope" in namespace default' });
    expect(await podlab('trace', lab, 'pod/client', 'pod/web-node2', '--proto', 'tcp')).toMatchObject({ exitCode: 2, stderr: expect.stringContaining('--proto tcp needs a port') });
    await expectNoTraceRules(lab, ['node1', 'node2']);
  });

  it('removes its rules when aborted mid-probe, and rejects', async () => {
    const controller = new AbortController();
    const pending = trace(lab, 'pod/client', 'pod/web-node2:80', { signal: controller.signal });
    // The dropped SYN waits 1 s for an answer: abort while the probe is out.
    setTimeout(() => controller.abort(new Error('interrupted')), 600);
    await expect(pending).rejects.toThrow();
    await expectNoTraceRules(lab, ['node1', 'node2']);
  });
});

describe('trace: forward-drop fixed-flannel', () => {
  const lab = bundled('forward-drop', 'fdf', 'fixed-flannel');

  it('is accepted by flannel forward rule and delivered', async () => {
    const result = await cliTrace(lab, 'pod/client', 'pod/web-node2:80');
    expect(result.verdict).toMatchObject({ kind: 'delivered', node: 'node2', pod: { name: 'web-node2' }, answered: true });
    expect(result.verdict.step).toMatchObject({ table: 'filter', chain: 'FLANNEL-FWD', verdict: 'ACCEPT' });
    expect(result.durationMs).toBeLessThan(TRACE_LIMIT_MS);
  });

  it('keeps concurrent traces apart', async () => {
    const [toNode1, toNode2, ping] = await Promise.all([
      trace(lab, 'pod/client', 'pod/web-node1:80'),
      trace(lab, 'pod/client', 'pod/web-node2:80'),
      trace(lab, 'node/node2', 'pod/web-node1', { proto: 'icmp' }),
    ]);
    expect(toNode1.verdict).toMatchObject({ kind: 'delivered', node: 'node1', pod: { name: 'web-node1' } });
    expect(toNode1.hops.map((hop) => hop.node)).toEqual(['node1']);
    expect(toNode2.verdict).toMatchObject({ kind: 'delivered', node: 'node2', pod: { name: 'web-node2' } });
    expect(ping.verdict).toMatchObject({ kind: 'delivered', node: 'node1', pod: { name: 'web-node1' }, answered: true });
    expect(ping.hops.map((hop) => hop.node)).toEqual(['node2', 'node1']);
    for (const result of [toNode1, toNode2]) {
      const port = result.key.sourcePort;
      const packets = result.hops.flatMap((hop) => hop.visits.map((visit) => visit.packet.sport));
      expect(packets.every((sport) => sport === port)).toBe(true);
    }
    await expectNoTraceRules(lab, ['node1', 'node2']);
  });
});

describe('trace: nginx-service bad-selector', () => {
  const lab = bundled('nginx-service', 'ngb', 'bad-selector');

  it('is refused by the REJECT rule of a service without endpoints', async () => {
    const result = await cliTrace(lab, 'pod/client', 'svc/my-nginx:8125');
    expect(result.verdict).toMatchObject({ kind: 'refused', step: { table: 'filter', chain: 'KUBE-SERVICES' } });
    expect(result.verdict.step!.rule).toMatch(/"default\/my-nginx: has no endpoints".*-j REJECT/);
    expect(result.durationMs).toBeLessThan(TRACE_LIMIT_MS);
  });
});

describe('trace: nginx-service', () => {
  const lab = bundled('nginx-service', 'ngx');

  it('is DNATed through KUBE-SVC and KUBE-SEP to one of the three pods, and delivered there', async () => {
    const result = await cliTrace(lab, 'pod/client', 'svc/my-nginx:8125');
    const chains = result.hops[0]!.visits.flatMap((visit) => visit.steps.map((step) => step.chain));
    expect(chains).toEqual(expect.arrayContaining(['KUBE-SERVICES', expect.stringMatching(/^KUBE-SVC-/), expect.stringMatching(/^KUBE-SEP-/)]));
    const dnat = result.verdict.nat.find((step) => step.rule?.includes('-j DNAT'));
    expect(dnat?.chain).toMatch(/^KUBE-SEP-/);
    expect(result.verdict).toMatchObject({ kind: 'delivered', answered: true, pod: { name: expect.stringMatching(/^nginx-deployment-/) } });
    expect(dnat!.rule).toContain(`--to-destination ${result.verdict.address}:80`);
    expect(result.durationMs).toBeLessThan(TRACE_LIMIT_MS);
  });
});

describe('trace: pod-dns', () => {
  const lab = bundled('pod-dns', 'dns');

  it('a ping to a ClusterIP is not translated and goes unanswered', async () => {
    const result = await cliTrace(lab, 'pod/busycurl', 'svc/nginx-service', 'icmp');
    const steps = result.hops.flatMap((hop) => hop.visits.flatMap((visit) => visit.steps));
    // kube-proxy's chain looked at it (the jump), and none of its rules matched an echo request.
    expect(steps.map((step) => step.target)).toContain('KUBE-SERVICES');
    const chains = steps.map((step) => step.chain);
    expect(chains.filter((chain) => /^KUBE-(SVC|SEP)-/.test(chain))).toEqual([]);
    expect(result.verdict).toMatchObject({ kind: 'no-route' });
    expect(result.verdict.summary).toContain('no rule translated this icmp packet');
    expect(result.replies).toEqual([]);
    expect(result.durationMs).toBeLessThan(TRACE_LIMIT_MS);
  });
});

describe('trace: guestbook no-overlay', () => {
  const lab = bundled('guestbook', 'gbn', 'no-overlay');

  it("a packet for a node1 pod's address from node2 reaches the node2 pod with the same address, named", async () => {
    // Both nodes hand out 172.17.0.0/16 from the bottom, so some node1 pod's address is held by a
    // node2 pod too; which ones depends on the order Docker handed them out (the master's own
    // address is on node2 only when node2 has as many pods before it). Pick such a pair.
    const pods = JSON.parse((await podlabOk('get', lab, 'pods', '-o', 'json')).stdout) as Array<{ name: string; node: string; ip: string }>;
    const twin = (pod: { node: string; ip: string }) => pods.find((other) => other.node === 'node2' && other.ip === pod.ip);
    const target = pods.find((pod) => pod.node === 'node1' && twin(pod))!;
    const result = await cliTrace(lab, 'node/node2', `pod/${target.name}`, 'icmp');
    expect(result.verdict).toMatchObject({ kind: 'delivered', node: 'node2', wrongPod: true, answered: true, pod: { name: twin(target)!.name } });
    expect(result.verdict.summary).toContain(`— not ${target.name} on node1`);
    expect(result.hops.map((hop) => hop.node)).toEqual(['node2']);
    expect(result.sourceRoute).toMatchObject({ dev: 'docker0' });
    expect(result.durationMs).toBeLessThan(TRACE_LIMIT_MS);
  });
});

describe('trace: mysql-myweb no-dns', () => {
  const lab = bundled('mysql-myweb', 'myn', 'no-dns');

  it('sends nothing: the name does not resolve', async () => {
    const result = await cliTrace(lab, 'pod/myweb', 'mysql:3306');
    expect(result.verdict).toMatchObject({ kind: 'nothing-sent' });
    expect(result.verdict.summary).toContain('"mysql" did not resolve');
    expect(result.resolved).toEqual({ name: 'mysql', resolvers: ['127.0.0.1'] });
    expect(result.hops).toEqual([]);
    expect(result.durationMs).toBeLessThan(TRACE_LIMIT_MS);
  });
});

describe('trace: flannel-vxlan', () => {
  const lab = bundled('flannel-vxlan', 'vx');

  it('a cross-node pod-to-pod trace shows flannel.1 and the outer underlay addresses', async () => {
    const result = await cliTrace(lab, 'pod/pinger', 'pod/pinger#3', 'icmp');
    const nodes = await nodeContainers(docker, lab);
    const ip = (node: string) => Object.values(nodes.find((info) => info.Labels['podlab.node'] === node)!.NetworkSettings.Networks)[0]!.IPAddress;
    const source = result.hops[0]!;
    expect(source.encapsulation).toMatchObject({ device: 'flannel.1', src: ip(source.node), dst: ip(result.verdict.node!), dport: 8472, out: 'eth0' });
    expect(source.route).toMatchObject({ dev: 'flannel.1' });
    expect(result.verdict).toMatchObject({ kind: 'delivered', answered: true, pod: { name: expect.stringMatching(/^pinger/) } });
    expect(result.verdict.node).not.toBe(source.node);
    expect(result.durationMs).toBeLessThan(TRACE_LIMIT_MS);
  });
});

describe('trace: on-failure and --trace-failures', () => {
  const lab = 'e2e-trace-failures';
  const fixture = join(FIXTURES, 'labs', 'trace-failures');
  let dir = '';
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'podlab-trace-reports-'));
    await podlab('down', lab);
  });
  afterAll(async () => {
    await podlab('down', lab);
    await rm(dir, { recursive: true, force: true });
    expect(await labResources(lab)).toEqual([]);
  });

  type JsonResult = { name: string; status: string; trace?: { verdict: string; rendered: string; data?: Trace } };
  const resultsOf = async (file: string) => (JSON.parse(await readFile(file, 'utf8')) as { labs: { results: JsonResult[] }[] }).labs[0]!.results;
  const byName = (results: JsonResult[]) => Object.fromEntries(results.map((result) => [result.name, result]));
  const DROP = 'DROPPED: dropped by the filter FORWARD policy DROP on node2';

  it('run --trace-failures traces every failed and XFAIL assertion with a packet to follow', async () => {
    const json = join(dir, 'all.json');
    const junit = join(dir, 'all.xml');
    // --keep: the next test reads the same lab without --trace-failures.
    const run = await podlab('run', fixture, '--keep', '--trace-failures', '--json', json, '--junit', junit);
    expect(run.exitCode, run.stdout + run.stderr).toBe(1);
    const results = byName(await resultsOf(json));
    expect(Object.values(results).map((result) => result.status)).toEqual(['PASS', 'XFAIL', 'FAIL', 'FAIL']);
    expect(results['same node']!.trace).toBeUndefined();
    expect(results['exec fails']!.trace).toBeUndefined();
    expect(results['across nodes, documented']!.trace).toMatchObject({ verdict: DROP, data: { proto: 'tcp', port: 80, verdict: { kind: 'dropped', node: 'node2' } } });
    expect(results['across nodes, ping']!.trace).toMatchObject({ verdict: DROP, data: { proto: 'icmp', verdict: { kind: 'dropped', node: 'node2' } } });
    for (const traced of [results['across nodes, documented']!, results['across nodes, ping']!]) {
      expect(traced.trace!.data!.durationMs).toBeLessThan(TRACE_LIMIT_MS);
      expect(traced.trace!.rendered.trimEnd().split('\n').at(-1)).toBe(`verdict: ${DROP}`);
    }
    // The console: the trace under its own line, before the next assertion's.
    const lines = run.stdout.split('\n');
    const documented = lines.findIndex((line) => line.includes('XFAIL across nodes, documented'));
    const ping = lines.findIndex((line) => line.includes('FAIL  across nodes, ping'));
    expect(lines[documented + 1]).toMatch(/^ {6}trace pod\/client → pod\/web-node2:80 \(tcp, source port \d+\)/);
    expect(lines.slice(documented + 1, ping)).toContain(`      verdict: ${DROP}`);
    expect(lines[ping + 1]).toMatch(/^ {6}trace pod\/client → pod\/web-node2 \(icmp, echo id \d+\)/);
    expect(lines.find((line, index) => index > ping && line.includes('exec fails'))).toBeDefined();
    expect(run.stdout + run.stderr).not.toMatch(/no trace/);
    // JUnit: the verdict in the failure message, the trace in the failure's body and in the XFAIL's system-out.
    const xml = await readFile(junit, 'utf8');
    const pingCase = xml.slice(xml.indexOf('name="across nodes, ping"'));
    expect(pingCase).toMatch(new RegExp(`^[^]*?<failure message="[^"]+ \\(trace: ${DROP}\\)" type="FAIL">`));
    expect(xml).toMatch(/name="across nodes, ping"[^]*?<failure [^>]*>[^]*?\ntrace:\ntrace pod\/client → pod\/web-node2 \(icmp[^]*?verdict: DROPPED[^<]*<\/failure>/);
    expect(xml).toMatch(/name="across nodes, documented"[^]*?<system-out>reproduces bug:[^]*?\ntrace:\ntrace pod\/client → pod\/web-node2:80 \(tcp[^]*?verdict: DROPPED[^<]*<\/system-out>/);
  });

  it('trace: on-failure alone traces only the assertions that ask for it, and leaves no rule behind', async () => {
    const json = join(dir, 'on-failure.json');
    const test = await podlab('test', lab, '--json', json);
    expect(test.exitCode, test.stdout + test.stderr).toBe(1);
    const results = byName(await resultsOf(json));
    expect(results['across nodes, documented']!.trace?.verdict).toBe(DROP);
    expect(results['across nodes, ping']!.trace).toBeUndefined();
    expect(test.stdout).toContain(`      verdict: ${DROP}`);
    await expectNoTraceRules(lab, ['node1', 'node2']);
  });
});
