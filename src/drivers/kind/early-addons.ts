// flannel and CoreDNS's Corefile go in as soon as kubeadm on the control plane has made the
// cluster's DNS addon, while kind is still joining the workers: flannel's DaemonSet pods then
// start on each worker as it joins, not after `kind create` returns. kubectl runs inside the
// control-plane node with kubeadm's admin.conf (kind writes the lab's kubeconfig only at the end).
// No node is Ready before flannel's CNI config exists, so no CoreDNS pod has started by the time
// its Corefile is patched: it starts with the patched one, and nothing needs restarting.
import type Docker from 'dockerode';
import { execOk } from '../../docker/exec.js';
import { retryUntil } from '../../util/retry.js';
import { corefileWithoutForward } from './coredns.js';

const ADMIN_KUBECONFIG = '/etc/kubernetes/admin.conf';
const ADDONS_TIMEOUT_MS = 180_000;

export interface EarlyAddons {
  /** The flannel DaemonSet and its RBAC, as applied. */
  flannelManifest: string;
  /** false: CoreDNS is scaled to 0 (the seeds' early clusters had no DNS). */
  dns: boolean;
}

/** kubectl in the control-plane node with kubeadm's admin.conf. */
function kubectlInNode(docker: Docker, controlPlane: string, args: string[], signal: AbortSignal, stdin?: string): Promise<string> {
  return execOk(docker, controlPlane, ['kubectl', `--kubeconfig=${ADMIN_KUBECONFIG}`, ...args], { signal, ...(stdin !== undefined ? { stdin } : {}) });
}

export async function installAddonsEarly(docker: Docker, controlPlane: string, addons: EarlyAddons, signal: AbortSignal): Promise<void> {
  // kubeadm's addon phase made both once this answers; before that the node, its API server or
  // the objects may not exist yet.
  const corefile = await retryUntil(
    'kubeadm on the control plane to make the CoreDNS addon',
    async () => {
      const listed = JSON.parse(await kubectlInNode(docker, controlPlane, ['-n', 'kube-system', 'get', 'configmap/coredns', 'deployment/coredns', '-o', 'json'], signal)) as {
        items: Array<{ kind: string; data?: { Corefile?: string } }>;
      };
      return listed.items.find((item) => item.kind === 'ConfigMap')?.data?.Corefile;
    },
    { timeoutMs: ADDONS_TIMEOUT_MS, intervalMs: 500, maxIntervalMs: 1000, signal },
  );
  if (addons.dns) {
    const corefilePatch = JSON.stringify({ data: { Corefile: corefileWithoutForward(corefile) } });
    // kubeadm probes CoreDNS's readiness every 10 s: a CoreDNS that is not ready at its first
    // probe would keep the lab waiting up to 10 s more for an answer it could already give.
    const probePatch = JSON.stringify([{ op: 'replace', path: '/spec/template/spec/containers/0/readinessProbe/periodSeconds', value: 1 }]);
    await Promise.all([
      kubectlInNode(docker, controlPlane, ['-n', 'kube-system', 'patch', 'configmap', 'coredns', '--type', 'merge', '-p', corefilePatch], signal),
      kubectlInNode(docker, controlPlane, ['-n', 'kube-system', 'patch', 'deployment', 'coredns', '--type', 'json', '-p', probePatch], signal),
    ]);
  } else {
    await kubectlInNode(docker, controlPlane, ['-n', 'kube-system', 'scale', 'deployment/coredns', '--replicas=0'], signal);
  }
  // Only now: until flannel's CNI config exists no node is Ready and no CoreDNS pod can start.
  await kubectlInNode(docker, controlPlane, ['apply', '-f', '-'], signal, addons.flannelManifest);
}
