// Reading kube-proxy's progress from a worker's iptables-save: a ClusterIP is routed once some
// rule matches it as the destination, DNAT or (no endpoints yet) REJECT.
import { describe, expect, it } from 'vitest';
import { unroutedClusterIPs } from '../../../../src/drivers/kind/service-routes.js';

const SAVED = `*filter
:KUBE-SERVICES - [0:0]
-A KUBE-SERVICES -d 10.254.0.30/32 -p tcp -m comment --comment "default/redis-slave has no endpoints" -m tcp --dport 6379 -j REJECT --reject-with icmp-port-unreachable
COMMIT
*nat
-A KUBE-SERVICES -d 10.254.189.6/32 -p tcp -m comment --comment "default/redis-master cluster IP" -m tcp --dport 6379 -j KUBE-SVC-GGJXVPNFZDFEEY5C
-A KUBE-SEP-X -s 10.254.0.4/32 -j KUBE-MARK-MASQ
COMMIT
`;

describe('unroutedClusterIPs', () => {
  it('counts a DNAT jump and a no-endpoints REJECT as routed', () => {
    expect(unroutedClusterIPs(SAVED, ['10.254.189.6', '10.254.0.30'])).toEqual([]);
  });
  it('names the ClusterIPs no rule matches as a destination, not by prefix or as a source', () => {
    expect(unroutedClusterIPs(SAVED, ['10.254.18.6', '10.254.0.3', '10.254.0.4'])).toEqual(['10.254.18.6', '10.254.0.3', '10.254.0.4']);
  });
});
