// The kube driver: a lab's manifests and assertions on a cluster podlab did not make, reached only
// through a kubeconfig and a context named explicitly. podlab owns nothing there but what carries
// the lab's label: it creates the lab's objects (checked first: one that exists already is exit 2
// and untouched), namespaces only when absent, and `down` deletes by label only. Probes go
// through the API server (probe-executor.ts). The kind driver drives its own clusters with the
// same pieces (apply.ts, readiness.ts, cluster-read.ts, manifests.ts).
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { DockerHost } from '../../docker/docker-host.js';
import { InputError } from '../../errors.js';
import type { Lab } from '../../lab/load.js';
import { Label } from '../../labels.js';
import type { LabInput } from '../../plan/lab-input.js';
import { retryUntil } from '../../util/retry.js';
import { removeLab } from '../common/labelled.js';
import type { DoctorCheck, DriverIssue, LabDriver, LabStatus, LabSummary, RemoveReport, RunningLab } from '../driver.js';
import { InflightTracker } from '../dind/tracker.js';
import type { Step } from '../steps.js';
import { createInOrder, describeObject, waitForLabPods } from './apply.js';
import { checkForKube } from './checks.js';
import { Kubectl, kubectlBinary, type ClusterTarget } from './kubectl.js';
import { forCluster, parseObjects } from './manifests.js';
import { mapLabNodes } from './nodes.js';
import { existingObjects, planCreation, type CreationPlan } from './ownership.js';
import { clusterOf, forgetCluster, knownClusters, rememberCluster } from './pointers.js';
import type { KubeList, KubeNode } from './readiness.js';
import { parseRecord, recordName, recordObject, type LabRecord } from './record.js';
import { KubeRunningLab } from './running-lab.js';

const PODS_READY_MS = 300_000;
const GONE_MS = 180_000;
/** Everything a lab may create (the kinds lab manifests may hold, and podlab's record and probe pods). */
const CONTROLLER_KINDS = 'deployments.apps,replicasets.apps,replicationcontrollers';
const OBJECT_KINDS = 'pods,services,endpoints,configmaps';
const LAB_KINDS = `${CONTROLLER_KINDS},${OBJECT_KINDS}`;

export class KubeDriver implements LabDriver {
  readonly name = 'kube';
  private readonly tracker = new InflightTracker();
  /** The cluster the command line named (--kubeconfig, --context), over a lab's remembered one. */
  private selected?: ClusterTarget;

  constructor(private readonly host: DockerHost) {}

  select(target: ClusterTarget): void {
    this.selected = target;
  }

  async diagnose(): Promise<DoctorCheck[]> {
    const kubectl = new Kubectl({ kubeconfig: '/dev/null' });
    const version = await kubectl.run(['version', '--client']).catch((error: Error) => ({ exitCode: 1, stdout: '', stderr: error.message }));
    return [{ name: `kubectl (${kubectlBinary()})`, ok: version.exitCode === 0, detail: (version.stdout || version.stderr).split('\n')[0], fix: 'install kubectl, or set PODLAB_KUBECTL', driver: this.name }];
  }

  check(input: LabInput): DriverIssue[] {
    return checkForKube(input.lab);
  }

  /** Says which cluster the lab goes to, before anything there is read or created. */
  async connect(input: LabInput): Promise<string> {
    const target = targetOf(input.lab);
    this.selected = target;
    const result = await new Kubectl(target).run(['config', 'view', '--minify', '-o', 'jsonpath={.clusters[0].cluster.server}']);
    if (result.exitCode !== 0 || !result.stdout.trim()) {
      throw new InputError(`kubeconfig ${target.kubeconfig} has no usable context "${target.context}": ${result.stderr.trim() || 'no server'}`);
    }
    return `cluster ${result.stdout.trim()} (context ${target.context}, kubeconfig ${target.kubeconfig})`;
  }

  /** What `up` would create, checked against the cluster as `up` checks it; creates nothing. */
  async dryRun(input: LabInput): Promise<string[]> {
    const kubectl = new Kubectl(targetOf(input.lab));
    const nodes = await this.mapNodes(input.lab, kubectl);
    const plan = await this.creationPlan(input, kubectl, nodes);
    failOnConflicts(plan);
    return [
      ...[...nodes].map(([labNode, clusterNode]) => `node ${labNode} is cluster node ${clusterNode}`),
      ...plan.borrowed.map((namespace) => `namespace ${namespace} exists: used, never created or deleted`),
      `would create ConfigMap ${input.lab.kube!.namespace}/${recordName(input.lab.name)} (the lab's record)`,
      ...plan.create.map((object) => `would create ${describeObject(object)}`),
    ];
  }

