import { describe, expect, it } from 'vitest';
import { traceForProbe } from '../../../src/trace/for-probe.js';
import type { ViewPod } from '../../../src/probe/view.js';

const MASTER: ViewPod = { namespace: 'default', name: 'redis-master-abcde', node: 'node1', labels: {}, owner: 'ReplicationController/redis-master', index: 0, ip: '10.1.1.2' };

describe('the trace of a failed probe', () => {
  it('follows a ping as icmp and names the pod it aimed at', () => {
    expect(traceForProbe({ check: 'ping', to: 'pod/redis-master', destination: { display: 'pod/redis-master-abcde', ip: '10.1.1.2' } }, [MASTER])).toEqual({
      proto: 'icmp', destination: { display: 'pod/redis-master-abcde', ip: '10.1.1.2', pod: MASTER },
    });
  });
  it('follows tcp and http as a SYN to their port (http: 80 by default)', () => {
    expect(traceForProbe({ check: 'tcp', to: 'svc/mysql:3306', destination: { display: 'svc/mysql:3306', ip: '10.254.0.11', port: 3306 } })).toEqual({ proto: 'tcp', destination: { display: 'svc/mysql:3306', ip: '10.254.0.11', port: 3306 } });
    expect(traceForProbe({ check: 'http', to: 'node/node1', destination: { display: 'node/node1', ip: '172.31.0.11' } })?.destination.port).toBe(80);
  });
  it('has nothing to follow for dns and exec', () => {
    expect(traceForProbe({ check: 'dns', to: 'svc/x', destination: { display: 'svc/x', ip: '10.254.0.12' } })).toBeUndefined();
    expect(traceForProbe({ check: 'exec', to: '' })).toBeUndefined();
  });
});
