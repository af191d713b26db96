// `podlab up labs/flannel-vxlan` against the real engine: etcd leases, subnet.env, docker0,
// routes, and a container on node1 reaching one on node3 over the kernel's vxlan.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execIn } from '../../src/docker/exec.js';
import { parseLeaseListing, parseSubnetEnv } from '../../src/net/flannel.js';
import { crossNode } from './crossnode.js';
import { docker, inNode, labResources, nodeIP, podlab, podlabOk } from './helpers.js';

const LAB = 'flannel-vxlan';
const NODES = ['node1', 'node2', 'node3'];

describe('labs/flannel-vxlan', () => {
  const addresses = new Map<string, string>();
  beforeAll(async () => {
    await podlab('down', LAB);
    await podlabOk('up', 'labs/flannel-vxlan');
    for (const node of NODES) addresses.set(node, await nodeIP(LAB, node));
  });
  afterAll(async () => {
    await podlab('down', LAB);
  });

  it('etcd holds exactly one vxlan lease per node, with its underlay IP and flannel.1 MAC', async () => {
    const listing = await execIn(docker, `podlab-${LAB}-etcd`, ['etcdctl', 'get', '/coreos.com/network/subnets/', '--prefix']);
    const leases = parseLeaseListing(listing.stdout);
    expect(leases).toHaveLength(3);
    for (const node of NODES) {
      const ip = await nodeIP(LAB, node);
      const lease = leases.find((candidate) => candidate.publicIP === ip);
      expect(lease, `lease of ${node} (${ip})`).toBeDefined();
      expect(lease!.backendType).toBe('vxlan');
      const mac = (await inNode(LAB, node, 'cat /sys/class/net/flannel.1/address')).stdout.trim();
      expect(lease!.vtepMAC).toBe(mac);
    }
  });

  it('writes subnet.env from the lease, with MTU = underlay - 50, and docker0 takes FLANNEL_SUBNET', async () => {
    const listing = await execIn(docker, `podlab-${LAB}-etcd`, ['etcdctl', 'get', '/coreos.com/network/subnets/', '--prefix']);
    const leases = parseLeaseListing(listing.stdout);
    for (const node of NODES) {
      const env = parseSubnetEnv((await inNode(LAB, node, 'cat /run/flannel/subnet.env')).stdout)!;
      const lease = leases.find((candidate) => candidate.publicIP === addresses.get(node))!;
      expect(env.subnet).toBe(lease.subnet.replace(/\.0\/24$/, '.1/24'));
      expect(env.mtu).toBe(1450);
      const docker0 = (await inNode(LAB, node, 'ip -4 -o addr show docker0')).stdout;
      expect(docker0).toContain(`inet ${env.subnet} `);
    }
  });

  it('routes every other node\'s subnet via flannel.1', async () => {
    const envs = new Map<string, string>();
    for (const node of NODES) envs.set(node, parseSubnetEnv((await inNode(LAB, node, 'cat /run/flannel/subnet.env')).stdout)!.subnet);
    for (const node of NODES) {
      const routes = (await inNode(LAB, node, 'ip route')).stdout;
      for (const peer of NODES.filter((other) => other !== node)) {
        const peerNet = envs.get(peer)!.replace(/\.1\/24$/, '.0');
        expect(routes).toContain(`${peerNet}/24 via ${peerNet} dev flannel.1 onlink`);
      }
    }
  });

  it('carries ping and TCP data from a container on node1 to one on node3', async () => {
    const result = await crossNode(LAB, 'node1', 'node3');
    expect(result.ping.exitCode, result.ping.output).toBe(0);
    expect(result.ping.output).toContain('0% packet loss');
    expect(result.tcp.output.trim()).toBe('podlab-token');
  });

  it('shows the nodes with their lease and VtepMAC (get nodes -o json)', async () => {
    const nodes = JSON.parse((await podlabOk('get', LAB, 'nodes', '-o', 'json')).stdout) as Array<Record<string, string>>;
    expect(nodes.map((node) => node.name)).toEqual(NODES);
    for (const node of nodes) {
      expect(node.underlayIP).toBe(addresses.get(node.name!));
      expect(node.flannelSubnet).toMatch(/^10\.1\.\d+\.1\/24$/);
      expect(node.vtepMAC).toMatch(/^([0-9a-f]{2}:){5}[0-9a-f]{2}$/);
    }
  });

  it('a second up of the running lab changes nothing', async () => {
    const before = (await labResources(LAB)).sort();
    const again = await podlabOk('up', 'labs/flannel-vxlan');
    expect(again.stdout).toContain('nothing to do');
    expect((await labResources(LAB)).sort()).toEqual(before);
  });

  it('down removes every labelled container, network and volume', async () => {
    await podlabOk('down', LAB);
    expect(await labResources(LAB)).toEqual([]);
  });
});
