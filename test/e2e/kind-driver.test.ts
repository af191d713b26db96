// driver: kind end to end: a 3-node lab on a real cluster made by kind from podlab's node image,
// wired by flannel from the lab's etcd, judged by the same assertions as on dind, traced through
// the workers' own tables; nothing of it left after down, a failed up or Ctrl-C; and what only dind can do refused before anything exists.
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, describe, expect, it } from 'vitest';
import { renderTrace } from '../../src/trace/render.js';
import type { Trace } from '../../src/trace/types.js';
import { docker, FIXTURES, labResources, podlab, podlabOk, ROOT } from './helpers.js';

const LAB = 'e2e-kind-basics';
const FILE = join(FIXTURES, 'labs', 'kind-basics', 'lab.yaml');

/** Everything a kind lab may leave: its labelled resources, kind's node containers, host rules. */
async function kindLeftovers(lab: string): Promise<string[]> {
  const nodes = await docker.listContainers({ all: true, filters: JSON.stringify({ label: [`io.x-k8s.kind.cluster=${lab}`] }) });
  return [...(await labResources(lab)), ...nodes.map((node) => `kind node ${node.Names[0]}`)];
}

/** `podlab trace LAB FROM TO -o json`, shown in the log as a person reads it. */
async function cliTrace(from: string, to: string, ...flags: string[]): Promise<Trace> {
  const result = JSON.parse((await podlabOk('trace', LAB, from, to, ...flags, '-o', 'json')).stdout) as Trace;
  console.log(renderTrace(result));
  return result;
}

/**
 * podlab trace on the workers' own tables: the real kube-proxy's DNAT to an endpoint, its REJECT
 * of a service without endpoints, flannel's vxlan between workers, and no TRACE rule left after.
 */
async function expectTracesFollowKubernetesRules(nodes: Array<{ name: string; container: string }>): Promise<void> {
  const toService = await cliTrace('pod/client', 'svc/web:80');
  const dnat = toService.verdict.nat.find((step) => step.rule?.includes('-j DNAT'));
  expect(dnat?.chain).toMatch(/^KUBE-SEP-/);
  expect(toService.verdict).toMatchObject({ kind: 'delivered', answered: true, pod: { name: expect.stringMatching(/^web-/) } });

  const refused = await cliTrace('pod/client', 'svc/nothing:80');
  expect(refused.verdict).toMatchObject({ kind: 'refused', step: { table: 'filter', chain: 'KUBE-SERVICES' } });
  expect(refused.verdict.step!.rule).toMatch(/has no endpoints.*-j REJECT/);

  const pods = JSON.parse((await podlabOk('get', LAB, 'pods', '-o', 'json')).stdout) as Array<{ name: string; node: string }>;
  const client = pods.find((pod) => pod.name === 'client')!;
  // Three web replicas on three workers: one is elsewhere than the client.
  const elsewhere = pods.find((pod) => pod.name.startsWith('web-') && pod.node !== client.node)!;
  const across = await cliTrace('pod/client', `pod/${elsewhere.name}`, '--proto', 'icmp');
  expect(across.hops[0]).toMatchObject({ node: client.node, encapsulation: { device: 'flannel.1', dport: 8472 } });
  expect(across.verdict).toMatchObject({ kind: 'delivered', answered: true, node: elsewhere.node, pod: { name: elsewhere.name } });

  for (const node of nodes) {
    const raw = await execa('docker', ['exec', node.container, 'iptables-save', '-t', 'raw']);
    expect(raw.stdout, node.name).not.toContain('podlab-trace');
  }
}

describe('driver: kind', () => {
  afterAll(async () => {
    await podlab('down', LAB);
  });

  it('refuses what only dind can do, naming the field, before anything exists', async () => {
    const before = (await labResources()).sort();
    const result = await podlab('up', 'forward-drop', '--variant', 'broken', '--driver', 'kind');
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toMatch(/lab\.yaml:\d+:\d+: variants\.broken\.network\.forwardPolicy: .*only on dind \(driver kind\)/);
    expect((await podlab('up', 'flannel-vxlan', '--driver', 'kind', '--variant', 'nope')).exitCode).toBe(2);
    expect((await labResources()).sort()).toEqual(before);
  });

  it('brings up a 3-node lab whose assertions all meet their expectations', { timeout: 600_000 }, async () => {
    await podlabOk('up', FILE, '--driver', 'kind');
    const kubeconfig = (await podlabOk('kubeconfig', LAB)).stdout.trim();
    const nodes = await execa('kubectl', ['--kubeconfig', kubeconfig, 'get', 'nodes', '--no-headers'], { reject: false, env: { PATH: `${process.env.HOME}/.cache/podlab/kubernetes-v1.31.4:${process.env.PATH}` } });
    expect(nodes.stdout.split('\n').filter((line) => / Ready /.test(line))).toHaveLength(4);

    // One flannel lease per worker in the lab's etcd, PublicIP = its address, VtepMAC = its flannel.1.
    const listed = JSON.parse((await podlabOk('get', LAB, 'nodes', '-o', 'json')).stdout) as Array<{ name: string; container: string; underlayIP: string; flannelSubnet?: string; vtepMAC?: string }>;
    expect(listed.map((node) => node.name)).toEqual(['node1', 'node2', 'node3']);
    for (const node of listed) {
      expect(node.flannelSubnet, node.name).toMatch(/^10\.1\.\d+\.0\/24$/);
      const mac = await execa('docker', ['exec', node.container, 'cat', '/sys/class/net/flannel.1/address']);
      expect(node.vtepMAC).toBe(mac.stdout.trim());
      // The node sits on the lab's own network, not kind's shared one.
      const info = await docker.getContainer(node.container).inspect();
      expect(Object.keys(info.NetworkSettings.Networks)).toEqual([`podlab-${LAB}`]);
      expect(info.NetworkSettings.Networks[`podlab-${LAB}`]!.IPAddress).toBe(node.underlayIP);
    }
    // ... behind the rule that drops what would leave its bridge.
    expect((await labResources(LAB)).some((resource) => / ! -o br-\S+ .* -j DROP$/.test(resource))).toBe(true);

    const tested = await podlab('test', LAB);
    expect(tested.exitCode, tested.stdout + tested.stderr).toBe(0);
    expect(tested.stdout).toMatch(/11 passed, 0 failed/);

    await expectTracesFollowKubernetesRules(listed);

    await podlabOk('down', LAB);
    expect(await kindLeftovers(LAB)).toEqual([]);
  });

  it('a failed up exits 3 and removes the cluster it made', { timeout: 600_000 }, async () => {
    const result = await podlab('up', FILE, '--driver', 'kind', '--variant', 'failing-setup');
    expect(result.exitCode, result.stderr).toBe(3);
    expect(result.stderr).toMatch(/exit 7/);
    expect(await kindLeftovers(LAB)).toEqual([]);
  });

  it('Ctrl-C while kind creates the cluster leaves nothing', { timeout: 300_000 }, async () => {
    const child = execa('node', [join(ROOT, 'bin', 'podlab.js'), 'up', FILE, '--driver', 'kind'], { reject: false, env: { CI: 'true' } });
    for (let waited = 0; waited < 120 && (await docker.listContainers({ filters: JSON.stringify({ label: [`io.x-k8s.kind.cluster=${LAB}`] }) })).length === 0; waited++) {
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
    child.kill('SIGINT');
    const result = await child;
    expect(result.exitCode).toBe(130);
    expect(await kindLeftovers(LAB)).toEqual([]);
  });
});
