// The contract every way of running labs implements (dind today; kind, kube and remote engines
// beside it). The CLI reaches a lab only through a LabDriver from the registry (index.ts): it
// never constructs a driver, an engine client or a driver's plan itself.
import type { FieldPath } from '../lab/yaml-source.js';
import type { LabInput } from '../plan/lab-input.js';
import type { Source } from '../probe/resolve.js';
import type { ProbeExecutor } from '../probe/runner.js';
import type { TraceTarget } from '../trace/destination.js';
import type { Proto, Trace } from '../trace/types.js';
import type { LabView } from '../probe/view.js';
import type { Step } from './steps.js';

/** A lab field this driver cannot honour, blamed on its path in the lab file. */
export interface DriverIssue {
  path: FieldPath;
  message: string;
}

export interface LabSummary {
  name: string;
  variant: string;
  driver: string;
  nodes: number;
  running: number;
  createdAt: Date;
  labFile?: string;
}

/** What runs now under a lab's label: enough to decide whether `up` has anything to do. */
export interface LabStatus {
  hash?: string;
  /** Every node exists and runs. */
  complete: boolean;
  nodes: number;
  variant?: string;
  labFile?: string;
}

export interface NodeState {
  name: string;
  /** The container (or cluster node) behind the lab node. */
  container: string;
  status: string;
  underlayIP: string;
  /** The host's address on the underlay (the bridge's end). */
  gateway?: string;
  /** The node's flannel subnet (its lease), if flannel runs there. */
  flannelSubnet?: string;
  /** MAC of the node's flannel vxlan device. */
  vtepMAC?: string;
  labels: Record<string, string>;
}

export interface PodInfo {
  namespace: string;
  name: string;
  node: string;
  ip: string;
  labels: Record<string, string>;
  owner: string;
  index: number;
  /** In manifest order. */
  containers: { name: string; id: string; state: string; status: string }[];
}

export interface ServiceInfo {
  namespace: string;
  name: string;
  type: string;
  clusterIP: string;
  selector?: Record<string, string>;
  affinitySeconds?: number;
  ports: { name: string; port: number; protocol: 'TCP' | 'UDP'; nodePort?: number; targetPort?: number | string }[];
  /** Per port, the addresses traffic goes to. */
  endpoints: { ip: string; port: number }[][];
}

export interface RemoveReport {
  containers: number;
  networks: number;
  volumes: number;
  /** Kubernetes objects deleted from a cluster podlab did not make (kube labs). */
  objects?: number;
}

/** Where `podlab exec` runs a command. */
export type ExecTarget = { kind: 'node'; node: string } | { kind: 'pod'; pod: PodInfo; container: string };

/** A lab that runs now, as every command after `up` sees it. */
export interface RunningLab {
  readonly name: string;
  readonly driver: string;
  readonly variant?: string;
  /** The lab file it was brought up from (absolute), so commands work by name from anywhere. */
  readonly labFile?: string;
  /** A kubeconfig for the lab's cluster, for users' own kubectl (drivers with an API server). */
  readonly kubeconfig?: string;
  nodes(): Promise<NodeState[]>;
  pods(): Promise<PodInfo[]>;
  services(): Promise<ServiceInfo[]>;
  /** Pods, services and nodes with addresses, for resolving assertion targets. */
  view(): Promise<LabView>;
  /** Runs probes in sources' network namespaces without disturbing workloads. */
  probes(): Promise<ProbeExecutor>;
  /** Runs argv in a node or a pod's container, stdio passed through; resolves with its exit code. */
  exec(target: ExecTarget, argv: string[], options: { tty: boolean }): Promise<number>;
  /**
   * Sends one probe from the source and follows it through every node (`podlab trace`); drivers
   * that cannot watch their nodes' netfilter leave it out. Leaves no rule behind.
   */
  trace?(request: TraceRequest, signal: AbortSignal): Promise<Trace>;
}

export interface TraceRequest {
  source: Source;
  destination: TraceTarget;
  /** Default: tcp with a port, icmp without. */
  proto?: Proto;
  /** How long the probe waits for an answer. */
  timeoutMs?: number;
}

/** One line of `podlab doctor`. */
export interface DoctorCheck {
  name: string;
  ok: boolean;
  detail?: string;
  fix?: string;
  /** Needed only by one driver's labs: a failure warns instead of failing the doctor. */
  driver?: string;
}

export interface LabDriver {
  readonly name: string;
  /** What this machine lacks for this driver's labs, tried for real where it can be. */
  diagnose(): Promise<DoctorCheck[]>;
  /** Pure: what this driver cannot do with this lab (exit 2 before anything is created). */
  check(input: LabInput): DriverIssue[];
  /** The lab as it runs now, found by label only; undefined when nothing carries its label. */
  status(lab: string): Promise<LabStatus | undefined>;
  /**
   * The steps that bring the lab up: images, network, nodes, manifests, setup commands. Nothing
   * is created before they run. On failure or abort the caller calls `down`, which first waits
   * for every call the steps started.
   */
  upSteps(input: LabInput): Step[];
  /** Idempotent: waits for in-flight creation, then removes whatever carries the lab's label. */
  down(lab: string): Promise<RemoveReport>;
  list(): Promise<LabSummary[]>;
  /** The running lab; undefined when no lab of that name runs on this driver. */
  attach(lab: string): Promise<RunningLab | undefined>;
  /**
   * Drivers of clusters podlab did not make: binds the driver to the lab's cluster and says which
   * one it is (`up` and `run` print it before anything is created).
   */
  connect?(input: LabInput): Promise<string>;
  /** What `up` would create, one line each, checked as `up` checks it; creates nothing. */
  dryRun?(input: LabInput): Promise<string[]>;
}
