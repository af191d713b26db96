// flannel as the CNI of a kind cluster, the way podlab's dind labs and the seeds' clusters run
// it: flanneld on every node (a DaemonSet on the host network) takes its network config and
// subnet leases from an etcd of the lab's own (--etcd-endpoints/--etcd-prefix), not from the
// Kubernetes API (no --kube-subnet-mgr, so no RBAC either). An init container copies flannel's
// CNI plugin and its conflist into the node's CNI directories; containerd's CNI then delegates
// to Debian's bridge and host-local plugins already in the node image. Pure: text in, text out.
import { stringify } from 'yaml';

type Json = Record<string, unknown>;

export interface FlannelManifestParams {
  /** Client URLs of the lab's etcd, reachable from the nodes (http://IP:2379). */
  etcdEndpoints: string[];
  /** The key prefix holding flannel's config (PREFIX/config) and leases (PREFIX/subnets). */
  etcdPrefix: string;
  /** The flannel image (flanneld + CNI plugin), preloaded in the nodes: never pulled. */
  image: string;
  /** The node interface flanneld uses for the overlay; default: that of the default route. */
  iface?: string;
  /** Masquerade traffic leaving the flannel network (flanneld --ip-masq); default true. */
  ipMasq?: boolean;
  /** More flanneld flags, last. */
  extraArgs?: string[];
  namespace?: string;
  /** Where the node's containerd looks for plugins and configs (the node image's config.toml). */
  cniBinDir?: string;
  cniConfDir?: string;
}

export const FLANNEL_APP_LABEL = 'podlab-kind-flannel';
/** The conflist's file name: first in the directory, so containerd picks it. */
export const FLANNEL_CONFLIST = '10-flannel.conflist';

export function flanneldArgsForKind(params: FlannelManifestParams): string[] {
  if (params.etcdEndpoints.length === 0) throw new Error('flannel needs at least one etcd endpoint');
  if (!params.etcdPrefix.startsWith('/')) throw new Error(`etcd prefix must start with "/": ${params.etcdPrefix}`);
  return [
    `--etcd-endpoints=${params.etcdEndpoints.join(',')}`,
    `--etcd-prefix=${params.etcdPrefix}`,
    ...(params.iface ? [`--iface=${params.iface}`] : []),
    ...(params.ipMasq ?? true ? ['--ip-masq'] : []),
    ...(params.extraArgs ?? []),
  ];
}

/** The CNI config: flannel reads its subnet from /run/flannel/subnet.env and delegates to bridge. */
export function flannelConflist(): Json {
  return {
    name: 'cbr0',
    cniVersion: '0.3.1',
    plugins: [
      { type: 'flannel', delegate: { hairpinMode: true, isDefaultGateway: true } },
      { type: 'portmap', capabilities: { portMappings: true } },
    ],
  };
}

export function flannelManifestObjects(params: FlannelManifestParams): Json[] {
  const namespace = params.namespace ?? 'kube-system';
  const cniBinDir = params.cniBinDir ?? '/opt/cni/bin';
  const cniConfDir = params.cniConfDir ?? '/etc/cni/net.d';
  const labels = { app: FLANNEL_APP_LABEL };
  const configMap = {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: 'kube-flannel-cni', namespace, labels },
    data: { [FLANNEL_CONFLIST]: `${JSON.stringify(flannelConflist(), null, 2)}\n` },
  };
  const hostPath = (name: string, path: string, type: string) => ({ name, hostPath: { path, type } });
  const daemonSet = {
    apiVersion: 'apps/v1',
    kind: 'DaemonSet',
    metadata: { name: 'kube-flannel', namespace, labels },
    spec: {
      selector: { matchLabels: labels },
      template: {
        metadata: { labels },
        spec: {
          hostNetwork: true,
          priorityClassName: 'system-node-critical',
          // every node, the control plane and not-yet-Ready ones included: this is what makes them Ready
          tolerations: [{ operator: 'Exists' }],
          initContainers: [
            {
              name: 'install-cni',
              image: params.image,
              imagePullPolicy: 'Never',
              command: ['sh', '-c', `cp /opt/cni/bin/flannel /host/cni-bin/flannel && cp /etc/kube-flannel/${FLANNEL_CONFLIST} /host/cni-conf/${FLANNEL_CONFLIST}`],
              volumeMounts: [
                { name: 'cni-bin', mountPath: '/host/cni-bin' },
                { name: 'cni-conf', mountPath: '/host/cni-conf' },
                { name: 'cni-config', mountPath: '/etc/kube-flannel' },
              ],
            },
          ],
          containers: [
            {
              name: 'flanneld',
              image: params.image,
              imagePullPolicy: 'Never',
              command: ['/usr/local/bin/flanneld'],
              args: flanneldArgsForKind(params),
              securityContext: { privileged: true, capabilities: { add: ['NET_ADMIN', 'NET_RAW'] } },
              resources: { requests: { cpu: '50m', memory: '32Mi' } },
              volumeMounts: [
                // subnet.env, which the CNI plugin on the node reads
                { name: 'run-flannel', mountPath: '/run/flannel' },
                { name: 'xtables-lock', mountPath: '/run/xtables.lock' },
              ],
            },
          ],
          volumes: [
            hostPath('run-flannel', '/run/flannel', 'DirectoryOrCreate'),
            hostPath('cni-bin', cniBinDir, 'DirectoryOrCreate'),
            hostPath('cni-conf', cniConfDir, 'DirectoryOrCreate'),
            hostPath('xtables-lock', '/run/xtables.lock', 'FileOrCreate'),
            { name: 'cni-config', configMap: { name: 'kube-flannel-cni' } },
          ],
        },
      },
    },
  };
  return [configMap, daemonSet];
}

/** The manifest as multi-document YAML, for `kubectl apply -f -`. */
export function renderFlannelManifest(params: FlannelManifestParams): string {
  return flannelManifestObjects(params)
    .map((object) => stringify(object, { lineWidth: 0 }))
    .join('---\n');
}
