// The dind driver: a lab is an internal Docker network, an etcd container and one container
// per node, each node running its own flanneld and dockerd. Everything carries the lab label.
import type Docker from 'dockerode';
import { execIn, execOk } from '../../docker/exec.js';
import { EnvironmentError } from '../../errors.js';
import { Label, labFilter } from '../../labels.js';
import { parseSubnetEnv } from '../../net/flannel.js';
import type { Lab } from '../../lab/load.js';
import { parseCidr, type Cidr } from '../../net/cidr.js';
import { planDind, type DindPlan, type NodePlan } from '../../plan/dind-plan.js';
import { retryUntil } from '../../util/retry.js';
import type { LabDriver, LabSummary, NodeState, RemoveReport } from '../driver.js';
import type { Step } from '../steps.js';
import { etcdContainerSpec, nodeContainerSpec } from './containers.js';
import { dockerdArgs, setForwardPolicy, startDockerd, startFlanneld } from './node-boot.js';
import { labNames, removeLab } from './remove.js';
import { withStores } from './stores.js';
import { InflightTracker } from './tracker.js';
import { chooseUnderlay, createUnderlay, subnetsInUse } from './underlay.js';

const ETCD_TIMEOUT_MS = 20_000;

export class DindDriver implements LabDriver {
  private readonly tracker = new InflightTracker();

  constructor(private readonly docker: Docker) {}

  upSteps(plan: DindPlan): Step[] {
    const track = <T>(promise: Promise<T>) => this.tracker.track(promise);
    return [
      {
        title: plan.etcd ? `etcd and ${plan.nodes.length} node containers` : `${plan.nodes.length} node containers`,
        concurrent: true,
        children: () => [
          ...(plan.etcd ? [{ title: 'etcd: flannel config', run: (c: { signal: AbortSignal }) => track(this.startEtcd(plan, c.signal)) }] : []),
          { title: `nodes ${plan.nodes.map((node) => node.name).join(', ')}`, run: (c: { signal: AbortSignal }) => track(this.startNodeContainers(plan, c.signal)) },
        ],
      },
      {
        title: plan.overlay === 'flannel' ? `flanneld (${plan.flannel!.backend}) and dockerd on every node` : 'dockerd on every node',
        concurrent: true,
        children: () =>
          plan.nodes.map((node) => ({
            title: `${node.name}: ${plan.overlay === 'flannel' ? 'flanneld → ' : ''}dockerd`,
            run: ({ signal }: { signal: AbortSignal }) => track(this.bootNode(plan, node, signal)),
          })),
      },
    ];
  }

  async prepare(lab: Lab, hash: string): Promise<DindPlan> {
    const conflicts: Cidr[] = [];
    for (let attempt = 1; ; attempt++) {
      const plan = planDind(lab, chooseUnderlay(lab, [...(await subnetsInUse(this.docker)), ...conflicts]), hash);
      try {
        await this.tracker.track(createUnderlay(this.docker, plan.network));
        return plan;
      } catch (error) {
        // Another lab took the same free subnet a moment earlier: pick again.
        const raced = !lab.network.underlay && /overlap/i.test(String((error as Error).message)) && attempt < 5;
        if (!raced) throw error;
        conflicts.push(parseCidr(plan.network.subnet)!);
      }
    }
  }

  /** Counts an engine call that a step outside the driver started, for settle(). */
  track<T>(promise: Promise<T>): Promise<T> {
    return this.tracker.track(promise);
  }

  settle(): Promise<void> {
    return this.tracker.settle();
  }

  private async startEtcd(plan: DindPlan, signal: AbortSignal): Promise<void> {
    const etcd = plan.etcd!;
    const container = await this.docker.createContainer(etcdContainerSpec(plan, etcd));
    await container.start();
    const flannel = plan.flannel!;
    await retryUntil(
      'etcd accepts the flannel config',
      async () => {
        const result = await execIn(this.docker, etcd.container, ['etcdctl', 'put', flannel.configKey, flannel.configJSON], { signal });
        if (result.exitCode !== 0) throw new Error(result.stderr.trim() || result.stdout.trim());
        return true;
      },
      { timeoutMs: ETCD_TIMEOUT_MS, signal },
    );
  }

