import { describe, expect, it } from 'vitest';
import type { PodPlan, ServicePlan } from '../../../src/k8s/cluster-plan.js';
import { dnsRecords, podResolver } from '../../../src/k8s/dns.js';
import { proxyInput, serviceEndpoints, type RunningPod } from '../../../src/k8s/endpoints.js';
import { mergeEnv, serviceEnv } from '../../../src/k8s/env.js';

const MY_NGINX: ServicePlan = {
  namespace: 'default',
  name: 'my-nginx',
  type: 'ClusterIP',
  clusterIP: '10.97.126.137',
  selector: { run: 'my-nginx' },
  ports: [{ name: '', protocol: 'TCP', port: 8125, targetPort: 80 }],
};

function pod(name: string, ip: string, labels: Record<string, string>, ports: PodPlan['containers'][number]['ports'] = []): RunningPod {
  return { namespace: 'default', name, node: 'node1', labels, dnsPolicy: 'ClusterFirst', ip, containers: [{ name: 'c', image: 'i', env: [], ports }] };
}

describe('service env vars', () => {
  it('match seed 004 for my-nginx', () => {
    const env = Object.fromEntries(serviceEnv([MY_NGINX]).map((variable) => [variable.name, variable.value]));
    expect(env).toEqual({
      MY_NGINX_SERVICE_HOST: '10.97.126.137',
      MY_NGINX_SERVICE_PORT: '8125',
      MY_NGINX_PORT: 'tcp://10.97.126.137:8125',
      MY_NGINX_PORT_8125_TCP: 'tcp://10.97.126.137:8125',
      MY_NGINX_PORT_8125_TCP_PROTO: 'tcp',
      MY_NGINX_PORT_8125_TCP_PORT: '8125',
      MY_NGINX_PORT_8125_TCP_ADDR: '10.97.126.137',
    });
  });

  it('adds per-name port variables and keeps the first port for _PORT', () => {
    const dns: ServicePlan = { ...MY_NGINX, name: 'kube-dns', clusterIP: '10.96.0.10', ports: [{ name: 'dns', protocol: 'UDP', port: 53, targetPort: 53 }, { name: 'dns-tcp', protocol: 'TCP', port: 53, targetPort: 53 }] };
    const env = Object.fromEntries(serviceEnv([dns]).map((variable) => [variable.name, variable.value]));
    expect(env.KUBE_DNS_SERVICE_PORT_DNS_TCP).toBe('53');
    expect(env.KUBE_DNS_PORT).toBe('udp://10.96.0.10:53');
    expect(env.KUBE_DNS_PORT_53_TCP_PROTO).toBe('tcp');
  });

  it('lets the manifest win', () => {
    expect(mergeEnv([{ name: 'A', value: '1' }, { name: 'B', value: '2' }], [{ name: 'A', value: 'mine' }])).toEqual([
      { name: 'B', value: '2' },
      { name: 'A', value: 'mine' },
    ]);
  });
});

describe('dns', () => {
  it('writes one record per service and the ClusterFirst resolver', () => {
    expect(dnsRecords([MY_NGINX])).toBe('10.97.126.137 my-nginx.default.svc.cluster.local\n');
    expect(podResolver('prod', '10.254.0.10', 'ClusterFirst')).toEqual({
      servers: ['10.254.0.10'],
      search: ['prod.svc.cluster.local', 'svc.cluster.local', 'cluster.local'],
      options: ['ndots:5'],
    });
    expect(podResolver('prod', undefined, 'ClusterFirst').servers).toEqual(['127.0.0.1']);
  });
});

describe('endpoints', () => {
  it('select running pods by label, sorted by address', () => {
    const pods = [pod('b', '10.1.2.5', { run: 'my-nginx' }), pod('a', '10.1.1.4', { run: 'my-nginx' }), pod('x', '10.1.1.9', { run: 'other' })];
    expect(serviceEndpoints(MY_NGINX, pods, [])).toEqual([[{ ip: '10.1.1.4', port: 80 }, { ip: '10.1.2.5', port: 80 }]]);
  });

  it('resolve a named targetPort against each pod\'s container ports', () => {
    const service = { ...MY_NGINX, ports: [{ name: 'http', protocol: 'TCP' as const, port: 80, targetPort: 'web' }] };
    const pods = [pod('a', '10.1.1.4', { run: 'my-nginx' }, [{ name: 'web', containerPort: 8080, protocol: 'TCP' }]), pod('b', '10.1.1.5', { run: 'my-nginx' })];
    expect(serviceEndpoints(service, pods, [])).toEqual([[{ ip: '10.1.1.4', port: 8080 }]]);
  });

  it('take hand-written Endpoints for a selector-less service (seed 004 mysql-production)', () => {
    const service: ServicePlan = { namespace: 'default', name: 'mysql-production', type: 'ClusterIP', clusterIP: '10.254.0.20', ports: [{ name: '', protocol: 'TCP', port: 3306, targetPort: 3306 }] };
    const manual = [{ namespace: 'default', name: 'mysql-production', subsets: [{ addresses: [{ ip: '10.1.3.7' }], ports: [{ port: 3306, protocol: 'TCP' as const }] }] }];
    expect(serviceEndpoints(service, [], manual)).toEqual([[{ ip: '10.1.3.7', port: 3306 }]]);
    expect(proxyInput([service], [], manual, '10.1.0.0/16').services[0]!.ports[0]!.endpoints).toHaveLength(1);
  });

  it('are empty when the selector matches nothing (seed 004 bad selector)', () => {
    const pods = [pod('a', '10.1.1.4', { app: 'iskey_nginx' })];
    expect(serviceEndpoints({ ...MY_NGINX, selector: { app: 'nginx' } }, pods, [])).toEqual([[]]);
  });
});
