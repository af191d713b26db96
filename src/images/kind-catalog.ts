// The images of podlab's kind clusters: the control-plane, CoreDNS, etcd and pause images under
// the exact names kubeadm asks for, flannel for a DaemonSet, and the node image that carries them
// all preloaded. Their contexts under images/ get the toolchain's binaries at build time
// (src/images/kind-images.ts), so their tags follow the pinned versions.
import { join } from 'node:path';
import { PACKAGE_ROOT } from '../lab/resolve.js';
import type { ImageSpec } from './catalog.js';
import { pinnedVersions, type ToolchainVersions } from './toolchain.js';

// not catalog.ts's IMAGES_DIR: catalog.ts imports this module
const IMAGES_DIR = join(PACKAGE_ROOT, 'images');
export const KIND_SHARED_DIR = join(IMAGES_DIR, 'kind-shared');

export interface KindImageSpec extends ImageSpec {
  builder: 'kind';
  /** Toolchain binaries copied into the context: binary name -> path in the context. */
  binaries: Record<string, string>;
  /** Files of images/kind-shared copied into the context. */
  shared: string[];
  /** Only the node image: every other kind image, imported into its containerd. */
  preload?: boolean;
}

const REGISTRY = 'registry.k8s.io';

export function kindNodeTag(v: ToolchainVersions = pinnedVersions()): string {
  return `podlab/kind-node:${v.kubernetes}`;
}

export function kindFlannelTag(v: ToolchainVersions = pinnedVersions()): string {
  return `podlab/kind-flannel:${v.flanneld}`;
}

export function kindImages(v: ToolchainVersions = pinnedVersions()): KindImageSpec[] {
  const image = (name: string, tag: string, dir: string, binaries: Record<string, string>, shared: string[] = []): KindImageSpec => ({
    name,
    tag,
    dir: join(IMAGES_DIR, dir),
    builder: 'kind',
    binaries,
    shared,
  });
  const controlPlane = ['kube-apiserver', 'kube-controller-manager', 'kube-scheduler'].map((binary) =>
    image(`kind-${binary}`, `${REGISTRY}/${binary}:${v.kubernetes}`, 'kind-static', { [binary]: `bin/${binary}` }),
  );
  return [
    ...controlPlane,
    image('kind-kube-proxy', `${REGISTRY}/kube-proxy:${v.kubernetes}`, 'kind-kube-proxy', { 'kube-proxy': 'kube-proxy' }, ['select-iptables-backend']),
    image('kind-etcd', `${REGISTRY}/etcd:${v.etcd}${v.etcdImageSuffix}`, 'kind-static', { etcd: 'bin/etcd' }),
    image('kind-coredns', `${REGISTRY}/coredns/coredns:${v.coredns}`, 'kind-coredns', { coredns: 'coredns' }),
    image('kind-pause', `${REGISTRY}/pause:${v.pause}`, 'kind-pause', { pause: 'pause' }),
    image('kind-flannel', kindFlannelTag(v), 'kind-flannel', { flanneld: 'flanneld', flannel: 'flannel' }, ['select-iptables-backend']),
    {
      ...image('kind-node', kindNodeTag(v), 'kind-node', { kubelet: 'bin/kubelet', kubeadm: 'bin/kubeadm', kubectl: 'bin/kubectl' }, ['select-iptables-backend']),
      preload: true,
    },
  ];
}

export function kindImageSpec(name: string): KindImageSpec | undefined {
  return kindImages().find((image) => image.name === name || image.tag === name);
}
