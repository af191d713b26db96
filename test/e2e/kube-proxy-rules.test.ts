// The rendered kube-proxy rules on a real kernel: loaded with iptables-restore --noflush into a
// throwaway podlab/node container (iptables 1.8.9, nf_tables) next to rules standing in for
// Docker's and flannel's, twice, then read back with iptables-save. No traffic is sent.
import Docker from 'dockerode';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execIn } from '../../src/docker/exec.js';
import type { ProxyInput } from '../../src/net/kube-proxy-input.js';
import { installServiceRules } from '../../src/drivers/dind/service-rules.js';
import { renderRules } from '../../src/net/kube-proxy.js';
import { requireEngine } from './engine-guard.js';

requireEngine();

const docker = new Docker();
// Deliberately no podlab labels: this is not a lab, and lab cleanup must not see it.
const NAME = `kp-check-${process.pid}`;

const INPUT: ProxyInput = {
  clusterCIDR: '10.244.0.0/16',
  services: [
    {
      namespace: 'default',
      name: 'nginx-service',
      clusterIP: '10.98.40.221',
      type: 'ClusterIP',
      ports: [{ name: '', protocol: 'TCP', port: 8000, endpoints: [{ ip: '10.244.1.36', port: 80 }, { ip: '10.244.1.37', port: 80 }] }],
    },
    {
      namespace: 'default',
      name: 'my-nginx',
      clusterIP: '10.96.0.50',
      type: 'NodePort',
      affinitySeconds: 10800,
      ports: [
        {
          name: '',
          protocol: 'TCP',
          port: 80,
          nodePort: 30080,
          endpoints: [{ ip: '172.17.0.4', port: 80 }, { ip: '172.17.0.5', port: 80 }, { ip: '172.17.0.6', port: 80 }],
        },
      ],
    },
    {
      namespace: 'default',
      name: 'idle',
      clusterIP: '10.96.7.7',
      type: 'NodePort',
      ports: [{ name: 'http', protocol: 'TCP', port: 8080, nodePort: 30081, endpoints: [] }],
    },
  ],
};

async function run(argv: string[], stdin?: string): Promise<string> {
  const result = await execIn(docker, NAME, argv, stdin === undefined ? {} : { stdin });
  if (result.exitCode !== 0) throw new Error(`${argv.join(' ')} exited ${result.exitCode}: ${result.stdout}${result.stderr}`);
  return result.stdout;
}

/** The dind driver's own installer: restore the chains, then add each jump only if it is missing. */
async function apply(input: ProxyInput): Promise<void> {
  await installServiceRules(docker, NAME, renderRules(input), { services: [] });
}

function ruleLines(save: string): string[] {
  return save.split('\n').filter((line) => line.startsWith('-A '));
}

