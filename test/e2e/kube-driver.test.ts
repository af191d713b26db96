// driver: kube end to end. A cluster made by the kind driver stands in for "any existing cluster":
// podlab then reaches it only through a kubeconfig and an explicit context. The guestbook (its
// assertions that hold on any cluster) passes with the admin kubeconfig and with a ServiceAccount
// bound to exactly deploy/rbac/podlab-role.yaml; an unlabelled Service the lab would create makes
// `up` exit 2 and stays byte-for-byte as it was; after down and after Ctrl-C nothing labelled is left.
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureToolchain } from '../../src/images/toolchain.js';
import { FIXTURES, podlab, podlabOk, ROOT } from './helpers.js';

const work = mkdtempSync(join(tmpdir(), 'podlab-kube-'));
// Names of this run's own: two runs of this file at once (two checkouts, one engine) must not
// share a cluster or a lab.
const RUN = String(process.pid % 100000);
const CLUSTER = `e2e-kube-c${RUN}`;
const LAB = `e2e-kube-gb${RUN}`;
const CLUSTER_FILE = renamedFixture('kube-cluster', 'e2e-kube-cluster', CLUSTER);
const FILE = renamedFixture('kube-guestbook', 'e2e-kube-guestbook', LAB);
const CONTEXT = `kind-${CLUSTER}`;

/** A copy of a fixture lab under another name. */
function renamedFixture(dir: string, name: string, renamed: string): string {
  const copy = join(work, dir);
  cpSync(join(FIXTURES, 'labs', dir), copy, { recursive: true });
  const file = join(copy, 'lab.yaml');
  writeFileSync(file, readFileSync(file, 'utf8').replace(`name: ${name}\n`, `name: ${renamed}\n`));
  return file;
}
const IMAGES = ['podlab/redis-master', 'podlab/guestbook-redis-slave', 'podlab/guestbook-php-frontend', 'podlab/probe'];
const EVERYTHING = 'deployments.apps,replicasets.apps,replicationcontrollers,pods,services,endpoints,configmaps,namespaces,endpointslices.discovery.k8s.io';

let kubeconfig = '';
let tools: Map<string, string>;

/** kubectl as the cluster's admin. */
async function admin(args: string[], stdin?: string) {
  return execa(tools.get('kubectl')!, ['--kubeconfig', kubeconfig, '--context', CONTEXT, ...args], { reject: false, input: stdin });
}

/** Every object in the cluster carrying the lab's label. */
async function labelled(lab: string): Promise<string[]> {
  const result = await admin(['get', EVERYTHING, '-A', '-l', `podlab.lab=${lab}`, '-o', 'name']);
  expect(result.exitCode, result.stderr).toBe(0);
  return result.stdout.split('\n').filter(Boolean);
}

const on = (config: string, context: string) => ['--kubeconfig', config, '--context', context];

