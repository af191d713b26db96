// The bundled example labs end to end, from their ordinary manifests: the guestbook (seed 003),
// mysql + myweb (seed 000) with and without cluster DNS, and nginx behind a service (seed 004).
import { afterAll, describe, expect, it } from 'vitest';
import { retryUntil } from '../../src/util/retry.js';
import { inPod, labResources, nodeIP, podlab, podlabOk, pods, services } from './helpers.js';

async function httpText(url: string): Promise<string> {
  const response = await fetch(url, { signal: AbortSignal.timeout(5000) });
  return response.text();
}

/** Retries a check until it passes: apps need a few seconds after their pods start. */
async function eventually<T>(what: string, check: () => Promise<T | undefined>, timeoutMs = 60_000): Promise<T> {
  return retryUntil(what, async () => check().catch(() => undefined), { timeoutMs, intervalMs: 500, maxIntervalMs: 1000 });
}

describe('labs/guestbook', () => {
  afterAll(async () => {
    await podlab('down', 'guestbook');
    expect(await labResources('guestbook')).toEqual([]);
  });

  it('writes through node1:30001, reads back through node2:30001 and from every slave', async () => {
    await podlabOk('up', 'guestbook');
    const [ip1, ip2] = [await nodeIP('guestbook', 'node1'), await nodeIP('guestbook', 'node2')];
    const set = await eventually('frontend answers set', async () => {
      const text = await httpText(`http://${ip1}:30001/guestbook.php?cmd=set&key=messages&value=hello`);
      return text.includes('Updated') ? text : undefined;
    });
    expect(set).toContain('Updated');
    const got = await eventually('frontend on node2 reads hello', async () => {
      const text = await httpText(`http://${ip2}:30001/guestbook.php?cmd=get&key=messages`);
      return text.includes('hello') ? text : undefined;
    });
    expect(JSON.parse(got)).toEqual({ data: 'hello' });

    const all = await pods('guestbook');
    const slaves = all.filter((pod) => pod.owner === 'ReplicationController/redis-slave');
    expect(slaves.map((pod) => pod.node).sort()).toEqual(['node1', 'node2']);
    for (const slave of slaves) {
      const value = await eventually(`${slave.name} has the data`, async () => {
        const result = await inPod('guestbook', slave.name, 'redis-cli get messages');
        return result.stdout.trim() === 'hello' ? result.stdout.trim() : undefined;
      });
      expect(value).toBe('hello');
    }

    const master = (await services('guestbook')).find((service) => service.name === 'redis-master')!;
    const frontend = all.find((pod) => pod.owner === 'ReplicationController/frontend')!;
    expect((await inPod('guestbook', frontend.name, 'env')).stdout).toContain(`REDIS_MASTER_SERVICE_HOST=${master.clusterIP}`);
  });
});

describe('labs/mysql-myweb', () => {
  afterAll(async () => {
    await podlab('down', 'mysql-myweb');
  });

  it('shows the rows myweb created through the mysql service, found by cluster DNS', async () => {
    await podlabOk('up', 'mysql-myweb');
    const ip = await nodeIP('mysql-myweb', 'node2');
    const page = await eventually('myweb shows the rows', async () => {
      const text = await httpText(`http://${ip}:30001/`);
      return text.includes('Congratulations') ? text : undefined;
    }, 90_000);
    expect(page).not.toContain('Error:');
  });

  it('without cluster DNS shows the connection error, while mysql\'s ClusterIP:3306 still answers', async () => {
    await podlabOk('up', 'mysql-myweb', '--variant', 'no-dns');
    const ip = await nodeIP('mysql-myweb', 'node1');
    const page = await eventually('myweb shows an error', async () => {
      const text = await httpText(`http://${ip}:30001/`);
      return text.includes('Error:') ? text : undefined;
    }, 90_000);
    expect(page).not.toContain('Congratulations');
    const mysql = (await services('mysql-myweb')).find((service) => service.name === 'mysql')!;
    const myweb = (await pods('mysql-myweb')).find((pod) => pod.owner === 'ReplicationController/myweb')!;
    const tcp = await eventually('mysql ClusterIP answers TCP', async () => {
      const result = await inPod('mysql-myweb', myweb.name, `timeout 3 bash -c '</dev/tcp/${mysql.clusterIP}/3306' && echo open`);
      return result.stdout.includes('open') ? result.stdout : undefined;
    });
    expect(tcp).toContain('open');
  });
});

describe('labs/nginx-service', () => {
  afterAll(async () => {
    await podlab('down', 'nginx-service');
  });

  async function spread(): Promise<Map<string, number>> {
    const nginx = (await services('nginx-service')).find((service) => service.name === 'my-nginx')!;
    await eventually('nginx answers', async () => ((await inPod('nginx-service', 'client', `curl -sf -m 2 http://${nginx.clusterIP}:8125/hostname`)).exitCode === 0 ? true : undefined));
    const result = await inPod('nginx-service', 'client', `for i in $(seq 300); do curl -s -m 2 http://${nginx.clusterIP}:8125/hostname; done`);
    const counts = new Map<string, number>();
    for (const line of result.stdout.split('\n').filter(Boolean)) counts.set(line, (counts.get(line) ?? 0) + 1);
    return counts;
  }

  it('spreads 300 requests over all 3 backends, each between 20% and 47%', async () => {
    await podlabOk('up', 'nginx-service');
    const counts = await spread();
    expect([...counts.values()].reduce((a, b) => a + b, 0)).toBe(300);
    expect(counts.size).toBe(3);
    for (const count of counts.values()) {
      expect(count).toBeGreaterThanOrEqual(60);
      expect(count).toBeLessThanOrEqual(141);
    }
  });

  it('resolves service names through cluster DNS, and NXDOMAIN for unknown ones', async () => {
    const nginx = (await services('nginx-service')).find((service) => service.name === 'my-nginx')!;
    expect((await inPod('nginx-service', 'client', 'dig +short +search my-nginx')).stdout.trim()).toBe(nginx.clusterIP);
    expect((await inPod('nginx-service', 'client', 'dig +short my-nginx.default.svc.cluster.local')).stdout.trim()).toBe(nginx.clusterIP);
    expect((await inPod('nginx-service', 'client', 'dig nope.default.svc.cluster.local')).stdout).toContain('NXDOMAIN');
  });

  it('forwards the selector-less mysql-production service to its hand-written endpoint', async () => {
    const mysql = (await services('nginx-service')).find((service) => service.name === 'mysql-production')!;
    expect(mysql.endpoints).toEqual([[{ ip: '172.31.250.2', port: 2379 }]]);
    const result = await inPod('nginx-service', 'client', `curl -s -m 3 http://${mysql.clusterIP}:3306/version`);
    expect(result.stdout).toContain('etcdserver');
  });

  it('with sessionAffinity ClientIP sends all 300 requests to one backend', async () => {
    await podlabOk('up', 'nginx-service', '--variant', 'affinity');
    const counts = await spread();
    expect([...counts.values()]).toEqual([300]);
  });
});
