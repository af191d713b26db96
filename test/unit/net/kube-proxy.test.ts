import { describe, expect, it } from 'vitest';
import type { ProxyInput } from '../../../src/net/kube-proxy-input.js';
import { endpointChain, probability, renderJumps, renderRules, serviceChain, servicePortName } from '../../../src/net/kube-proxy.js';

// The seed clusters' services: the chain names and rule text below are copied from their
// iptables-save output. Probabilities are the one difference: the seeds' old kube-proxy printed
// "%0.5f", this renders "%0.10f".
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
      name: 'nginx-nodeport-svc',
      clusterIP: '192.1.47.212',
      type: 'NodePort',
      ports: [{ name: '', protocol: 'TCP', port: 80, nodePort: 31295, endpoints: [{ ip: '10.1.1.4', port: 80 }, { ip: '10.1.79.11', port: 80 }] }],
    },
    {
      namespace: 'default',
      name: 'my-nginx',
      clusterIP: '10.0.0.77',
      type: 'ClusterIP',
      affinitySeconds: 10800,
      ports: [
        {
          name: '',
          protocol: 'TCP',
          port: 80,
          endpoints: [{ ip: '172.17.0.4', port: 80 }, { ip: '172.17.0.5', port: 80 }, { ip: '172.17.0.6', port: 80 }],
        },
      ],
    },
    {
      namespace: 'default',
      name: 'idle',
      clusterIP: '10.96.7.7',
      type: 'NodePort',
      ports: [{ name: 'http', protocol: 'TCP', port: 8080, nodePort: 30080, endpoints: [] }],
    },
  ],
};

const BUILT_IN = ['PREROUTING', 'INPUT', 'FORWARD', 'OUTPUT', 'POSTROUTING'];

/** The lines between "*<table>" and its COMMIT. */
function table(text: string, name: string): string[] {
  const lines = text.split('\n');
  const start = lines.indexOf(`*${name}`);
  expect(start, `*${name} missing`).toBeGreaterThanOrEqual(0);
  const end = lines.indexOf('COMMIT', start);
  return lines.slice(start + 1, end);
}

function rulesOf(lines: string[], chain: string): string[] {
  return lines.filter((line) => line.startsWith(`-A ${chain} `));
}

describe('kube-proxy chain names', () => {
  it('names service ports as kube-proxy did, unnamed ones with a trailing colon', () => {
    expect(servicePortName('default', 'nginx-service', '')).toBe('default/nginx-service:');
    expect(servicePortName('default', 'kubernetes', 'https')).toBe('default/kubernetes:https');
  });

  it('reproduces the seeds\' KUBE-SVC names', () => {
    expect(serviceChain('default/nginx-service:', 'TCP')).toBe('KUBE-SVC-GKN7Y2BSGW4NJTYL');
    expect(serviceChain('default/nginx-cluster-svc:', 'TCP')).toBe('KUBE-SVC-XQHY67DURS27F2QJ');
    expect(serviceChain('default/kubernetes:https', 'TCP')).toBe('KUBE-SVC-NPX46M4PTMTKRN6Y');
    expect(serviceChain('default/nginx-nodeport-svc:', 'TCP')).toBe('KUBE-SVC-YN4D7LGVMIQA3S2Y');
    expect(serviceChain('default/my-nginx:', 'TCP')).toBe('KUBE-SVC-BEPXDJBUHFCSYIC3');
    expect(serviceChain('kube-system/kube-dns:dns', 'UDP')).toBe('KUBE-SVC-TCOU7JCQXEZGVUNU');
    expect(serviceChain('default/logs-redis:', 'TCP')).toBe('KUBE-SVC-QV6RZ5HM3SUBQI4U');
  });

  it('reproduces the seeds\' KUBE-SEP names', () => {
    const cases: [string, 'TCP' | 'UDP', string, number, string][] = [
      ['default/nginx-service:', 'TCP', '10.244.1.36', 80, 'KUBE-SEP-Y2LY4L3MZQNIXQHE'],
      ['default/nginx-service:', 'TCP', '10.244.1.37', 80, 'KUBE-SEP-2DGLPGXWBWWNXDYH'],
      ['default/nginx-cluster-svc:', 'TCP', '10.1.1.4', 80, 'KUBE-SEP-FO4LSVXACD7WOMVW'],
      ['default/nginx-cluster-svc:', 'TCP', '10.1.79.11', 80, 'KUBE-SEP-DCSHEKS5WGS4LYVT'],
      ['default/nginx-nodeport-svc:', 'TCP', '10.1.1.4', 80, 'KUBE-SEP-H7QSASJ4XBTCRED7'],
      ['default/nginx-nodeport-svc:', 'TCP', '10.1.79.11', 80, 'KUBE-SEP-YLSXRQMQKCP2ZZ6B'],
      ['default/my-nginx:', 'TCP', '172.17.0.4', 80, 'KUBE-SEP-DYSISBZG5TN7BHVN'],
      ['default/my-nginx:', 'TCP', '172.17.0.5', 80, 'KUBE-SEP-BLX3X6UTIG6UGCA2'],
      ['default/my-nginx:', 'TCP', '172.17.0.6', 80, 'KUBE-SEP-J5WBW7HEOGAHN6ZG'],
      ['kube-system/kube-dns:dns', 'UDP', '10.64.1.7', 53, 'KUBE-SEP-TYGHG4DTIAC24P3K'],
    ];
    for (const [spn, protocol, ip, port, chain] of cases) expect(endpointChain(spn, protocol, ip, port), `${spn} ${ip}:${port}`).toBe(chain);
  });
});

