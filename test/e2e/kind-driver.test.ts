// driver: kind end to end: a 3-node lab on a real cluster made by kind from podlab's node image,
// wired by flannel from the lab's etcd, judged by the same assertions as on dind; nothing of it
// left after down, a failed up or Ctrl-C; and what only dind can do refused before anything exists.
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, describe, expect, it } from 'vitest';
import { docker, FIXTURES, labResources, podlab, podlabOk, ROOT } from './helpers.js';

const LAB = 'e2e-kind-basics';
const FILE = join(FIXTURES, 'labs', 'kind-basics', 'lab.yaml');

/** Everything a kind lab may leave: its labelled resources, kind's node containers, host rules. */
async function kindLeftovers(lab: string): Promise<string[]> {
  const nodes = await docker.listContainers({ all: true, filters: JSON.stringify({ label: [`io.x-k8s.kind.cluster=${lab}`] }) });
  return [...(await labResources(lab)), ...nodes.map((node) => `kind node ${node.Names[0]}`)];
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
