// The kind driver: a lab is a real Kubernetes cluster made by kind from podlab's own node image
// (a control plane and a worker per lab node) on a Docker network of the lab's own, with flannel
// as its CNI taking config and leases from an etcd of the lab's (as the seeds' clusters did), the
// lab's manifests applied with the real kubectl, and the same assertions run against it.
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { DockerHost } from '../../docker/docker-host.js';
import { execIn, execOk } from '../../docker/exec.js';
import { EnvironmentError } from '../../errors.js';
import { ensureImage } from '../../images/build.js';
import { imageSpec } from '../../images/catalog.js';
import { kindFlannelTag, kindNodeTag } from '../../images/kind-catalog.js';
import { privilegedCheck, toolchainChecks, toolchainStatus } from '../../images/toolchain.js';
import { Label, labFilter } from '../../labels.js';
import type { Lab } from '../../lab/load.js';
import type { LabInput } from '../../plan/lab-input.js';
import { retryUntil } from '../../util/retry.js';
import { labsByLabel, removeLab } from '../common/labelled.js';
import type { DoctorCheck, DriverIssue, LabDriver, LabStatus, LabSummary, RemoveReport, RunningLab } from '../driver.js';
import { InflightTracker } from '../dind/tracker.js';
import type { Step, StepContext } from '../steps.js';
import { checkForKind } from './checks.js';
import { kindClusterConfig } from './cluster-config.js';
import { installAddonsEarly } from './early-addons.js';
import { renderFlannelManifest } from './flannel-manifest.js';
import { forKind, parseObjects } from './manifests.js';
import { kindNames, kubeconfigPath, type KindNames } from './names.js';
import { createKindNetwork, type KindNetwork } from './network.js';
import { notReadyNodes, type KubeList, type KubeNode } from './readiness.js';
import { createInOrder, waitForLabPods } from '../kube/apply.js';
import { Kubectl } from '../kube/kubectl.js';
import { KindRunningLab, kindNodeContainers } from './running-lab.js';
import { nodeImageWithApps } from './apps-image.js';
import { untilWorkersRoute } from './service-routes.js';
import { kindOk, kubectlJson, kubectlOk, toolchain } from './tools.js';

const ETCD_IMAGE = 'podlab/etcd';
const ETCD_TIMEOUT_MS = 20_000;
const NODES_READY_MS = 180_000;
const PODS_READY_MS = 240_000;

export class KindDriver implements LabDriver {
  readonly name = 'kind';
  private readonly tracker = new InflightTracker();

  constructor(private readonly host: DockerHost) {}

  /** The kind toolchain's pieces and whether privileged containers work (kind's nodes are). */
  async diagnose(): Promise<DoctorCheck[]> {
    return toolchainChecks(toolchainStatus(), privilegedCheck()).map((check) => ({ ...check, driver: this.name }));
  }

  check(input: LabInput): DriverIssue[] {
    return checkForKind(input.lab);
  }