describe('kube-proxy probabilities', () => {
  it('prints 1/(n-i) with ten decimals, like Go\'s %0.10f', () => {
    expect(probability(0, 2)).toBe('0.5000000000');
    expect(probability(0, 3)).toBe('0.3333333333');
    expect(probability(1, 3)).toBe('0.5000000000');
    expect(probability(0, 4)).toBe('0.2500000000');
    expect(probability(0, 5)).toBe('0.2000000000');
    expect(probability(0, 7)).toBe('0.1428571429');
    expect(probability(0, 6)).toBe('0.1666666667');
  });

  it('rounds an exact tie to even, as Go does (1/2048 = 0.00048828125)', () => {
    expect(probability(0, 2048)).toBe('0.0004882812');
  });
});

describe('kube-proxy renderRules', () => {
  const text = renderRules(INPUT);
  const nat = table(text, 'nat');
  const filter = table(text, 'filter');

  it('writes nat, then filter, each closed by COMMIT', () => {
    expect(text.indexOf('*nat')).toBe(0);
    expect(text.indexOf('*filter')).toBeGreaterThan(text.indexOf('COMMIT'));
    expect(text.match(/^COMMIT$/gm)).toHaveLength(2);
    expect(text.endsWith('COMMIT\n')).toBe(true);
  });

  it('renders the 2-endpoint ClusterIP service exactly as on the seed', () => {
    expect(rulesOf(nat, 'KUBE-SERVICES').slice(0, 2)).toEqual([
      '-A KUBE-SERVICES ! -s 10.244.0.0/16 -d 10.98.40.221/32 -p tcp -m comment --comment "default/nginx-service: cluster IP" -m tcp --dport 8000 -j KUBE-MARK-MASQ',
      '-A KUBE-SERVICES -d 10.98.40.221/32 -p tcp -m comment --comment "default/nginx-service: cluster IP" -m tcp --dport 8000 -j KUBE-SVC-GKN7Y2BSGW4NJTYL',
    ]);
    expect(rulesOf(nat, 'KUBE-SVC-GKN7Y2BSGW4NJTYL')).toEqual([
      '-A KUBE-SVC-GKN7Y2BSGW4NJTYL -m comment --comment "default/nginx-service:" -m statistic --mode random --probability 0.5000000000 -j KUBE-SEP-Y2LY4L3MZQNIXQHE',
      '-A KUBE-SVC-GKN7Y2BSGW4NJTYL -m comment --comment "default/nginx-service:" -j KUBE-SEP-2DGLPGXWBWWNXDYH',
    ]);
    expect(rulesOf(nat, 'KUBE-SEP-2DGLPGXWBWWNXDYH')).toEqual([
      '-A KUBE-SEP-2DGLPGXWBWWNXDYH -s 10.244.1.37/32 -m comment --comment "default/nginx-service:" -j KUBE-MARK-MASQ',
      '-A KUBE-SEP-2DGLPGXWBWWNXDYH -p tcp -m comment --comment "default/nginx-service:" -m tcp -j DNAT --to-destination 10.244.1.37:80',
    ]);
    expect(rulesOf(nat, 'KUBE-SEP-Y2LY4L3MZQNIXQHE')).toEqual([
      '-A KUBE-SEP-Y2LY4L3MZQNIXQHE -s 10.244.1.36/32 -m comment --comment "default/nginx-service:" -j KUBE-MARK-MASQ',
      '-A KUBE-SEP-Y2LY4L3MZQNIXQHE -p tcp -m comment --comment "default/nginx-service:" -m tcp -j DNAT --to-destination 10.244.1.36:80',
    ]);
  });

  it('renders NodePort rules as on the seed, masquerade mark first', () => {
    expect(rulesOf(nat, 'KUBE-NODEPORTS')).toEqual([
      '-A KUBE-NODEPORTS -p tcp -m comment --comment "default/nginx-nodeport-svc:" -m tcp --dport 31295 -j KUBE-MARK-MASQ',
      '-A KUBE-NODEPORTS -p tcp -m comment --comment "default/nginx-nodeport-svc:" -m tcp --dport 31295 -j KUBE-SVC-YN4D7LGVMIQA3S2Y',
    ]);
    expect(rulesOf(nat, 'KUBE-SVC-YN4D7LGVMIQA3S2Y').map((line) => line.split(' -j ')[1])).toEqual([
      'KUBE-SEP-H7QSASJ4XBTCRED7',
      'KUBE-SEP-YLSXRQMQKCP2ZZ6B',
    ]);
  });

  it('renders ClientIP affinity: recent checks first, then the random picks in input order', () => {
    const seps = ['KUBE-SEP-DYSISBZG5TN7BHVN', 'KUBE-SEP-BLX3X6UTIG6UGCA2', 'KUBE-SEP-J5WBW7HEOGAHN6ZG'];
    const comment = '-A KUBE-SVC-BEPXDJBUHFCSYIC3 -m comment --comment "default/my-nginx:"';
    expect(rulesOf(nat, 'KUBE-SVC-BEPXDJBUHFCSYIC3')).toEqual([
      ...seps.map((sep) => `${comment} -m recent --name ${sep} --mask 255.255.255.255 --rsource --rcheck --seconds 10800 --reap -j ${sep}`),
      `${comment} -m statistic --mode random --probability 0.3333333333 -j ${seps[0]}`,
      `${comment} -m statistic --mode random --probability 0.5000000000 -j ${seps[1]}`,
      `${comment} -j ${seps[2]}`,
    ]);
    expect(rulesOf(nat, 'KUBE-SEP-DYSISBZG5TN7BHVN')).toEqual([
      '-A KUBE-SEP-DYSISBZG5TN7BHVN -s 172.17.0.4/32 -m comment --comment "default/my-nginx:" -j KUBE-MARK-MASQ',
      '-A KUBE-SEP-DYSISBZG5TN7BHVN -p tcp -m comment --comment "default/my-nginx:" -m recent --name KUBE-SEP-DYSISBZG5TN7BHVN --mask 255.255.255.255 --rsource --set -m tcp -j DNAT --to-destination 172.17.0.4:80',
    ]);
  });

  it('rejects a port without endpoints in filter, and gives it no nat rules', () => {
    expect(filter.filter((line) => line.startsWith(':'))).toEqual([':KUBE-SERVICES - [0:0]', ':KUBE-EXTERNAL-SERVICES - [0:0]']);
    expect(filter.filter((line) => line.startsWith('-A'))).toEqual([
      '-A KUBE-SERVICES -d 10.96.7.7/32 -p tcp -m comment --comment "default/idle:http has no endpoints" -m tcp --dport 8080 -j REJECT --reject-with icmp-port-unreachable',
      '-A KUBE-EXTERNAL-SERVICES -p tcp -m comment --comment "default/idle:http has no endpoints" -m addrtype --dst-type LOCAL -m tcp --dport 30080 -j REJECT --reject-with icmp-port-unreachable',
    ]);
    expect(nat.join('\n')).not.toContain('default/idle');
    expect(nat.join('\n')).not.toContain(serviceChain('default/idle:http', 'TCP'));
  });

  it('has the masquerade machinery', () => {
    expect(rulesOf(nat, 'KUBE-MARK-MASQ')).toEqual(['-A KUBE-MARK-MASQ -j MARK --set-xmark 0x4000/0x4000']);
    expect(rulesOf(nat, 'KUBE-POSTROUTING')).toEqual([
      '-A KUBE-POSTROUTING -m comment --comment "kubernetes service traffic requiring SNAT" -m mark --mark 0x4000/0x4000 -j MASQUERADE',
    ]);
  });

  it('ends nat KUBE-SERVICES with the nodeports rule', () => {
    expect(rulesOf(nat, 'KUBE-SERVICES').at(-1)).toBe(
      '-A KUBE-SERVICES -m comment --comment "kubernetes service nodeports; NOTE: this must be the last rule in this chain" -m addrtype --dst-type LOCAL -j KUBE-NODEPORTS',
    );
    const empty = table(renderRules({ services: [] }), 'nat');
    expect(rulesOf(empty, 'KUBE-SERVICES')).toHaveLength(1);
  });

  it('declares every KUBE chain it uses, and never a built-in chain', () => {
    for (const lines of [nat, filter]) {
      const declared = lines.filter((line) => line.startsWith(':')).map((line) => line.slice(1).split(' ')[0]!);
      expect(declared.every((chain) => chain.startsWith('KUBE-'))).toBe(true);
      expect(new Set(declared).size).toBe(declared.length);
      for (const line of lines.filter((l) => l.startsWith('-A'))) {
        const words = line.split(' ');
        expect(declared, line).toContain(words[1]);
        const target = words[words.indexOf('-j') + 1]!;
        if (target.startsWith('KUBE-')) expect(declared, line).toContain(target);
      }
    }
    expect(text).not.toMatch(/^-[FXDIN] /m);
  });

  it('puts no -A line on a built-in chain', () => {
    for (const chain of BUILT_IN) expect(text).not.toMatch(new RegExp(`^-A ${chain} `, 'm'));
  });

  it('leaves out the masquerade rule without a clusterCIDR (the seed cluster without one), and headless services', () => {
    const bare = renderRules({
      services: [
        {
          namespace: 'default',
          name: 'nginx-cluster-svc',
          clusterIP: '192.1.47.211',
          type: 'ClusterIP',
          ports: [{ name: '', protocol: 'TCP', port: 80, endpoints: [{ ip: '10.1.1.4', port: 80 }, { ip: '10.1.79.11', port: 80 }] }],
        },
        { namespace: 'default', name: 'kubernetes', clusterIP: '192.1.0.1', type: 'ClusterIP', ports: [{ name: 'https', protocol: 'TCP', port: 443, endpoints: [{ ip: '172.31.0.10', port: 6443 }] }] },
      ],
    });
    expect(bare).not.toContain('! -s');
    expect(rulesOf(table(bare, 'nat'), 'KUBE-SERVICES').slice(0, 2)).toEqual([
      '-A KUBE-SERVICES -d 192.1.47.211/32 -p tcp -m comment --comment "default/nginx-cluster-svc: cluster IP" -m tcp --dport 80 -j KUBE-SVC-XQHY67DURS27F2QJ',
      '-A KUBE-SERVICES -d 192.1.0.1/32 -p tcp -m comment --comment "default/kubernetes:https cluster IP" -m tcp --dport 443 -j KUBE-SVC-NPX46M4PTMTKRN6Y',
    ]);
    expect(rulesOf(table(bare, 'nat'), 'KUBE-SVC-XQHY67DURS27F2QJ').map((line) => line.split(' -j ')[1])).toEqual([
      'KUBE-SEP-FO4LSVXACD7WOMVW',
      'KUBE-SEP-DCSHEKS5WGS4LYVT',
    ]);
    const headless = renderRules({ services: [{ ...INPUT.services[0]!, clusterIP: 'None' }] });
    expect(headless).not.toContain('nginx-service');
  });

  it('uses udp matches for UDP ports', () => {
    const dns = renderRules({
      services: [
        { namespace: 'kube-system', name: 'kube-dns', clusterIP: '10.96.0.10', type: 'ClusterIP', ports: [{ name: 'dns', protocol: 'UDP', port: 53, endpoints: [{ ip: '10.64.1.7', port: 53 }] }] },
      ],
    });
    expect(dns).toContain(
      '-A KUBE-SERVICES -d 10.96.0.10/32 -p udp -m comment --comment "kube-system/kube-dns:dns cluster IP" -m udp --dport 53 -j KUBE-SVC-TCOU7JCQXEZGVUNU',
    );
    expect(dns).toContain('-A KUBE-SEP-TYGHG4DTIAC24P3K -p udp -m comment --comment "kube-system/kube-dns:dns" -m udp -j DNAT --to-destination 10.64.1.7:53');
  });
});

