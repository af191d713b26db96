// Issue 9's acceptance: a plain kind cluster (1 control plane, 2 workers, kind's CNI off) on
// podlab/kind-node, entirely offline. The cluster gets a Docker network of its own (a plain
// bridge: kind publishes the API server's port) with a host DOCKER-USER rule dropping whatever
// would leave that bridge for another interface, and an etcd of its own holding flannel's
// config; flannel comes from podlab's manifest. Then: every node and CoreDNS Ready, pods on the
// two workers ping each other across nodes, the server is the pinned version, and no pod ever
// tried to pull an image. Deleting everything must leave nothing behind.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Docker from 'dockerode';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderFlannelManifest } from '../../src/drivers/kind/flannel-manifest.js';
import { ensureImage } from '../../src/images/build.js';
import { imageSpec } from '../../src/images/catalog.js';
import { kindFlannelTag, kindNodeTag } from '../../src/images/kind-catalog.js';
import { ensureToolchain, pinnedVersions } from '../../src/images/toolchain.js';
import { requireEngine } from './engine-guard.js';

requireEngine();

const docker = new Docker();
const TEST_LABEL = 'podlab.test=kind-cluster';
const id = randomBytes(3).toString('hex');
const CLUSTER = `podlab-kt-${id}`;
const NETWORK = `podlab-kt-${id}`;
const ETCD = `podlab-kt-${id}-etcd`;
const RULE_COMMENT = `${TEST_LABEL}:${id}`;
const FLANNEL_PREFIX = '/podlab/network';
const POD_NETWORK = '10.244.0.0/16'; // kind's default podSubnet: kube-proxy's idea of the cluster CIDR
const work = mkdtempSync(join(tmpdir(), 'podlab-kind-test-'));
const kubeconfig = join(work, 'kubeconfig');
const MINUTE = 60_000;

let kind = 'kind';
let kubectlPath = 'kubectl';
let bridge = '';
let etcdEndpoint = '';
/** Every waiting reason a container showed while the test watched, by pod. */
const waitingReasons = new Map<string, Set<string>>();
let watcher: ReturnType<typeof setInterval> | undefined;
const timings: Record<string, string> = {};

async function run(command: string, args: string[], options: { input?: string; env?: Record<string, string> } = {}) {
  const result = await execa(command, args, { reject: false, all: true, ...options });
  return { exitCode: result.exitCode ?? -1, stdout: result.stdout, all: result.all ?? '' };
}

async function must(command: string, args: string[], options: { input?: string; env?: Record<string, string> } = {}): Promise<string> {
  const result = await run(command, args, options);
  if (result.exitCode !== 0) throw new Error(`${command} ${args.join(' ')} exited ${result.exitCode}\n${result.all}`);
  return result.stdout;
}

const kubectl = (...args: string[]) => must(kubectlPath, ['--kubeconfig', kubeconfig, ...args]);
const kubectlIn = (input: string, ...args: string[]) => must(kubectlPath, ['--kubeconfig', kubeconfig, ...args], { input });

const dropRule = () => ['DOCKER-USER', '-i', bridge, '!', '-o', bridge, '-m', 'comment', '--comment', RULE_COMMENT, '-j', 'DROP'];

async function recordWaitingReasons(): Promise<void> {
  const result = await run(kubectlPath, ['--kubeconfig', kubeconfig, 'get', 'pods', '-A', '-o', 'json']);
  if (result.exitCode !== 0) return;
  for (const pod of JSON.parse(result.stdout).items as Array<Record<string, any>>) {
    const statuses = [...(pod.status?.initContainerStatuses ?? []), ...(pod.status?.containerStatuses ?? [])];
    for (const status of statuses) {
      const reason = status.state?.waiting?.reason as string | undefined;
      if (!reason) continue;
      const name = `${pod.metadata.namespace}/${pod.metadata.name}`;
      waitingReasons.set(name, (waitingReasons.get(name) ?? new Set()).add(reason));
    }
  }
}

