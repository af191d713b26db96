// podlab's model of Kubernetes against the real thing: the guestbook up on dind (the model) and on
// kind (real kubelet, kube-proxy, CoreDNS), compared on what both must agree on — the service
// variables a pod sees, the kube-proxy chain name of every service port, the shape of DNS
// answers, and every assertion's outcome. Where they legitimately differ, the test says how.
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serviceChain } from '../../src/net/kube-proxy.js';
import { podlab, podlabOk, ROOT, services } from './helpers.js';

const DIND = 'e2e-model-dind';
const KIND = 'e2e-model-kind';

/** The guestbook under another name, so that both drivers can run it at once. */
function guestbookNamed(name: string): string {
  const dir = mkdtempSync(join(tmpdir(), `podlab-${name}-`));
  cpSync(join(ROOT, 'labs', 'guestbook'), dir, { recursive: true });
  const file = join(dir, 'lab.yaml');
  writeFileSync(file, readFileSync(file, 'utf8').replace(/^name: guestbook$/m, `name: ${name}`));
  return file;
}

/** NAME=VALUE lines of the service variables (…_SERVICE_HOST, …_PORT_…) a pod was started with. */
async function serviceVariables(lab: string): Promise<Map<string, string>> {
  const result = await podlabOk('exec', lab, 'pod/frontend', '--', 'env');
  const variables = new Map<string, string>();
  for (const line of result.stdout.split('\n')) {
    const match = /^([A-Z0-9_]+_(?:SERVICE_HOST|SERVICE_PORT\w*|PORT\w*))=(.*)$/.exec(line.trim());
    if (match && !match[1]!.startsWith('KUBERNETES_')) variables.set(match[1]!, match[2]!);
  }
  return variables;
}

describe('model against the real thing (guestbook on dind and on kind)', () => {
  let dindFile = '';
  let kindFile = '';

  beforeAll(async () => {
    dindFile = guestbookNamed(DIND);
    kindFile = guestbookNamed(KIND);
    await podlabOk('up', dindFile);
    await podlabOk('up', kindFile, '--driver', 'kind');
  }, 900_000);

  afterAll(async () => {
    await Promise.all([podlab('down', DIND), podlab('down', KIND)]);
  });

  it('pods see the model\'s service variables (names and ports; the addresses are each cluster\'s own)', async () => {
    const [model, real] = await Promise.all([serviceVariables(DIND), serviceVariables(KIND)]);
    // The model injects the services that existed when the pod was created; the real kubelet
    // those that exist when it starts the container, a few seconds later: the frontend, created
    // just before its own Service, sees FRONTEND_* on a real cluster. So the model's set is a
    // subset, never a different one.
    expect(model.size).toBeGreaterThan(0);
    expect([...real.keys()]).toEqual(expect.arrayContaining([...model.keys()]));
    expect([...real.keys()].filter((name) => !model.has(name)).every((name) => /^(FRONTEND|REDIS_SLAVE)_/.test(name))).toBe(true);
    for (const [name, value] of model) {
      if (/_HOST$/.test(name) || /_PORT$/.test(name) || /_ADDR$/.test(name) || /^[A-Z0-9_]+_PORT_\d+_TCP$/.test(name)) continue;
      expect(real.get(name), name).toBe(value);
    }
  });

  it('kube-proxy names every service port\'s chain as podlab computes it', async () => {
    const saved = await execa('docker', ['exec', `${KIND}-worker`, 'iptables-save', '-t', 'nat']);
    const chains = new Set(saved.stdout.split('\n').filter((line) => line.startsWith(':KUBE-SVC-')).map((line) => line.slice(1).split(' ')[0]));
    type Listed = { namespace: string; name: string; ports: Array<{ name: string; protocol: 'TCP' | 'UDP' }> };
    for (const service of (await services(KIND)) as unknown as Listed[]) {
      if (service.namespace !== 'default' || service.name === 'kubernetes') continue;
      for (const port of service.ports) {
        // Real kube-proxy names an unnamed port "ns/name"; the seeds' era (and the model's
        // rules) wrote "ns/name:". The hash is the same function either way.
        const spn = `${service.namespace}/${service.name}${port.name ? `:${port.name}` : ''}`;
        expect(chains, `${spn} ${port.protocol}`).toContain(serviceChain(spn, port.protocol));
      }
    }
  });

  it('DNS answers a service name with its ClusterIP on both', async () => {
    for (const lab of [DIND, KIND]) {
      const master = (await services(lab)).find((service) => service.name === 'redis-master')!;
      const answer = await podlabOk('exec', lab, 'pod/frontend', '--', 'getent', 'hosts', 'redis-master');
      expect(answer.stdout.trim().split(/\s+/)[0], lab).toBe(master.clusterIP);
      expect(answer.stdout, lab).toMatch(/redis-master\.default\.svc\.cluster\.local/);
    }
  });

  it('every assertion has the same outcome on both', async () => {
    const outcomes = async (lab: string) => {
      const report = join(mkdtempSync(join(tmpdir(), 'podlab-report-')), 'report.json');
      await podlab('test', lab, '--json', report);
      const json = JSON.parse(readFileSync(report, 'utf8')) as { labs: Array<{ results: Array<{ name: string; status: string }> }> };
      return json.labs[0]!.results.map((result) => `${result.status} ${result.name}`);
    };
    const [model, real] = await Promise.all([outcomes(DIND), outcomes(KIND)]);
    expect(real).toEqual(model);
    expect(model.every((line) => /^(PASS|XFAIL) /.test(line))).toBe(true);
  });
});
