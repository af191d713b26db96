// Everything `up` needs to know before it creates anything: the lab, its manifests as planned
// pods and services, and the hash that tells whether a running lab is already this one. All
// bad input (lab file or manifests) fails here, with exit 2.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { planCluster, type ClusterPlan } from '../k8s/cluster-plan.js';
import { checkObjects, loadManifests } from '../k8s/manifests.js';
import { loadLab, type Lab } from '../lab/load.js';
import { labSchema } from '../lab/schema.js';
import { labPlanHash } from './plan-hash.js';

export interface LabInput {
  lab: Lab;
  hash: string;
  /** Pods and services to run; undefined for a lab without manifests (network only). */
  cluster?: ClusterPlan;
  /** The pod network, for kube-proxy's "traffic from outside the cluster" masquerade rule. */
  clusterCIDR: string;
}

export interface LabOverrides {
  driver?: string;
  /** The cluster of a kube lab (--kubeconfig, --context), relative paths from the working directory. */
  kube?: { kubeconfig?: string; context?: string };
}

/** `driver` overrides the lab file's `driver:` (the CLI's --driver), `kube` its cluster. */
export function loadLabInput(arg: string, variant?: string, options: LabOverrides = {}): LabInput {
  const loaded = loadLab(arg, { variant });
  const lab = withCluster(options.driver ? { ...loaded, driver: options.driver } : loaded, options.kube);
  const texts = lab.manifests.map((manifest) => readFileSync(resolve(lab.dir, manifest), 'utf8'));
  let cluster: ClusterPlan | undefined;
  if (lab.manifests.length > 0) {
    const applied = loadManifests(lab);
    checkObjects(applied);
    cluster = planCluster(applied, { nodes: lab.nodes, serviceCIDR: lab.network.serviceCIDR, dns: lab.network.dns, images: lab.images });
  }
  // Without an overlay every node's docker0 keeps Docker's default range.
  const clusterCIDR = lab.network.overlay === 'flannel' ? lab.network.flannel.config.Network : '172.17.0.0/16';
  return { lab, hash: labPlanHash(lab, texts.join('\n---\n')), cluster, clusterCIDR };
}

/** The lab's kube cluster with the command line's choices over the file's; kubeconfigs made absolute. */
function withCluster(lab: Lab, overrides: LabOverrides['kube'] = {}): Lab {
  if (!lab.kube && !overrides.kubeconfig && !overrides.context) return lab;
  const kube = labSchema.shape.kube.unwrap().parse({ ...lab.kube });
  if (kube.kubeconfig) kube.kubeconfig = resolve(lab.dir, kube.kubeconfig);
  if (overrides.kubeconfig) kube.kubeconfig = resolve(overrides.kubeconfig);
  if (overrides.context) kube.context = overrides.context;
  return { ...lab, kube };
}