describe('kube-proxy rules on a real kernel', () => {
  beforeAll(async () => {
    const container = await docker.createContainer({
      name: NAME,
      Image: 'podlab/node',
      Entrypoint: ['sleep'],
      Cmd: ['infinity'],
      HostConfig: { CapAdd: ['NET_ADMIN', 'NET_RAW'], NetworkMode: 'none' },
    });
    await container.start();
    // Stand-ins for the node's Docker and flannel rules, which --noflush must leave alone.
    await run([
      'sh',
      '-ec',
      'iptables -t nat -N DOCKER; iptables -t nat -A PREROUTING -m addrtype --dst-type LOCAL -j DOCKER;' +
        ' iptables -t nat -A POSTROUTING -s 172.17.0.0/16 ! -o docker0 -j MASQUERADE; iptables -A FORWARD -s 10.1.0.0/16 -j ACCEPT',
    ]);
  });

  afterAll(async () => {
    await docker.getContainer(NAME).remove({ force: true }).catch(() => undefined);
  });

  it('loads twice without duplicating anything, and iptables-save reads it back', async () => {
    await apply(INPUT);
    const first = await run(['iptables-save']);
    await apply(INPUT);
    const save = await run(['iptables-save']);
    expect(ruleLines(save)).toEqual(ruleLines(first));

    const nat = await run(['iptables-save', '-t', 'nat']);
    const filter = await run(['iptables-save', '-t', 'filter']);
    for (const chain of ['KUBE-SERVICES', 'KUBE-NODEPORTS', 'KUBE-POSTROUTING', 'KUBE-MARK-MASQ', 'KUBE-SVC-GKN7Y2BSGW4NJTYL', 'KUBE-SEP-Y2LY4L3MZQNIXQHE', 'KUBE-SVC-BEPXDJBUHFCSYIC3']) {
      expect(nat).toContain(`:${chain} - [0:0]`);
    }
    expect(filter).toContain(':KUBE-EXTERNAL-SERVICES - [0:0]');

    // The foreign rules survived, and each jump is there exactly once.
    expect(nat).toContain('-A PREROUTING -m addrtype --dst-type LOCAL -j DOCKER');
    expect(nat).toContain('-A POSTROUTING -s 172.17.0.0/16 ! -o docker0 -j MASQUERADE');
    expect(filter).toContain('-A FORWARD -s 10.1.0.0/16 -j ACCEPT');
    const lines = [...ruleLines(nat), ...ruleLines(filter)];
    for (const jump of [
      '-A PREROUTING -m comment --comment "kubernetes service portals" -j KUBE-SERVICES',
      '-A OUTPUT -m comment --comment "kubernetes service portals" -j KUBE-SERVICES',
      '-A POSTROUTING -m comment --comment "kubernetes postrouting rules" -j KUBE-POSTROUTING',
      '-A INPUT -m conntrack --ctstate NEW -m comment --comment "kubernetes externally-visible service portals" -j KUBE-EXTERNAL-SERVICES',
      '-A FORWARD -m conntrack --ctstate NEW -m comment --comment "kubernetes service portals" -j KUBE-SERVICES',
    ]) {
      expect(lines.filter((line) => line === jump), jump).toHaveLength(1);
    }

    // iptables-save's own spelling: 11 decimals, and the recent options reordered.
    expect(nat).toContain(
      '-A KUBE-SVC-BEPXDJBUHFCSYIC3 -m comment --comment "default/my-nginx:" -m statistic --mode random --probability 0.33333333349 -j KUBE-SEP-DYSISBZG5TN7BHVN',
    );
    expect(nat).toContain(
      '-A KUBE-SVC-GKN7Y2BSGW4NJTYL -m comment --comment "default/nginx-service:" -m statistic --mode random --probability 0.50000000000 -j KUBE-SEP-Y2LY4L3MZQNIXQHE',
    );
    expect(nat).toContain(
      '-A KUBE-SVC-BEPXDJBUHFCSYIC3 -m comment --comment "default/my-nginx:" -m recent --rcheck --seconds 10800 --reap --name KUBE-SEP-DYSISBZG5TN7BHVN --mask 255.255.255.255 --rsource -j KUBE-SEP-DYSISBZG5TN7BHVN',
    );
    expect(nat).toContain(
      '-A KUBE-SEP-DYSISBZG5TN7BHVN -p tcp -m comment --comment "default/my-nginx:" -m recent --set --name KUBE-SEP-DYSISBZG5TN7BHVN --mask 255.255.255.255 --rsource -m tcp -j DNAT --to-destination 172.17.0.4:80',
    );
    expect(nat).toContain(
      '-A KUBE-SERVICES ! -s 10.244.0.0/16 -d 10.98.40.221/32 -p tcp -m comment --comment "default/nginx-service: cluster IP" -m tcp --dport 8000 -j KUBE-MARK-MASQ',
    );
    expect(ruleLines(nat).filter((line) => line.startsWith('-A KUBE-SERVICES ')).at(-1)).toContain('-j KUBE-NODEPORTS');
    expect(filter).toContain(
      '-A KUBE-SERVICES -d 10.96.7.7/32 -p tcp -m comment --comment "default/idle:http has no endpoints" -m tcp --dport 8080 -j REJECT --reject-with icmp-port-unreachable',
    );
    expect(filter).toContain(
      '-A KUBE-EXTERNAL-SERVICES -p tcp -m comment --comment "default/idle:http has no endpoints" -m addrtype --dst-type LOCAL -m tcp --dport 30081 -j REJECT --reject-with icmp-port-unreachable',
    );
  });

  it('replaces the rules when re-rendered with changed services', async () => {
    await apply({ ...INPUT, services: INPUT.services.slice(0, 1) });
    const nat = await run(['iptables-save', '-t', 'nat']);
    const filter = await run(['iptables-save', '-t', 'filter']);
    expect(ruleLines(nat).filter((line) => line.startsWith('-A KUBE-SERVICES '))).toHaveLength(3);
    expect(ruleLines(nat).filter((line) => line.startsWith('-A KUBE-NODEPORTS '))).toEqual([]);
    expect(filter).not.toContain('has no endpoints');
  });
});