  upSteps(input: LabInput): Step[] {
    const { lab } = input;
    const names = kindNames(lab.name, lab.nodes.map((node) => node.name));
    const track = <T>(promise: Promise<T>) => this.tracker.track(promise);
    let network: KindNetwork | undefined;
    // The model's own DNS pod is not applied: the cluster has CoreDNS.
    const applied = input.cluster?.pods.filter((pod) => !(pod.namespace === 'kube-system' && pod.labels['k8s-app'] === 'kube-dns')) ?? [];
    const workloadImages = [...new Set(applied.flatMap((pod) => pod.containers.map((container) => container.image)))];
    let nodeImage = kindNodeTag();
    const workloadTags = () => workloadImages.map((image) => imageSpec(image)?.tag ?? image);
    return [
      {
        title: 'kind toolchain and images',
        concurrent: false,
        children: () => [
          { title: 'toolchain (kind, kubectl)', run: async () => void (await toolchain()) },
          ...['kind-node', 'etcd', 'probe', ...workloadImages].map((name) => ({
            title: imageSpec(name)?.tag ?? name,
            run: async ({ note }: StepContext) => note(`(${await this.ensureImage(name)})`),
          })),
          {
            title: `node image with the lab's ${workloadImages.length} images`,
            run: async ({ note }: StepContext) => {
              const made = await track(nodeImageWithApps(await this.host.engine(), workloadTags()));
              nodeImage = made.tag;
              note(`${made.tag} (${made.built ? 'built' : 'up to date'})`);
            },
          },
        ],
      },
      {
        title: 'lab network',
        run: async ({ note }) => {
          network = await track(createKindNetwork(this.host, lab, names.network, this.labels(input, 'underlay')));
          note(`${names.network} ${network.subnet}`);
        },
      },
      {
        title: 'etcd and the cluster',
        concurrent: true,
        children: () => {
          // The addons wait for the control plane kind is making; if kind fails, they stop too.
          const clusterFailed = new AbortController();
          return [
            { title: 'etcd: flannel config', run: ({ signal }: StepContext) => track(this.startEtcd(input, names, network!, signal)) },
            {
              title: `kind cluster ${names.cluster} (1 control plane, ${lab.nodes.length} workers)`,
              run: ({ signal }: StepContext) =>
                track(
                  this.createCluster(lab, names, nodeImage, signal).catch((error: unknown) => {
                    clusterFailed.abort(error);
                    throw error;
                  }),
                ),
            },
            {
              title: `flannel CNI from the lab's etcd, ${lab.network.dns ? 'CoreDNS forwarding nothing' : 'no cluster DNS (dns: false)'}, once the API answers`,
              run: ({ signal }: StepContext) => track(this.installAddons(lab, names, network!, AbortSignal.any([signal, clusterFailed.signal]))),
            },
          ];
        },
      },
      { title: 'nodes Ready, kube-proxy synced', run: ({ signal }) => track(this.waitForNodes(names, signal)) },
      ...(input.cluster
        ? [
            { title: 'manifests (kubectl create, in the lab\'s order)', run: ({ signal }: StepContext) => track(this.applyManifests(input, names, signal)) },
            { title: 'pods Ready, services with endpoints', run: ({ signal }: StepContext) => track(this.waitForPods(names, lab.name, signal)) },
            ...(lab.network.dns ? [{ title: 'CoreDNS answering', run: ({ signal }: StepContext) => track(this.waitForDns(names, signal)) }] : []),
          ]
        : []),
      ...(lab.setup.some((step) => step.drivers?.includes(this.name) ?? true) ? [{ title: 'setup commands', run: ({ signal }: StepContext) => track(this.runSetup(lab, names, signal)) }] : []),
    ];
  }

  private async ensureImage(name: string): Promise<string> {
    const spec = imageSpec(name);
    const docker = await this.host.engine();
    if (spec) return ensureImage(docker, spec);
    if (await docker.getImage(name).inspect().catch(() => undefined)) return 'present';
    throw new EnvironmentError(`image ${name} is neither built by podlab nor present in the engine; map it under images: in the lab file`);
  }

  private labels(input: LabInput, role: string): Record<string, string> {
    const { lab } = input;
    return {
      [Label.lab]: lab.name,
      [Label.driver]: this.name,
      [Label.variant]: lab.variant ?? '',
      [Label.role]: role,
      [Label.planHash]: input.hash,
      [Label.labFile]: lab.file,
      [Label.nodes]: lab.nodes.map((node) => node.name).join(','),
    };
  }