  upSteps(input: LabInput): Step[] {
    const { lab } = input;
    const target = targetOf(lab);
    const kubectl = new Kubectl(target);
    const track = <T>(promise: Promise<T>) => this.tracker.track(promise);
    let nodes = new Map<string, string>();
    let plan: CreationPlan = { create: [], conflicts: [], borrowed: [] };
    const record = (complete: boolean): LabRecord => ({
      lab: lab.name,
      namespace: lab.kube!.namespace,
      hash: input.hash,
      variant: lab.variant ?? '',
      labFile: lab.file,
      nodes: [...nodes],
      probeImage: lab.kube!.probeImage,
      pullPolicy: lab.kube!.imagePullPolicy,
      complete,
    });
    return [
      {
        title: `cluster nodes for ${lab.nodes.length} lab nodes`,
        run: async ({ note, signal }) => {
          nodes = await track(this.mapNodes(lab, kubectl, signal));
          note([...nodes].map(([labNode, clusterNode]) => `${labNode}=${clusterNode}`).join(' '));
        },
      },
      {
        title: 'what the lab creates, checked against the cluster',
        run: async ({ note, signal }) => {
          plan = await track(this.creationPlan(input, kubectl, nodes, signal));
          failOnConflicts(plan);
          note(`(${plan.create.length} objects${plan.borrowed.length ? `; existing namespaces ${plan.borrowed.join(', ')}` : ''})`);
        },
      },
      {
        title: 'lab record',
        run: async ({ signal }) => {
          rememberCluster(lab.name, target);
          await track(kubectl.ok(['create', '-f', '-'], { signal, stdin: JSON.stringify(recordObject(record(false))) }, 'creating the lab record'));
        },
      },
      ...(input.cluster
        ? [
            { title: 'manifests (kubectl create, in the lab\'s order)', run: ({ signal }: { signal: AbortSignal }) => track(createInOrder(kubectl, plan.create, signal)) },
            { title: 'pods Ready, services with endpoints', run: ({ signal }: { signal: AbortSignal }) => track(waitForLabPods(kubectl, lab.name, signal, PODS_READY_MS)) },
          ]
        : []),
      {
        title: 'lab record: complete',
        run: async ({ signal }) => {
          const patch = JSON.stringify({ data: { complete: 'true' } });
          await track(kubectl.ok(['-n', lab.kube!.namespace, 'patch', 'configmap', recordName(lab.name), '--type', 'merge', '-p', patch], { signal }, 'completing the lab record'));
        },
      },
    ];
  }

  private async mapNodes(lab: Lab, kubectl: Kubectl, signal?: AbortSignal): Promise<Map<string, string>> {
    const cluster = await kubectl.json<KubeList<KubeNode>>(['get', 'nodes'], { signal });
    return mapLabNodes(lab.nodes.map((node) => node.name), lab.kube?.nodes, cluster.items);
  }

  private async creationPlan(input: LabInput, kubectl: Kubectl, nodes: Map<string, string>, signal?: AbortSignal): Promise<CreationPlan> {
    const { lab } = input;
    const texts = lab.manifests.map((manifest) => readFileSync(resolve(lab.dir, manifest), 'utf8'));
    const objects = parseObjects(texts).map((object) =>
      forCluster(object, { lab: lab.name, images: lab.images, nodes, pullPolicy: { default: lab.kube!.imagePullPolicy }, namespace: 'default', confineTo: [...nodes.values()] }),
    );
    const lookups = objects.filter((object) => object.kind !== 'Namespace');
    const [found, namespaces] = await Promise.all([
      lookups.length === 0
        ? Promise.resolve('')
        : kubectl.ok(['get', '-f', '-', '--ignore-not-found', '-o', 'json'], { signal, stdin: JSON.stringify({ apiVersion: 'v1', kind: 'List', items: lookups }) }, 'looking up what the lab would create'),
      kubectl.json<KubeList<{ metadata: { name: string } }>>(['get', 'namespaces'], { signal }),
    ]);
    return planCreation(lab.name, objects, existingObjects(found), new Set(namespaces.items.map((namespace) => namespace.metadata.name)));
  }

  async status(lab: string): Promise<LabStatus | undefined> {
    const record = await this.record(lab);
    if (!record) return undefined;
    return { hash: record.hash, complete: record.complete, nodes: record.nodes.length, variant: record.variant || undefined, labFile: record.labFile || undefined };
  }