  private async startNodeContainers(plan: DindPlan, signal: AbortSignal): Promise<void> {
    const containers = await withStores(this.docker, plan.nodes.length, signal, (stores) =>
      Promise.all(plan.nodes.map((node, index) => this.docker.createContainer(nodeContainerSpec(plan, node, stores[index]!)))),
    );
    await Promise.all(containers.map((container) => container.start()));
  }

  private async bootNode(plan: DindPlan, node: NodePlan, signal: AbortSignal): Promise<void> {
    const subnetEnv = plan.overlay === 'flannel' ? await startFlanneld(this.docker, node, signal) : undefined;
    await startDockerd(this.docker, node, dockerdArgs(plan, node, subnetEnv), signal);
    // The store may hold the containers of the lab that used it last: drop them, keep images.
    await execOk(this.docker, node.container, ['sh', '-c', 'docker container prune -f >/dev/null'], { signal });
    if (plan.forwardPolicy) await setForwardPolicy(this.docker, node, plan.forwardPolicy, signal);
  }

  async current(lab: string): Promise<{ hash?: string; complete: boolean; nodes: number } | undefined> {
    const names = await labNames(this.docker);
    if (!names.includes(lab)) return undefined;
    const nodes = await this.nodeContainers(lab);
    const hashes = new Set(nodes.map((node) => node.Labels[Label.planHash]));
    const running = nodes.filter((node) => node.State === 'running').length;
    return {
      hash: hashes.size === 1 ? [...hashes][0] : undefined,
      complete: nodes.length > 0 && running === nodes.length,
      nodes: nodes.length,
    };
  }

  down(lab: string): Promise<RemoveReport> {
    return removeLab(this.docker, lab);
  }

  async list(): Promise<LabSummary[]> {
    const names = await labNames(this.docker);
    return Promise.all(
      names.map(async (name) => {
        const nodes = await this.nodeContainers(name);
        const first = nodes[0];
        return {
          name,
          variant: first?.Labels[Label.variant] ?? '',
          driver: first?.Labels[Label.driver] ?? 'dind',
          nodes: nodes.length,
          running: nodes.filter((node) => node.State === 'running').length,
          createdAt: new Date(Math.min(...nodes.map((node) => node.Created * 1000), Date.now())),
          labFile: first?.Labels[Label.labFile],
        };
      }),
    );
  }

  async nodes(lab: string): Promise<NodeState[]> {
    const containers = await this.nodeContainers(lab);
    return Promise.all(
      containers.map(async (info) => {
        const container = info.Names[0]?.replace(/^\//, '') ?? info.Id;
        const network = Object.values(info.NetworkSettings?.Networks ?? {})[0];
        const state: NodeState = {
          name: info.Labels[Label.node] ?? container,
          container,
          status: info.State,
          underlayIP: network?.IPAddress ?? '',
          gateway: network?.Gateway || undefined,
          labels: info.Labels,
        };
        if (info.State !== 'running' || info.Labels[Label.overlay] !== 'flannel') return state;
        const probe = await execIn(this.docker, container, ['sh', '-c', 'cat /run/flannel/subnet.env; echo ---; cat /sys/class/net/flannel.*/address 2>/dev/null']);
        const [envText, macText] = probe.stdout.split('---');
        state.flannelSubnet = parseSubnetEnv(envText ?? '')?.subnet;
        state.vtepMAC = macText?.trim().split('\n')[0] || undefined;
        return state;
      }),
    );
  }

  async execInNode(lab: string, node: string, argv: string[], tty: boolean): Promise<number> {
    const match = (await this.nodeContainers(lab)).find((info) => info.Labels[Label.node] === node);
    if (!match) throw new EnvironmentError(`lab ${lab} has no node ${node}`);
    const { execa } = await import('execa');
    // The docker CLI passes stdin and a TTY through faithfully; the API would need a raw-mode shim.
    const result = await execa('docker', ['exec', ...(tty ? ['-it'] : ['-i']), match.Id, ...argv], { stdio: 'inherit', reject: false });
    return result.exitCode ?? 1;
  }

  private async nodeContainers(lab: string): Promise<Docker.ContainerInfo[]> {
    const filters = JSON.stringify({ label: [...labFilter(lab).label, `${Label.role}=node`] });
    const containers = await this.docker.listContainers({ all: true, filters });
    return containers.sort((a, b) => Number(a.Labels[Label.nodeIndex]) - Number(b.Labels[Label.nodeIndex]));
  }
}