  private async startEtcd(input: LabInput, names: KindNames, network: KindNetwork, signal: AbortSignal): Promise<void> {
    const docker = await this.host.engine();
    const endpoint = `http://${network.etcdIP}:2379`;
    const container = await docker.createContainer({
      name: names.etcd,
      Image: ETCD_IMAGE,
      Cmd: ['--name=etcd', `--advertise-client-urls=${endpoint}`],
      Labels: this.labels(input, 'etcd'),
      HostConfig: { NetworkMode: names.network, Tmpfs: { '/var/lib/etcd': 'rw' } },
      NetworkingConfig: { EndpointsConfig: { [names.network]: { IPAMConfig: { IPv4Address: network.etcdIP } } } },
    });
    await container.start();
    const { prefix, config } = input.lab.network.flannel;
    await retryUntil(
      'etcd accepts the flannel config',
      async () => {
        const result = await execIn(docker, names.etcd, ['etcdctl', 'put', `${prefix}/config`, JSON.stringify(config)], { signal });
        if (result.exitCode !== 0) throw new Error(result.stderr.trim() || result.stdout.trim());
        return true;
      },
      { timeoutMs: ETCD_TIMEOUT_MS, signal },
    );
  }

  private async createCluster(lab: Lab, names: KindNames, image: string, signal: AbortSignal): Promise<void> {
    mkdirSync(dirname(names.kubeconfig), { recursive: true });
    const configFile = `${dirname(names.kubeconfig)}/kind-config.json`;
    writeFileSync(configFile, JSON.stringify(kindClusterConfig(lab, image)));
    await kindOk(
      ['create', 'cluster', '--name', names.cluster, '--config', configFile, '--kubeconfig', names.kubeconfig, '--retain=false'],
      { signal, env: { KIND_EXPERIMENTAL_DOCKER_NETWORK: names.network } },
      `kind create cluster --name ${names.cluster}`,
    );
  }

  private async installAddons(lab: Lab, names: KindNames, network: KindNetwork, signal: AbortSignal): Promise<void> {
    const flannelManifest = renderFlannelManifest({ etcdEndpoints: [`http://${network.etcdIP}:2379`], etcdPrefix: lab.network.flannel.prefix, image: kindFlannelTag(), iface: 'eth0' });
    await installAddonsEarly(await this.host.engine(), names.controlPlane, { flannelManifest, dns: lab.network.dns }, signal);
  }

  private async waitForNodes(names: KindNames, signal: AbortSignal): Promise<void> {
    const nodesReady = retryUntil(
      'every kind node Ready',
      async () => {
        const nodes = await kubectlJson<KubeList<KubeNode>>(names.kubeconfig, ['get', 'nodes'], { signal });
        const waiting = notReadyNodes(nodes.items);
        if (waiting.length > 0) throw new Error(`not Ready: ${waiting.join(', ')}`);
        return true;
      },
      { timeoutMs: NODES_READY_MS, intervalMs: 500, maxIntervalMs: 2000, signal },
    );
    // A node is Ready once its CNI is; kube-proxy (host network, no CNI needed) syncs on its own
    // time, before or after. The API server's own Service routed on every worker means each
    // kube-proxy has made its first sync; both are waited for at once.
    const kubeProxySynced = (async () => {
      const kubernetes = await kubectlJson<{ spec: { clusterIP: string } }>(names.kubeconfig, ['get', 'service', 'kubernetes'], { signal });
      await untilWorkersRoute(await this.host.engine(), [...names.workers.values()], [kubernetes.spec.clusterIP], signal);
    })();
    await Promise.all([nodesReady, kubeProxySynced]);
  }

  private async applyManifests(input: LabInput, names: KindNames, signal: AbortSignal): Promise<void> {
    const { lab } = input;
    const texts = lab.manifests.map((manifest) => readFileSync(resolve(lab.dir, manifest), 'utf8'));
    const objects = parseObjects(texts).map((object) => forKind(object, { lab: lab.name, images: lab.images, workers: names.workers }));
    const docker = await this.host.engine();
    const workers = [...names.workers.values()];
    await createInOrder(new Kubectl({ kubeconfig: names.kubeconfig }), objects, signal, {
      untilServicesRouted: (clusterIPs, routeSignal) => untilWorkersRoute(docker, workers, clusterIPs, routeSignal),
    });
  }

