// The dind driver: a lab is an internal Docker network, an etcd container and one container
// per node, each node running its own flanneld and dockerd; manifests become pods in the
// nodes' dockerds and kube-proxy-style rules in their iptables. Everything carries the lab label.
import type { DockerHost } from '../../docker/docker-host.js';
import { engineFlag } from '../../docker/engine-url.js';
import { execIn, execOk } from '../../docker/exec.js';
import { ensureImageOn } from '../../images/ensure-on-host.js';
import { imageSpec } from '../../images/catalog.js';
import { Label } from '../../labels.js';
import { parseCidr, type Cidr } from '../../net/cidr.js';
import type { LabInput } from '../../plan/lab-input.js';
import { retryUntil } from '../../util/retry.js';
import type { DoctorCheck, DriverIssue, LabDriver, LabStatus, LabSummary, RemoveReport, RunningLab } from '../driver.js';
import type { Step, StepContext } from '../steps.js';
import { checkForDind } from './checks.js';
import { applySteps } from './cluster-apply.js';
import { nodeKernelChecks } from './doctor-checks.js';
import { etcdContainerSpec, nodeContainerSpec } from './containers.js';
import { dockerdArgs, setForwardPolicy, startDockerd, startFlanneld } from './node-boot.js';
import { planDind, type DindPlan, type NodePlan } from './plan.js';
import { PROBE_IMAGE } from './probe-executor.js';
import { labsByLabel, removeLab } from '../common/labelled.js';
import { DindRunningLab, nodeContainers } from './running-lab.js';
import { withStores } from './stores.js';
import { InflightTracker } from './tracker.js';
import { chooseUnderlay, subnetsInUse } from '../common/underlay-pool.js';
import { createUnderlay } from './underlay.js';

const ETCD_TIMEOUT_MS = 20_000;

export class DindDriver implements LabDriver {
  readonly name = 'dind';
  private readonly tracker = new InflightTracker();

  constructor(private readonly host: DockerHost) {}

  async diagnose(): Promise<DoctorCheck[]> {
    return nodeKernelChecks(await this.host.engine(), engineFlag(this.host.target));
  }

  check(input: LabInput): DriverIssue[] {
    return checkForDind(input.lab);
  }

  upSteps(input: LabInput): Step[] {
    const { lab, cluster } = input;
    let plan: DindPlan | undefined;
    const images = ['node', ...(lab.network.overlay === 'flannel' ? ['etcd'] : []), ...(lab.assertions.length > 0 ? ['probe'] : [])];
    return [
      {
        title: 'images',
        concurrent: true,
        children: () =>
          images.map((name) => ({
            title: `podlab/${name}`,
            run: async ({ note }: StepContext) => note(`(${await ensureImageOn(this.host, imageSpec(name)!)})`),
          })),
      },
      {
        title: 'underlay network',
        run: async ({ note }) => {
          plan = await this.prepare(input);
          note(`${plan.network.name} ${plan.network.subnet} (internal)`);
        },
      },
      { title: 'lab', children: () => this.labSteps(plan!) },
      ...(cluster ? [{ title: 'manifests', children: () => this.manifestSteps(plan!, input) }] : []),
      ...(lab.setup.length > 0 ? [{ title: 'setup commands', run: ({ signal }: StepContext) => this.runSetup(plan!, input, signal) }] : []),
    ];
  }

  /** Plans the lab and creates its underlay, picking a free subnet if the lab names none. */
  private async prepare(input: LabInput): Promise<DindPlan> {
    const { lab } = input;
    const docker = await this.host.engine();
    const conflicts: Cidr[] = [];
    for (let attempt = 1; ; attempt++) {
      const plan = planDind(lab, chooseUnderlay(lab, [...(await subnetsInUse(docker)), ...conflicts]), input.hash);
      try {
        await this.tracker.track(createUnderlay(this.host, plan.network));
        return plan;
      } catch (error) {
        // Another lab took the same free subnet a moment earlier: pick again.
        const raced = !lab.network.underlay && /overlap/i.test(String((error as Error).message)) && attempt < 5;
        if (!raced) throw error;
        conflicts.push(parseCidr(plan.network.subnet)!);
      }
    }
  }

  private labSteps(plan: DindPlan): Step[] {
    const track = <T>(promise: Promise<T>) => this.tracker.track(promise);
    return [
      {
        title: plan.etcd ? `etcd and ${plan.nodes.length} node containers` : `${plan.nodes.length} node containers`,
        concurrent: true,
        children: () => [
          ...(plan.etcd ? [{ title: 'etcd: flannel config', run: ({ signal }: StepContext) => track(this.startEtcd(plan, signal)) }] : []),
          { title: `nodes ${plan.nodes.map((node) => node.name).join(', ')}`, run: ({ signal }: StepContext) => track(this.startNodeContainers(plan, signal)) },
        ],
      },
      {
        title: plan.overlay === 'flannel' ? `flanneld (${plan.flannel!.backend}) and dockerd on every node` : 'dockerd on every node',
        concurrent: true,
        children: () =>
          plan.nodes.map((node) => ({
            title: `${node.name}: ${plan.overlay === 'flannel' ? 'flanneld → ' : ''}dockerd`,
            run: ({ signal }: StepContext) => track(this.bootNode(plan, node, signal)),
          })),
      },
    ];
  }

