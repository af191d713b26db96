// How a kind lab is named, computed from the lab alone: the kind cluster is named after the lab;
// lab node N (in the lab file's order) is kind's Nth worker; the control plane is kind's own.
import { join } from 'node:path';
import { podlabCacheDir } from '../../docker/local-host.js';

export interface KindNames {
  cluster: string;
  /** The Docker network of the lab (KIND_EXPERIMENTAL_DOCKER_NETWORK), not the shared `kind` one. */
  network: string;
  etcd: string;
  controlPlane: string;
  /** kubectl's context in the cluster's kubeconfig. */
  context: string;
  kubeconfig: string;
  /** Lab node name → kind worker (container and Kubernetes node name). */
  workers: Map<string, string>;
}

export function kindNames(lab: string, nodes: string[]): KindNames {
  return {
    cluster: lab,
    network: `podlab-${lab}`,
    etcd: `podlab-${lab}-etcd`,
    controlPlane: `${lab}-control-plane`,
    context: `kind-${lab}`,
    kubeconfig: kubeconfigPath(lab),
    workers: new Map(nodes.map((node, index) => [node, index === 0 ? `${lab}-worker` : `${lab}-worker${index + 1}`])),
  };
}

/** podlab keeps each kind lab's kubeconfig apart from the user's ~/.kube/config. */
export function kubeconfigPath(lab: string): string {
  return join(podlabCacheDir(), 'kind', lab, 'kubeconfig');
}
