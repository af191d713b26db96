// The same cross-node check over flannel's host-gw and udp backends, and without any overlay
// (where it must fail: both nodes hand out 172.17.0.0/16, as on seed 003's cluster).
import { afterAll, describe, expect, it } from 'vitest';
import { crossNode } from './crossnode.js';
import { inNode, labResources, loadBusybox, nodeIP, podlab, podlabOk, runInNodeDocker, startEchoServer } from './helpers.js';

describe('flannel backends', () => {
  afterAll(async () => {
    await podlab('down', 'flannel-vxlan');
  });

  it('host-gw: routes each peer subnet via the peer\'s underlay address, and traffic crosses', async () => {
    await podlabOk('up', 'labs/flannel-vxlan', '--variant', 'host-gw');
    const peerIP = await nodeIP('flannel-vxlan', 'node3');
    const routes = (await inNode('flannel-vxlan', 'node1', 'ip route')).stdout;
    expect(routes).toMatch(new RegExp(`10\\.1\\.\\d+\\.0/24 via ${peerIP.replace(/\./g, '\\.')} dev eth0`));
    expect((await inNode('flannel-vxlan', 'node1', 'cat /run/flannel/subnet.env')).stdout).toContain('FLANNEL_MTU=1500');
    const result = await crossNode('flannel-vxlan', 'node1', 'node3');
    expect(result.ping.exitCode, result.ping.output).toBe(0);
    expect(result.tcp.output.trim()).toBe('podlab-token');
  });

  it('udp: a flannel0 TUN device with MTU 1472, and traffic crosses', async () => {
    // A changed variant makes `up` rebuild the lab rather than keep the host-gw one.
    await podlabOk('up', 'labs/flannel-vxlan', '--variant', 'udp');
    const link = (await inNode('flannel-vxlan', 'node1', 'ip -d link show flannel0')).stdout;
    expect(link).toContain('mtu 1472');
    expect(link).toContain('tun');
    const result = await crossNode('flannel-vxlan', 'node1', 'node3');
    expect(result.ping.exitCode, result.ping.output).toBe(0);
    expect(result.tcp.output.trim()).toBe('podlab-token');
  });
});

describe('labs/no-overlay', () => {
  afterAll(async () => {
    await podlab('down', 'no-overlay');
  });

  it('hands out the same 172.17.0.0/16 addresses on both nodes, and cross-node traffic fails', async () => {
    await podlabOk('up', 'no-overlay');
    expect(await labResources('no-overlay')).not.toContain('container /podlab-no-overlay-etcd');
    await loadBusybox('no-overlay', ['node1', 'node2']);
    const [ip1, ip2] = await Promise.all([nodeIP('no-overlay', 'node1'), nodeIP('no-overlay', 'node2')]);
    // Each node's first container gets 172.17.0.2: the duplicate addresses of seed 003.
    const first1 = await startEchoServer(ip1, 'first');
    const first2 = await startEchoServer(ip2, 'first');
    expect(first1).toBe('172.17.0.2');
    expect(first2).toBe('172.17.0.2');
    await startEchoServer(ip2, 'second');
    // node2's third container: node1 has no container at that address (its client gets .3).
    const third2 = await startEchoServer(ip2, 'third');
    expect(third2).toBe('172.17.0.4');
    for (const node of ['node1', 'node2']) {
      expect((await inNode('no-overlay', node, 'ip -4 -o addr show docker0')).stdout).toContain('inet 172.17.0.1/16');
    }
    // From node1, node2's 172.17.0.4 is "on" node1's own docker0, so nothing ever leaves node1.
    const ping = await runInNodeDocker(ip1, ['ping', '-c', '2', '-W', '1', third2]);
    expect(ping.exitCode).not.toBe(0);
    const tcp = await runInNodeDocker(ip1, ['sh', '-c', `echo podlab-token | nc -w 2 ${third2} 5000`]);
    expect(tcp.output).not.toContain('podlab-token');
  });
});
