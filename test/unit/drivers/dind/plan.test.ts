import { describe, expect, it } from 'vitest';
import { parseLab } from '../../../../src/lab/load.js';
import { parseCidr } from '../../../../src/net/cidr.js';
import { planDind } from '../../../../src/drivers/dind/plan.js';
import { labPlanHash } from '../../../../src/plan/plan-hash.js';

const LAB = 'name: demo\nnodes: [node1, node2, node3]\nnetwork:\n  forwardPolicy: DROP\n  flannel:\n    args: [--iptables-forward-rules=false]\nvariants:\n  flat: {network: {overlay: none}}\n';

describe('dind plan', () => {
  const underlay = parseCidr('172.31.7.0/24')!;

  it('places etcd at .2 and nodes from .11, all labelled with the lab', () => {
    const plan = planDind(parseLab('/l/lab.yaml', LAB), underlay, 'h');
    expect(plan.network).toMatchObject({ name: 'podlab-demo', subnet: '172.31.7.0/24', gateway: '172.31.7.1', mtu: 1500 });
    expect(plan.etcd).toMatchObject({ container: 'podlab-demo-etcd', ip: '172.31.7.2', endpoint: 'http://172.31.7.2:2379' });
    expect(plan.nodes.map((node) => [node.container, node.ip])).toEqual([
      ['podlab-demo-node1', '172.31.7.11'],
      ['podlab-demo-node2', '172.31.7.12'],
      ['podlab-demo-node3', '172.31.7.13'],
    ]);
    for (const labels of [plan.network.labels, plan.etcd!.labels, ...plan.nodes.map((node) => node.labels)]) {
      expect(labels['podlab.lab']).toBe('demo');
    }
    expect(plan.nodes[1]!.labels).toMatchObject({ 'podlab.role': 'node', 'podlab.node': 'node2' });
    expect(plan.forwardPolicy).toBe('DROP');
  });

  it('writes flannel config to PREFIX/config and passes extra flanneld flags', () => {
    const plan = planDind(parseLab('/l/lab.yaml', LAB), underlay, 'h');
    expect(plan.flannel).toMatchObject({ configKey: '/coreos.com/network/config', backend: 'vxlan', device: 'flannel.1' });
    expect(JSON.parse(plan.flannel!.configJSON)).toEqual({ Network: '10.1.0.0/16', SubnetLen: 24, Backend: { Type: 'vxlan' } });
    expect(plan.nodes[0]!.flanneldArgs).toEqual([
      '--etcd-endpoints=http://172.31.7.2:2379',
      '--etcd-prefix=/coreos.com/network',
      '--iface=eth0',
      '--ip-masq',
      '--iptables-forward-rules=false',
    ]);
  });

  it('gives dockerd flannel\'s options, or the lab\'s dockerMTU instead of FLANNEL_MTU', async () => {
    const { dockerdArgs } = await import('../../../../src/drivers/dind/node-boot.js');
    const env = { network: '10.1.0.0/16', subnet: '10.1.7.1/24', mtu: 1450, ipMasq: true };
    const plan = planDind(parseLab('/l/lab.yaml', LAB), underlay, 'h');
    expect(dockerdArgs(plan, plan.nodes[0]!, env).slice(-3)).toEqual(['--bip=10.1.7.1/24', '--ip-masq=false', '--mtu=1450']);
    const mismatch = planDind(parseLab('/l/lab.yaml', LAB.replace('  forwardPolicy: DROP', '  forwardPolicy: DROP\n  dockerMTU: 1500')), underlay, 'h');
    expect(dockerdArgs(mismatch, mismatch.nodes[0]!, env).slice(-3)).toEqual(['--bip=10.1.7.1/24', '--ip-masq=false', '--mtu=1500']);
    expect(dockerdArgs(mismatch, mismatch.nodes[0]!, env)).toContain('--tls=false');
  });

  it('has no etcd and no flanneld without an overlay', () => {
    const plan = planDind(parseLab('/l/lab.yaml', LAB, 'flat'), underlay, 'h');
    expect(plan.etcd).toBeUndefined();
    expect(plan.flannel).toBeUndefined();
    expect(plan.nodes[0]!.flanneldArgs).toBeUndefined();
  });

  it('hashes what the lab asks for, so variants differ and reloads agree', () => {
    const a = labPlanHash(parseLab('/l/lab.yaml', LAB));
    expect(labPlanHash(parseLab('/l/lab.yaml', LAB))).toBe(a);
    expect(labPlanHash(parseLab('/l/lab.yaml', LAB, 'flat'))).not.toBe(a);
  });
});