async function nodeContainers(): Promise<Docker.ContainerInfo[]> {
  return docker.listContainers({ all: true, filters: JSON.stringify({ label: [`io.x-k8s.kind.cluster=${CLUSTER}`] }) });
}

async function podIP(name: string): Promise<string> {
  return kubectl('get', 'pod', name, '-o', 'jsonpath={.status.podIP}');
}

describe('kind cluster on podlab/kind-node', () => {
  beforeAll(async () => {
    // setup --kind builds these; here they are only checked (and built when missing)
    const binaries = await ensureToolchain();
    kind = binaries.get('kind')!;
    kubectlPath = binaries.get('kubectl')!;
    for (const name of ['kind-node', 'etcd', 'busybox']) await ensureImage(docker, imageSpec(name)!);

    const network = await docker.createNetwork({ Name: NETWORK, Driver: 'bridge', Labels: { 'podlab.test': 'kind-cluster' } });
    bridge = `br-${network.id.slice(0, 12)}`;
    // nothing the cluster sends may leave the machine: drop what is routed off its bridge
    await must('iptables', ['-w', '-I', ...dropRule()]);

    const etcd = await docker.createContainer({
      name: ETCD,
      Image: 'podlab/etcd',
      Cmd: ['--name=etcd', `--advertise-client-urls=http://${ETCD}:2379`],
      Labels: { 'podlab.test': 'kind-cluster' },
      HostConfig: { NetworkMode: NETWORK },
    });
    await etcd.start();
    // by address: flanneld on the nodes should not depend on Docker's embedded DNS
    const address = (await etcd.inspect()).NetworkSettings.Networks[NETWORK]?.IPAddress;
    expect(address, 'etcd address on the cluster network').toBeTruthy();
    etcdEndpoint = `http://${address}:2379`;
    const config = JSON.stringify({ Network: POD_NETWORK, SubnetLen: 24, Backend: { Type: 'vxlan' } });
    let stored = false;
    for (let i = 0; i < 50 && !stored; i++) {
      stored = (await run('docker', ['exec', ETCD, 'etcdctl', 'put', `${FLANNEL_PREFIX}/config`, config])).exitCode === 0;
      if (!stored) await new Promise((resolve) => setTimeout(resolve, 200));
    }
    expect(stored, 'flannel config stored in the lab etcd').toBe(true);
  }, 60 * MINUTE);

  afterAll(async () => {
    if (watcher) clearInterval(watcher);
    await run(kind, ['delete', 'cluster', '--name', CLUSTER]);
    await run('docker', ['rm', '-f', '-v', ETCD]);
    await run('docker', ['network', 'rm', NETWORK]);
    if (bridge) while ((await run('iptables', ['-w', '-D', ...dropRule()])).exitCode === 0);
    rmSync(work, { recursive: true, force: true });
    console.log(`kind-cluster timings: ${JSON.stringify(timings)}`);
  }, 5 * MINUTE);

  it('creates 1 control plane and 2 workers from the local node image, pulling nothing', async () => {
    const config = [
      'kind: Cluster',
      'apiVersion: kind.x-k8s.io/v1alpha4',
      'networking:',
      '  disableDefaultCNI: true',
      `  podSubnet: ${POD_NETWORK}`,
      'nodes:',
      '  - role: control-plane',
      '  - role: worker',
      '  - role: worker',
    ].join('\n');
    writeFileSync(join(work, 'kind.yaml'), config);
    const started = Date.now();
    const created = await run(kind, ['create', 'cluster', '--name', CLUSTER, '--image', kindNodeTag(), '--config', join(work, 'kind.yaml'), '--kubeconfig', kubeconfig], {
      env: { KIND_EXPERIMENTAL_DOCKER_NETWORK: NETWORK },
    });
    timings.create = `${((Date.now() - started) / 1000).toFixed(0)}s`;
    expect(created.all).not.toMatch(/Pulling image|pulling/i);
    expect(created.exitCode, created.all).toBe(0);
    watcher = setInterval(() => void recordWaitingReasons(), 2000);

    const nodes = await nodeContainers();
    expect(nodes.map((node) => node.Image).every((image) => image === kindNodeTag())).toBe(true);
    expect(nodes).toHaveLength(3);
    expect(nodes.every((node) => Object.keys(node.NetworkSettings.Networks).includes(NETWORK))).toBe(true);
  }, 15 * MINUTE);

  it('makes CoreDNS forward nothing: Docker embedded DNS would send queries off the machine', async () => {
    const corefile = await kubectl('-n', 'kube-system', 'get', 'configmap', 'coredns', '-o', 'jsonpath={.data.Corefile}');
    const local = corefile.replace(/^\s*forward \. [^\n]*\{[^}]*\}\s*$/m, '').replace(/^\s*forward \. .*$/m, '');
    await kubectl('-n', 'kube-system', 'patch', 'configmap', 'coredns', '--type', 'merge', '-p', JSON.stringify({ data: { Corefile: local } }));
    const patched = await kubectl('-n', 'kube-system', 'get', 'configmap', 'coredns', '-o', 'jsonpath={.data.Corefile}');
    expect(patched).toContain('kubernetes cluster.local');
    expect(patched).not.toMatch(/forward/);
  });

  it('brings every node Ready once flannel (leases in the lab etcd) is the CNI', async () => {
    const manifest = renderFlannelManifest({ etcdEndpoints: [etcdEndpoint], etcdPrefix: FLANNEL_PREFIX, image: kindFlannelTag() });
    await kubectlIn(manifest, 'apply', '-f', '-');
    const started = Date.now();
    await kubectl('wait', '--for=condition=Ready', 'nodes', '--all', '--timeout=300s');
    timings.nodesReady = `${((Date.now() - started) / 1000).toFixed(0)}s after flannel`;
    // a node is Ready once the conflist is in place; flanneld's lease may come a moment later
    await kubectl('-n', 'kube-system', 'rollout', 'status', 'daemonset/kube-flannel', '--timeout=120s');
    let leases: string[] = [];
    for (let i = 0; i < 60 && leases.length < 3; i++) {
      if (i > 0) await new Promise((resolve) => setTimeout(resolve, 1000));
      const listing = await must('docker', ['exec', ETCD, 'etcdctl', 'get', `${FLANNEL_PREFIX}/subnets`, '--prefix', '--keys-only']);
      leases = listing.split('\n').filter(Boolean);
    }
    expect(leases, 'one flannel lease a node in the lab etcd').toHaveLength(3);
  }, 10 * MINUTE);

  it('has CoreDNS Ready', async () => {
    await kubectl('-n', 'kube-system', 'wait', '--for=condition=Ready', 'pod', '-l', 'k8s-app=kube-dns', '--timeout=180s');
    const ready = await kubectl('-n', 'kube-system', 'get', 'pods', '-l', 'k8s-app=kube-dns', '-o', 'jsonpath={.items[*].status.containerStatuses[*].ready}');
    expect(ready.split(' ')).toEqual(['true', 'true']);
  }, 5 * MINUTE);

  it('lets a pod on each worker ping the other across nodes', async () => {
    const load = await run(kind, ['load', 'docker-image', 'podlab/busybox', '--name', CLUSTER]);
    expect(load.exitCode, load.all).toBe(0);
    const workers = (await kubectl('get', 'nodes', '-l', '!node-role.kubernetes.io/control-plane', '-o', 'jsonpath={.items[*].metadata.name}')).split(' ');
    expect(workers).toHaveLength(2);
    const pod = (name: string, node: string) => ({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name, labels: { 'podlab.test': 'kind-cluster' } },
      spec: {
        nodeName: node,
        containers: [{ name: 'sh', image: 'podlab/busybox', imagePullPolicy: 'Never', command: ['sleep', '3600'] }],
        terminationGracePeriodSeconds: 0,
      },
    });
    const pods = workers.map((node, i) => pod(`pinger-${i}`, node!));
    await kubectlIn(pods.map((p) => JSON.stringify(p)).join('\n'), 'apply', '-f', '-');
    await kubectl('wait', '--for=condition=Ready', 'pod/pinger-0', 'pod/pinger-1', '--timeout=180s');
    const ips = [await podIP('pinger-0'), await podIP('pinger-1')];
    // each pod in its own node's flannel /24
    expect(ips.every((ip) => ip.startsWith('10.244.'))).toBe(true);
    expect(ips[0]!.split('.')[2]).not.toBe(ips[1]!.split('.')[2]);
    for (const [from, to] of [
      ['pinger-0', ips[1]!],
      ['pinger-1', ips[0]!],
    ] as const) {
      const ping = await run(kubectlPath, ['--kubeconfig', kubeconfig, 'exec', from, '--', 'ping', '-c', '3', '-W', '2', to]);
      expect(ping.exitCode, `${from} -> ${to}\n${ping.all}`).toBe(0);
      expect(ping.stdout).toMatch(/3 packets received/);
    }
  }, 5 * MINUTE);

  it('reports the pinned Kubernetes version', async () => {
    const version = JSON.parse(await kubectl('version', '-o', 'json'));
    expect(version.serverVersion.gitVersion).toBe(pinnedVersions().kubernetes);
    expect(version.clientVersion.gitVersion).toBe(pinnedVersions().kubernetes);
  });

  it('never had a pod pull, or fail to pull, an image', async () => {
    await recordWaitingReasons();
    const pullTrouble = [...waitingReasons].filter(([, reasons]) => [...reasons].some((reason) => /ImagePull|ErrImage/.test(reason)));
    expect(pullTrouble).toEqual([]);
    // the kubelet records every attempt as an event: "Pulling", "Failed" (ErrImagePull), "BackOff"
    const events = JSON.parse(await kubectl('get', 'events', '-A', '-o', 'json')).items as Array<Record<string, any>>;
    const pulls = events.filter((event) => event.reason === 'Pulling' || /ErrImagePull|ImagePullBackOff|ErrImageNeverPull/.test(event.message ?? ''));
    expect(pulls.map((event) => `${event.involvedObject.name}: ${event.reason} ${event.message}`)).toEqual([]);
    const pulled = events.filter((event) => event.reason === 'Pulled');
    expect(pulled.length).toBeGreaterThan(0);
    expect(pulled.every((event) => /already present on machine/.test(event.message))).toBe(true);

    const stats = await must('docker', ['stats', '--no-stream', '--format', '{{.Name}} {{.MemUsage}}', ...(await nodeContainers()).map((node) => node.Id)]);
    timings.nodeMemory = stats.split('\n').join('; ');
  });

  it('deletes the cluster, its network, etcd and host rule, leaving nothing', async () => {
    if (watcher) clearInterval(watcher);
    const volumes = (await nodeContainers()).flatMap((node) => node.Mounts.filter((mount) => mount.Type === 'volume').map((mount) => mount.Name!));
    expect(volumes.length).toBeGreaterThan(0);
    await must(kind, ['delete', 'cluster', '--name', CLUSTER]);
    await must('docker', ['rm', '-f', '-v', ETCD]);
    await must('docker', ['network', 'rm', NETWORK]);
    await must('iptables', ['-w', '-D', ...dropRule()]);

    expect(await nodeContainers()).toEqual([]);
    const labelled = JSON.stringify({ label: [TEST_LABEL] });
    const containers = await docker.listContainers({ all: true, filters: labelled });
    expect(containers.filter((container) => container.Names.some((name) => name.includes(id)))).toEqual([]);
    const networks = await docker.listNetworks({ filters: labelled });
    expect(networks.filter((network) => network.Name.includes(id))).toEqual([]);
    const remainingVolumes = ((await docker.listVolumes()).Volumes ?? []).map((volume) => volume.Name);
    expect(volumes.filter((volume) => remainingVolumes.includes(volume))).toEqual([]);
    const rules = await must('iptables', ['-w', '-S', 'DOCKER-USER']);
    expect(rules).not.toContain(RULE_COMMENT);
    expect(await run(kind, ['get', 'clusters'])).toMatchObject({ stdout: expect.not.stringContaining(CLUSTER) });
  }, 5 * MINUTE);
});
