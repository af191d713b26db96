import { describe, expect, it } from 'vitest';
import { LabFileError } from '../../../src/errors.js';
import { planCluster, substitute, type ClusterOptions } from '../../../src/k8s/cluster-plan.js';
import { loadManifests, parseManifests } from '../../../src/k8s/manifests.js';
import { loadLab } from '../../../src/lab/load.js';

function seeded(seed = 1): () => number {
  let state = seed;
  return () => ((state = (state * 16807) % 2147483647) - 1) / 2147483646;
}

const TWO_NODES: ClusterOptions = {
  nodes: [{ name: 'node1', labels: {} }, { name: 'node2', labels: { zone: 'b' } }],
  serviceCIDR: '10.254.0.0/16',
  dns: true,
  images: {},
  random: seeded(),
};

describe('cluster plan', () => {
  const lab = loadLab('guestbook');
  const plan = planCluster(loadManifests(lab), { ...TWO_NODES, images: lab.images });

  it('adds cluster DNS at .10 with its pod on the first node', () => {
    expect(plan.dnsIP).toBe('10.254.0.10');
    expect(plan.services[0]).toMatchObject({ namespace: 'kube-system', name: 'kube-dns', clusterIP: '10.254.0.10' });
    expect(plan.pods[0]).toMatchObject({ namespace: 'kube-system', node: 'node1', labels: { 'k8s-app': 'kube-dns' } });
  });

  it('names replicas <controller>-<5 chars>, spreads them round robin and substitutes images', () => {
    const frontends = plan.pods.filter((pod) => pod.owner?.name === 'frontend');
    expect(frontends).toHaveLength(3);
    for (const pod of frontends) expect(pod.name).toMatch(/^frontend-[a-z0-9]{5}$/);
    const slaves = plan.pods.filter((pod) => pod.owner?.name === 'redis-slave');
    expect(new Set(slaves.map((pod) => pod.node))).toEqual(new Set(['node1', 'node2']));
    expect(frontends[0]!.containers[0]!.image).toBe('podlab/guestbook-php-frontend');
    expect(plan.pods.find((pod) => pod.owner?.name === 'redis-master')!.labels).toEqual({ name: 'redis-master' });
  });

  it('hands out ClusterIPs after the DNS address and honours an explicit NodePort', () => {
    expect(plan.services.map((service) => [service.name, service.clusterIP])).toEqual([
      ['kube-dns', '10.254.0.10'],
      ['redis-master', '10.254.0.11'],
      ['redis-slave', '10.254.0.12'],
      ['frontend', '10.254.0.13'],
    ]);
    expect(plan.services[3]!.ports[0]).toEqual({ name: '', protocol: 'TCP', port: 80, targetPort: 80, nodePort: 30001 });
  });

  it('injects env vars only for services created before the pod (seed 003 order)', () => {
    const names = (owner: string) => plan.pods.find((pod) => pod.owner?.name === owner)!.containers[0]!.env.map((env) => env.name);
    expect(names('redis-master')).not.toContain('REDIS_MASTER_SERVICE_HOST');
    expect(names('redis-slave')).toContain('REDIS_MASTER_SERVICE_HOST');
    expect(names('redis-slave')).not.toContain('REDIS_SLAVE_SERVICE_HOST');
    expect(names('frontend')).toEqual(expect.arrayContaining(['REDIS_MASTER_SERVICE_HOST', 'REDIS_SLAVE_SERVICE_HOST', 'GET_HOSTS_FROM']));
    const slaveEnv = plan.pods.find((pod) => pod.owner?.name === 'redis-slave')!.containers[0]!.env;
    expect(slaveEnv).toContainEqual({ name: 'REDIS_MASTER_SERVICE_HOST', value: '10.254.0.11' });
    expect(slaveEnv).toContainEqual({ name: 'GET_HOSTS_FROM', value: 'env' });
  });

  it('lets a manifest variable win over an injected one (seed 000: MYSQL_SERVICE_HOST=mysql)', () => {
    const myweb = loadLab('mysql-myweb');
    const pods = planCluster(loadManifests(myweb), { ...TWO_NODES, images: myweb.images }).pods;
    const env = pods.find((pod) => pod.owner?.name === 'myweb')!.containers[0]!.env;
    expect(env.filter((variable) => variable.name === 'MYSQL_SERVICE_HOST')).toEqual([{ name: 'MYSQL_SERVICE_HOST', value: 'mysql' }]);
    expect(env).toContainEqual({ name: 'MYSQL_PORT_3306_TCP_ADDR', value: '10.254.0.11' });
    expect(pods.find((pod) => pod.owner?.name === 'myweb')!.containers[0]!.image).toBe('podlab/tomcat-app');
  });

  it('honours nodeName and nodeSelector, and says when nothing matches', () => {
    const text = (spec: string) =>
      `apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n${spec}\n  containers: [{name: c, image: i}]\n`;
    expect(planCluster(parseManifests('/m.yaml', text('  nodeName: node2')), { ...TWO_NODES, dns: false }).pods[0]!.node).toBe('node2');
    expect(planCluster(parseManifests('/m.yaml', text('  nodeSelector: {zone: b}')), { ...TWO_NODES, dns: false }).pods[0]!.node).toBe('node2');
    expect(planCluster(parseManifests('/m.yaml', text('  nodeSelector: {kubernetes.io/hostname: node1}')), { ...TWO_NODES, dns: false }).pods[0]!.node).toBe('node1');
    expect(() => planCluster(parseManifests('/m.yaml', text('  nodeSelector: {zone: c}')), TWO_NODES)).toThrow(/5:\d+: spec.nodeSelector: matches no node/);
    expect(() => planCluster(parseManifests('/m.yaml', text('  nodeName: node9')), TWO_NODES)).toThrow(/no node "node9" in this lab/);
  });

  it('rejects a clusterIP outside the service CIDR or already taken', () => {
    const svc = (ip: string) => `apiVersion: v1\nkind: Service\nmetadata: {name: s}\nspec:\n  clusterIP: ${ip}\n  ports: [{port: 80}]\n`;
    expect(() => planCluster(parseManifests('/m.yaml', svc('10.0.0.5')), TWO_NODES)).toThrow(LabFileError);
    expect(() => planCluster(parseManifests('/m.yaml', svc('10.254.0.10')), TWO_NODES)).toThrow(/taken by the cluster DNS service/);
    expect(planCluster(parseManifests('/m.yaml', svc('10.254.9.9')), TWO_NODES).services[1]!.clusterIP).toBe('10.254.9.9');
  });

  it('substitutes images exactly, then without the tag', () => {
    expect(substitute('kubeguide/tomcat-app:v1', { 'kubeguide/tomcat-app': 'podlab/tomcat-app' })).toBe('podlab/tomcat-app');
    expect(substitute('mysql:5.7', { 'mysql:5.7': 'podlab/mysql57', mysql: 'podlab/mysql' })).toBe('podlab/mysql57');
    expect(substitute('redis', {})).toBe('redis');
  });
});
