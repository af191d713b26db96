// What assertions can name in a lab: its pods, services and nodes. Built from the plan before
// anything exists (names only, to reject a target that resolves to nothing with exit 2), and
// from the running lab (with addresses) when the probes run.

export interface ViewPod {
  namespace: string;
  name: string;
  node: string;
  labels: Record<string, string>;
  /** "Kind/name" of the controller that made it, or "" for a bare Pod. */
  owner: string;
  /** Creation order, which #N counts in. */
  index: number;
  ip?: string;
  /** The pod's first container, for exec checks. */
  firstContainer?: string;
}

export interface ViewService {
  namespace: string;
  name: string;
  clusterIP: string;
  ports: { name: string; port: number; protocol: 'TCP' | 'UDP'; nodePort?: number }[];
}

export interface ViewNode {
  name: string;
  ip?: string;
}

export interface LabView {
  pods: ViewPod[];
  services: ViewService[];
  nodes: ViewNode[];
  /** The host's address on the lab's underlay (its bridge), when known. */
  hostIP?: string;
}