  async down(lab: string): Promise<RemoveReport> {
    await this.tracker.settle();
    const target = this.targetFor(lab);
    let objects = 0;
    if (target) {
      const kubectl = new Kubectl(target);
      const selector = `${Label.lab}=${lab}`;
      const listed = await kubectl.ok(['get', `${LAB_KINDS},namespaces`, '-A', '-l', selector, '-o', 'name'], {}, `listing lab ${lab}'s objects`);
      objects = listed.split('\n').filter(Boolean).length;
      // Controllers orphaning their pods, then the pods with a short grace period: pods the
      // garbage collector deletes get the default 30 s each (down took 38 s that way).
      await kubectl.ok(['delete', CONTROLLER_KINDS, '-A', '-l', selector, '--ignore-not-found', '--wait=false', '--cascade=orphan'], {}, `deleting lab ${lab}'s controllers`);
      await kubectl.ok(['delete', OBJECT_KINDS, '-A', '-l', selector, '--ignore-not-found', '--wait=false', '--grace-period=1'], {}, `deleting lab ${lab}'s objects`);
      // Only namespaces podlab created carry the label.
      await kubectl.ok(['delete', 'namespaces', '-l', selector, '--ignore-not-found', '--wait=false'], {}, `deleting lab ${lab}'s namespaces`);
      await retryUntil(
        `nothing labelled ${selector} left in the cluster`,
        async () => {
          // EndpointSlices copy their Service's labels and go with it (garbage collection).
          const left = (await kubectl.ok(['get', `${LAB_KINDS},namespaces,endpointslices.discovery.k8s.io`, '-A', '-l', selector, '-o', 'name'], {}, `listing lab ${lab}'s objects`)).trim();
          if (left) throw new Error(`still there: ${left.split('\n').join(', ')}`);
          return true;
        },
        { timeoutMs: GONE_MS, intervalMs: 500, maxIntervalMs: 2000 },
      );
    }
    // The host probe container, if probes ran from the host; no engine means none was made.
    const local = (await this.host.engine().then(() => true, () => false)) ? await removeLab(this.host, lab) : { containers: 0, networks: 0, volumes: 0 };
    forgetCluster(lab);
    return { ...local, objects };
  }

  async list(): Promise<LabSummary[]> {
    const targets = new Map<string, ClusterTarget>();
    for (const target of [...(this.selected ? [this.selected] : []), ...knownClusters()]) targets.set(`${target.kubeconfig}\n${target.context ?? ''}`, target);
    const lists = await Promise.all(
      [...targets.values()].map(async (target) => {
        const result = await new Kubectl(target).run(['get', 'configmaps', '-A', '-l', `${Label.driver}=kube,${Label.role}=record`, '-o', 'json', '--request-timeout=5s']);
        // A cluster that no longer answers (deleted, unreachable) has no labs to list.
        if (result.exitCode !== 0) return [];
        return (JSON.parse(result.stdout) as KubeList<Parameters<typeof parseRecord>[0]>).items.flatMap((item) => {
          const record = parseRecord(item);
          return record ? [record] : [];
        });
      }),
    );
    return lists.flat().map((record) => ({
      name: record.lab,
      variant: record.variant,
      driver: this.name,
      nodes: record.nodes.length,
      running: record.complete ? record.nodes.length : 0,
      createdAt: record.createdAt ? new Date(record.createdAt) : new Date(),
      labFile: record.labFile || undefined,
    }));
  }

  async attach(lab: string): Promise<RunningLab | undefined> {
    const target = this.targetFor(lab);
    const record = await this.record(lab);
    if (!target || !record) return undefined;
    return new KubeRunningLab(this.host, new Kubectl(target), record);
  }

  private targetFor(lab: string): ClusterTarget | undefined {
    return this.selected ?? clusterOf(lab);
  }

  private async record(lab: string): Promise<LabRecord | undefined> {
    const target = this.targetFor(lab);
    if (!target) return undefined;
    const result = await new Kubectl(target).run(['get', 'configmaps', '-A', '-l', `${Label.lab}=${lab},${Label.role}=record`, '-o', 'json', '--request-timeout=10s']);
    if (result.exitCode !== 0) return undefined;
    const items = (JSON.parse(result.stdout) as KubeList<Parameters<typeof parseRecord>[0]>).items;
    return items.map(parseRecord).find((record) => record?.lab === lab);
  }
}

/** The lab's cluster; the check made sure both are there. */
function targetOf(lab: Lab): ClusterTarget {
  return { kubeconfig: lab.kube!.kubeconfig!, context: lab.kube!.context! };
}

function failOnConflicts(plan: CreationPlan): void {
  if (plan.conflicts.length > 0) throw new InputError(`the lab would create objects that exist already; nothing was created:\n  ${plan.conflicts.join('\n  ')}`);
}
