import { describe, expect, it } from 'vitest';
import { dockerOptsFromSubnetEnv, flanneldArgs, flannelDevice, parseLease, parseLeaseListing, parseSubnetEnv } from '../../../src/net/flannel.js';

const SUBNET_ENV = 'FLANNEL_NETWORK=10.1.0.0/16\nFLANNEL_SUBNET=10.1.15.1/24\nFLANNEL_MTU=1450\nFLANNEL_IPMASQ=true\n';

describe('flannel', () => {
  it('parses subnet.env only once all four lines are there', () => {
    expect(parseSubnetEnv(SUBNET_ENV)).toEqual({ network: '10.1.0.0/16', subnet: '10.1.15.1/24', mtu: 1450, ipMasq: true });
    expect(parseSubnetEnv('FLANNEL_NETWORK=10.1.0.0/16\nFLANNEL_SUBNET=10.1.15.1/24\n')).toBeUndefined();
    expect(parseSubnetEnv('')).toBeUndefined();
  });

  it('derives dockerd options as mk-docker-opts.sh does (ip-masq inverted)', () => {
    expect(dockerOptsFromSubnetEnv(parseSubnetEnv(SUBNET_ENV)!)).toEqual(['--bip=10.1.15.1/24', '--ip-masq=false', '--mtu=1450']);
    const noMasq = parseSubnetEnv(SUBNET_ENV.replace('IPMASQ=true', 'IPMASQ=false'))!;
    expect(dockerOptsFromSubnetEnv(noMasq)).toContain('--ip-masq=true');
  });

  it('builds flanneld flags with extra ones last', () => {
    expect(
      flanneldArgs({ etcdEndpoint: 'http://172.31.0.2:2379', prefix: '/coreos.com/network', iface: 'eth0', ipMasq: true, extraArgs: ['--iptables-forward-rules=false'] }),
    ).toEqual([
      '--etcd-endpoints=http://172.31.0.2:2379',
      '--etcd-prefix=/coreos.com/network',
      '--iface=eth0',
      '--ip-masq',
      '--iptables-forward-rules=false',
    ]);
  });

  it('parses leases as flanneld writes them (seed 002 and flannel docs)', () => {
    const value = '{"PublicIP":"192.168.64.3","PublicIPv6":null,"BackendType":"vxlan","BackendData":{"VNI":1,"VtepMAC":"c6:d2:32:6f:8f:44"}}';
    expect(parseLease('/coreos.com/network/subnets/10.1.79.0-24', value)).toEqual({
      subnet: '10.1.79.0/24',
      publicIP: '192.168.64.3',
      backendType: 'vxlan',
      vtepMAC: 'c6:d2:32:6f:8f:44',
    });
    expect(parseLease('/coreos.com/network/config', value)).toBeUndefined();
    expect(parseLease('/coreos.com/network/subnets/10.1.79.0-24', 'not json')).toBeUndefined();
    const listing = `/p/subnets/10.1.1.0-24\n${value}\n/p/subnets/10.1.2.0-24\n{"PublicIP":"172.31.0.12","BackendType":"host-gw","BackendData":null}\n`;
    expect(parseLeaseListing(listing).map((lease) => lease.subnet)).toEqual(['10.1.1.0/24', '10.1.2.0/24']);
  });

  it('names the device each backend creates', () => {
    expect(flannelDevice('vxlan')).toBe('flannel.1');
    expect(flannelDevice('vxlan', 4)).toBe('flannel.4');
    expect(flannelDevice('udp')).toBe('flannel0');
    expect(flannelDevice('host-gw')).toBeUndefined();
  });
});
