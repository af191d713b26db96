// Services on a small lab (busybox web servers): kube-proxy's chain names as the formula gives
// them, computed here independently; ClusterIP answers TCP but not ping; NodePorts on every
// node; a service without endpoints refuses at once; env vars and get svc/ep.
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FIXTURES, inNode, inPod, labResources, nodeIP, podlab, podlabOk, pods, services } from './helpers.js';

const LAB = 'e2e-pods-smoke';

/** base32(sha256(text)) first 16 chars, written from the RFC, not from podlab's renderer. */
function chainHash(text: string): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  const bits = [...createHash('sha256').update(text).digest()].map((byte) => byte.toString(2).padStart(8, '0')).join('');
  let out = '';
  for (let i = 0; i < 80; i += 5) out += alphabet[parseInt(bits.slice(i, i + 5), 2)];
  return out;
}

describe('services on a dind lab', () => {
  beforeAll(async () => {
    await podlab('down', LAB);
    await podlabOk('up', join(FIXTURES, 'labs', 'pods-smoke'));
  });
  afterAll(async () => {
    await podlab('down', LAB);
    expect(await labResources(LAB)).toEqual([]);
  });

  it('writes KUBE-SVC/KUBE-SEP chains named by the formula, with 1/(n-i) probabilities', async () => {
    const web = (await services(LAB)).find((service) => service.name === 'web')!;
    const endpoints = web.endpoints[0]!;
    expect(endpoints).toHaveLength(3);
    const nat = (await inNode(LAB, 'node1', 'iptables-save -t nat')).stdout;
    const svc = `KUBE-SVC-${chainHash('default/web:httptcp')}`;
    expect(nat).toContain(`-A KUBE-SERVICES -d ${web.clusterIP}/32 -p tcp -m comment --comment "default/web:http cluster IP" -m tcp --dport 8080 -j ${svc}`);
    const seps = endpoints.map((endpoint) => `KUBE-SEP-${chainHash(`default/web:httptcp${endpoint.ip}:${endpoint.port}`)}`);
    expect(nat).toContain(`-A ${svc} -m comment --comment "default/web:http" -m statistic --mode random --probability 0.33333333349 -j ${seps[0]}`);
    expect(nat).toContain(`-A ${svc} -m comment --comment "default/web:http" -m statistic --mode random --probability 0.50000000000 -j ${seps[1]}`);
    expect(nat).toContain(`-A ${svc} -m comment --comment "default/web:http" -j ${seps[2]}`);
    for (const [index, endpoint] of endpoints.entries()) {
      expect(nat).toContain(`-A ${seps[index]} -p tcp -m comment --comment "default/web:http" -m tcp -j DNAT --to-destination ${endpoint.ip}:${endpoint.port}`);
    }
    // The same rules on every node.
    expect((await inNode(LAB, 'node2', 'iptables-save -t nat')).stdout).toContain(`-j ${seps[2]}`);
  });

  it('answers TCP on the ClusterIP from a pod on either node but never ping', async () => {
    const web = (await services(LAB)).find((service) => service.name === 'web')!;
    const tcp = await inPod(LAB, 'client', `printf 'GET / HTTP/1.0\\r\\n\\r\\n' | nc -w 3 ${web.clusterIP} 8080`);
    expect(tcp.stdout).toMatch(/web-[a-z0-9]{5}/);
    const ping = await inPod(LAB, 'client', `ping -c 2 -W 1 ${web.clusterIP}`);
    expect(ping.exitCode).not.toBe(0);
    expect(ping.stdout).toContain('100% packet loss');
  });

  it('answers the NodePort on every node\'s underlay address, from the host', async () => {
    for (const node of ['node1', 'node2']) {
      const response = await fetch(`http://${await nodeIP(LAB, node)}:30080/`, { signal: AbortSignal.timeout(3000) });
      expect(await response.text()).toMatch(/web-[a-z0-9]{5}/);
    }
  });

  it('refuses at once when a service has no endpoints', async () => {
    const nobody = (await services(LAB)).find((service) => service.name === 'nobody')!;
    expect(nobody.endpoints).toEqual([[]]);
    const started = Date.now();
    const result = await inPod(LAB, 'client', `nc -w 5 ${nobody.clusterIP} 80 </dev/null; echo exit=$?`);
    expect(Date.now() - started).toBeLessThan(2500);
    expect(result.stdout + result.stderr).toMatch(/refused/i);
    expect((await inNode(LAB, 'node1', 'iptables-save -t filter')).stdout).toContain('"default/nobody: has no endpoints"');
  });

  it('injects service env vars into pods created after the service', async () => {
    const web = (await services(LAB)).find((service) => service.name === 'web')!;
    const env = (await inPod(LAB, 'client', 'env')).stdout;
    expect(env).toContain(`WEB_SERVICE_HOST=${web.clusterIP}`);
    expect(env).toContain('WEB_SERVICE_PORT_HTTP=8080');
    expect(env).toContain(`WEB_PORT_8080_TCP=tcp://${web.clusterIP}:8080`);
  });

  it('lists pods, services and endpoints kubectl-style', async () => {
    const rows = await pods(LAB);
    expect(rows.filter((pod) => pod.owner === 'Deployment/web').map((pod) => pod.node).sort()).toEqual(['node1', 'node1', 'node2'].sort());
    const table = (await podlabOk('get', LAB, 'svc')).stdout;
    expect(table).toMatch(/default\s+web\s+NodePort\s+10\.254\.0\.\d+\s+8080:30080\/TCP/);
    expect((await podlabOk('get', LAB, 'ep')).stdout).toMatch(/default\s+nobody\s+<none>/);
  });
});