describe('kube-proxy renderJumps', () => {
  it('returns the jumps from built-in chains, for the caller to add only when missing', () => {
    expect(renderJumps()).toEqual([
      ['-t', 'nat', '-I', 'PREROUTING', '-m', 'comment', '--comment', 'kubernetes service portals', '-j', 'KUBE-SERVICES'],
      ['-t', 'nat', '-I', 'OUTPUT', '-m', 'comment', '--comment', 'kubernetes service portals', '-j', 'KUBE-SERVICES'],
      ['-t', 'nat', '-I', 'POSTROUTING', '-m', 'comment', '--comment', 'kubernetes postrouting rules', '-j', 'KUBE-POSTROUTING'],
      [
        '-t', 'filter', '-I', 'INPUT', '-m', 'conntrack', '--ctstate', 'NEW',
        '-m', 'comment', '--comment', 'kubernetes externally-visible service portals', '-j', 'KUBE-EXTERNAL-SERVICES',
      ],
      ['-t', 'filter', '-I', 'FORWARD', '-m', 'conntrack', '--ctstate', 'NEW', '-m', 'comment', '--comment', 'kubernetes service portals', '-j', 'KUBE-SERVICES'],
      ['-t', 'filter', '-I', 'OUTPUT', '-m', 'conntrack', '--ctstate', 'NEW', '-m', 'comment', '--comment', 'kubernetes service portals', '-j', 'KUBE-SERVICES'],
    ]);
  });
});