  private async manifestSteps(plan: DindPlan, input: LabInput): Promise<Step[]> {
    const docker = await this.host.engine();
    const extraImages = input.lab.assertions.length > 0 ? [PROBE_IMAGE] : [];
    return applySteps(this.host, docker, plan, input.cluster!, input.clusterCIDR, extraImages, (promise) => this.tracker.track(promise));
  }

  private async runSetup(plan: DindPlan, input: LabInput, signal: AbortSignal): Promise<void> {
    const docker = await this.host.engine();
    for (const step of input.lab.setup.filter((candidate) => candidate.drivers?.includes(this.name) ?? true)) {
      const nodes = step.node === 'all' ? plan.nodes : plan.nodes.filter((node) => node.name === step.node);
      await Promise.all(nodes.map((node) => this.tracker.track(execOk(docker, node.container, ['sh', '-c', step.run], { signal }))));
    }
  }

  private async startEtcd(plan: DindPlan, signal: AbortSignal): Promise<void> {
    const docker = await this.host.engine();
    const etcd = plan.etcd!;
    const container = await docker.createContainer(etcdContainerSpec(plan, etcd));
    await container.start();
    const flannel = plan.flannel!;
    await retryUntil(
      'etcd accepts the flannel config',
      async () => {
        const result = await execIn(docker, etcd.container, ['etcdctl', 'put', flannel.configKey, flannel.configJSON], { signal });
        if (result.exitCode !== 0) throw new Error(result.stderr.trim() || result.stdout.trim());
        return true;
      },
      { timeoutMs: ETCD_TIMEOUT_MS, signal },
    );
  }

  private async startNodeContainers(plan: DindPlan, signal: AbortSignal): Promise<void> {
    const docker = await this.host.engine();
    const containers = await withStores(this.host, plan.nodes.length, signal, (stores) =>
      Promise.all(plan.nodes.map((node, index) => docker.createContainer(nodeContainerSpec(plan, node, stores[index]!)))),
    );
    await Promise.all(containers.map((container) => container.start()));
  }

  private async bootNode(plan: DindPlan, node: NodePlan, signal: AbortSignal): Promise<void> {
    const docker = await this.host.engine();
    const subnetEnv = plan.overlay === 'flannel' ? await startFlanneld(docker, node, signal) : undefined;
    await startDockerd(docker, this.host.nodeEngine(node.ip), node, dockerdArgs(plan, node, subnetEnv), signal);
    // The store may hold the containers of the lab that used it last: drop them, keep images.
    await execOk(docker, node.container, ['sh', '-c', 'docker container prune -f >/dev/null'], { signal });
    if (plan.forwardPolicy) await setForwardPolicy(docker, node, plan.forwardPolicy, signal);
  }

  async status(lab: string): Promise<LabStatus | undefined> {
    const docker = await this.host.engine();
    if (!this.owns((await labsByLabel(docker)).get(lab))) return undefined;
    const nodes = await nodeContainers(docker, lab);
    const hashes = new Set(nodes.map((node) => node.Labels[Label.planHash]));
    const running = nodes.filter((node) => node.State === 'running').length;
    return {
      hash: hashes.size === 1 ? [...hashes][0] : undefined,
      complete: nodes.length > 0 && running === nodes.length,
      nodes: nodes.length,
      variant: nodes[0]?.Labels[Label.variant] || undefined,
      labFile: nodes[0]?.Labels[Label.labFile],
    };
  }

  async down(lab: string): Promise<RemoveReport> {
    await this.tracker.settle();
    return removeLab(this.host, lab);
  }

  async list(): Promise<LabSummary[]> {
    const docker = await this.host.engine();
    const labs = [...(await labsByLabel(docker)).entries()].filter(([, driver]) => this.owns(driver));
    return Promise.all(
      labs.map(async ([name]) => {
        const nodes = await nodeContainers(docker, name);
        const first = nodes[0];
        return {
          name,
          variant: first?.Labels[Label.variant] ?? '',
          driver: this.name,
          nodes: nodes.length,
          running: nodes.filter((node) => node.State === 'running').length,
          createdAt: new Date(Math.min(...nodes.map((node) => node.Created * 1000), Date.now())),
          labFile: first?.Labels[Label.labFile],
        };
      }),
    );
  }

  /** A lab whose resources name no driver is a dind lab's remains (probe sidecars, say). */
  private owns(driver: string | undefined): boolean {
    return driver === this.name || driver === '';
  }

  async attach(lab: string): Promise<RunningLab | undefined> {
    const docker = await this.host.engine();
    const nodes = await nodeContainers(docker, lab);
    if (nodes.length === 0 || nodes[0]!.Labels[Label.driver] !== this.name) return undefined;
    return new DindRunningLab(this.host, docker, lab, nodes[0]!.Labels);
  }
}