  private async waitForPods(names: KindNames, lab: string, signal: AbortSignal): Promise<void> {
    await waitForLabPods(new Kubectl({ kubeconfig: names.kubeconfig }), lab, signal, PODS_READY_MS);
  }

  /** CoreDNS restarted with its new Corefile: a DNS check right after `up` must find it serving. */
  private async waitForDns(names: KindNames, signal: AbortSignal): Promise<void> {
    await kubectlOk(names.kubeconfig, ['-n', 'kube-system', 'rollout', 'status', 'deployment/coredns', '--timeout=180s'], { signal }, 'waiting for CoreDNS');
  }

  private async runSetup(lab: Lab, names: KindNames, signal: AbortSignal): Promise<void> {
    const docker = await this.host.engine();
    for (const step of lab.setup.filter((candidate) => candidate.drivers?.includes(this.name) ?? true)) {
      const nodes = step.node === 'all' ? [...names.workers.values()] : [names.workers.get(step.node)!];
      await Promise.all(nodes.map((node) => execOk(docker, node, ['sh', '-c', step.run], { signal })));
    }
  }

  async status(lab: string): Promise<LabStatus | undefined> {
    const network = await this.labNetwork(lab);
    if (!network) return undefined;
    const labels = network.Labels ?? {};
    const expected = (labels[Label.nodes] ?? '').split(',').filter(Boolean).length + 1;
    const nodes = await kindNodeContainers(await this.host.engine(), lab);
    const running = nodes.filter((node) => node.State === 'running').length;
    return { hash: labels[Label.planHash], complete: nodes.length === expected && running === expected, nodes: nodes.length, variant: labels[Label.variant] || undefined, labFile: labels[Label.labFile] };
  }

  async down(lab: string): Promise<RemoveReport> {
    await this.tracker.settle();
    const docker = await this.host.engine();
    // What `kind delete cluster` does, without waiting for each node's systemd to shut down
    // (15 s for four nodes): the nodes go at once, their anonymous volumes with them.
    const clusterNodes = await kindNodeContainers(docker, lab);
    await Promise.all(clusterNodes.map((node) => docker.getContainer(node.Id).remove({ force: true, v: true }).catch(ignoreMissing)));
    const removed = await removeLab(this.host, lab);
    rmSync(dirname(kubeconfigPath(lab)), { recursive: true, force: true });
    return { ...removed, containers: removed.containers + clusterNodes.length };
  }

  async list(): Promise<LabSummary[]> {
    const docker = await this.host.engine();
    const labs = [...(await labsByLabel(docker)).entries()].filter(([, driver]) => driver === this.name).map(([name]) => name);
    return Promise.all(
      labs.map(async (name) => {
        const network = await this.labNetwork(name);
        const labels = network?.Labels ?? {};
        const nodes = await kindNodeContainers(docker, name);
        return {
          name,
          variant: labels[Label.variant] ?? '',
          driver: this.name,
          nodes: nodes.length,
          running: nodes.filter((node) => node.State === 'running').length,
          createdAt: new Date(Math.min(...nodes.map((node) => node.Created * 1000), Date.now())),
          labFile: labels[Label.labFile],
        };
      }),
    );
  }

  async attach(lab: string): Promise<RunningLab | undefined> {
    const network = await this.labNetwork(lab);
    if (!network) return undefined;
    return new KindRunningLab(this.host, await this.host.engine(), lab, network.Labels ?? {});
  }

  private async labNetwork(lab: string) {
    const docker = await this.host.engine();
    const networks = await docker.listNetworks({ filters: JSON.stringify({ label: [...labFilter(lab).label, `${Label.driver}=${this.name}`, `${Label.role}=underlay`] }) });
    return networks[0];
  }
}

function ignoreMissing(error: { statusCode?: number }): void {
  // Removed meanwhile (a concurrent down): that is the goal.
  if (error.statusCode !== 404) throw error;
}
