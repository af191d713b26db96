// What podlab needs from a way of running labs. The dind driver implements it with dockerode;
// kind and remote hosts are meant to slot in beside it.
import type { Lab } from '../lab/load.js';
import type { DindPlan } from '../plan/dind-plan.js';
import type { Step } from './steps.js';

export interface LabSummary {
  name: string;
  variant: string;
  driver: string;
  nodes: number;
  running: number;
  createdAt: Date;
  labFile?: string;
}

export interface NodeState {
  name: string;
  container: string;
  status: string;
  underlayIP: string;
  /** The host's address on the underlay (the bridge's end). */
  gateway?: string;
  /** FLANNEL_SUBNET from the node's subnet.env, if flannel runs there. */
  flannelSubnet?: string;
  /** MAC of the node's flannel vxlan device. */
  vtepMAC?: string;
  labels: Record<string, string>;
}

export interface RemoveReport {
  containers: number;
  networks: number;
  volumes: number;
}

export interface LabDriver {
  /** Plans the lab and creates its underlay (picking a free subnet if the lab names none). */
  prepare(lab: Lab, hash: string): Promise<DindPlan>;
  /**
   * The steps that bring the planned lab up. They only create; on failure or abort the
   * caller waits for `settle()` and then calls `down`.
   */
  upSteps(plan: DindPlan): Step[];
  /** Resolves once every engine call the steps started has finished (so `down` sees all). */
  settle(): Promise<void>;
  /** The lab as it runs now, or undefined when nothing carries its label. Found by label only. */
  current(lab: string): Promise<{ hash?: string; complete: boolean; nodes: number } | undefined>;
  /** Idempotent: removing a lab that is not there resolves with zero counts. */
  down(lab: string): Promise<RemoveReport>;
  list(): Promise<LabSummary[]>;
  nodes(lab: string): Promise<NodeState[]>;
  /** Runs argv in a node with stdio passed through; resolves with its exit code. */
  execInNode(lab: string, node: string, argv: string[], tty: boolean): Promise<number>;
}