describe('driver: kube', () => {
  beforeAll(async () => {
    tools = await ensureToolchain();
    await podlabOk('up', CLUSTER_FILE, '--driver', 'kind');
    kubeconfig = (await podlabOk('kubeconfig', CLUSTER)).stdout.trim();
    // Nothing can be pulled here: the images the lab and its probes use go into the nodes first
    // (the lab's pods and podlab's probes use IfNotPresent, kube's default pull policy).
    const loaded = await execa(tools.get('kind')!, ['load', 'docker-image', ...IMAGES, '--name', CLUSTER], { reject: false, all: true });
    expect(loaded.exitCode, loaded.all).toBe(0);
  }, 900_000);

  afterAll(async () => {
    await podlab('down', LAB, '--driver', 'kube', ...on(kubeconfig, CONTEXT));
    await podlab('down', CLUSTER);
  }, 300_000);

  it('refuses what it cannot own there, naming the field, and a missing context', async () => {
    const noContext = await podlab('up', FILE, '--kubeconfig', kubeconfig);
    expect(noContext.exitCode).toBe(2);
    expect(noContext.stderr).toMatch(/kube\.context: name the cluster's context explicitly/);
    const network = await podlab('up', 'guestbook', '--variant', 'flannel-udp', '--driver', 'kube', ...on(kubeconfig, CONTEXT));
    expect(network.exitCode).toBe(2);
    expect(network.stderr).toMatch(/variants\.flannel-udp\.network\.flannel\.config: .*does not own .*\(driver kube\)/);
    expect(await labelled(LAB)).toEqual([]);
  });

  it('--dry-run names the cluster and what up would create, and creates nothing', async () => {
    const result = await podlabOk('up', FILE, '--dry-run', ...on(kubeconfig, CONTEXT));
    expect(result.stdout).toMatch(new RegExp(`^cluster https://127\\.0\\.0\\.1:\\d+ \\(context ${CONTEXT}`));
    expect(result.stdout).toMatch(new RegExp(`node node1 is cluster node ${CLUSTER}-worker\n`));
    expect(result.stdout).toMatch(/would create Service default\/frontend/);
    expect(await labelled(LAB)).toEqual([]);
  });

  it('runs the guestbook\'s assertions with the admin kubeconfig; down leaves nothing labelled', { timeout: 600_000 }, async () => {
    const junit = join(work, 'admin.junit.xml');
    const result = await podlab('run', FILE, ...on(kubeconfig, CONTEXT), '--junit', junit);
    expect(result.exitCode, result.stdout + result.stderr).toBe(0);
    expect(result.stdout).toMatch(/cluster https:\/\/127\.0\.0\.1:\d+/);
    expect(result.stdout).toMatch(/10 passed, 0 failed/);
    expect(await labelled(LAB)).toEqual([]);
  });

  it('runs with a ServiceAccount bound to exactly the minimal RBAC', { timeout: 600_000 }, async () => {
    const role = await admin(['apply', '-f', join(ROOT, 'deploy', 'rbac', 'podlab-role.yaml')]);
    expect(role.exitCode, role.stderr).toBe(0);
    await admin(['-n', 'kube-system', 'create', 'serviceaccount', 'podlab-e2e']);
    await admin(['create', 'clusterrolebinding', 'podlab-e2e', '--clusterrole=podlab', '--serviceaccount=kube-system:podlab-e2e']);
    try {
      const token = (await admin(['-n', 'kube-system', 'create', 'token', 'podlab-e2e', '--duration=1h'])).stdout.trim();
      const server = (await admin(['config', 'view', '--minify', '-o', 'jsonpath={.clusters[0].cluster.server}'])).stdout.trim();
      const ca = (await admin(['config', 'view', '--minify', '--raw', '-o', 'jsonpath={.clusters[0].cluster.certificate-authority-data}'])).stdout.trim();
      const config = join(work, 'sa.kubeconfig');
      writeFileSync(
        config,
        JSON.stringify({
          apiVersion: 'v1',
          kind: 'Config',
          clusters: [{ name: 'c', cluster: { server, 'certificate-authority-data': ca } }],
          users: [{ name: 'podlab-e2e', user: { token } }],
          contexts: [{ name: 'podlab-sa', context: { cluster: 'c', user: 'podlab-e2e' } }],
        }),
      );
      // The identity really is that narrow.
      const secrets = await execa(tools.get('kubectl')!, ['--kubeconfig', config, '--context', 'podlab-sa', 'auth', 'can-i', 'list', 'secrets', '-A'], { reject: false });
      expect(secrets.stdout.trim()).toBe('no');
      const result = await podlab('run', FILE, ...on(config, 'podlab-sa'));
      expect(result.exitCode, result.stdout + result.stderr).toBe(0);
      expect(result.stdout).toMatch(/10 passed, 0 failed/);
      expect(await labelled(LAB)).toEqual([]);
    } finally {
      await admin(['delete', 'clusterrolebinding', 'podlab-e2e', '--ignore-not-found']);
      await admin(['-n', 'kube-system', 'delete', 'serviceaccount', 'podlab-e2e', '--ignore-not-found']);
      await admin(['delete', 'clusterrole', 'podlab', '--ignore-not-found']);
    }
  });

  it('an unlabelled Service the lab would create: up exits 2, creates nothing, leaves it byte-for-byte', { timeout: 120_000 }, async () => {
    const service = { apiVersion: 'v1', kind: 'Service', metadata: { name: 'redis-slave', namespace: 'default' }, spec: { ports: [{ port: 6379 }], selector: { app: 'theirs' } } };
    expect((await admin(['create', '-f', '-'], JSON.stringify(service))).exitCode).toBe(0);
    try {
      const before = (await admin(['-n', 'default', 'get', 'service', 'redis-slave', '-o', 'json'])).stdout;
      const result = await podlab('up', FILE, ...on(kubeconfig, CONTEXT));
      expect(result.exitCode, result.stdout + result.stderr).toBe(2);
      expect(result.stderr).toMatch(/Service default\/redis-slave exists already without podlab's label/);
      expect((await admin(['-n', 'default', 'get', 'service', 'redis-slave', '-o', 'json'])).stdout).toBe(before);
      expect(await labelled(LAB)).toEqual([]);
    } finally {
      await admin(['-n', 'default', 'delete', 'service', 'redis-slave', '--ignore-not-found']);
    }
  });

  it('Ctrl-C while up creates the lab\'s objects leaves nothing labelled', { timeout: 300_000 }, async () => {
    const child = execa('node', [join(ROOT, 'bin', 'podlab.js'), 'up', FILE, ...on(kubeconfig, CONTEXT)], { reject: false, env: { CI: 'true' } });
    let seen: string[] = [];
    for (let waited = 0; waited < 240 && !seen.some((name) => name.startsWith('replicationcontroller/')); waited++) {
      await new Promise((resolve) => setTimeout(resolve, 250));
      seen = await labelled(LAB);
    }
    expect(seen.some((name) => name.startsWith('replicationcontroller/')), 'up created a controller before the interrupt').toBe(true);
    child.kill('SIGINT');
    const result = await child;
    expect(result.exitCode, result.stdout + result.stderr).toBe(130);
    expect(await labelled(LAB)).toEqual([]);
  });
});
