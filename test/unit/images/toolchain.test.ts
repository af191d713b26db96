import { describe, expect, it } from 'vitest';
import { containerdName } from '../../../src/images/kind-images.js';
import { kindImages, kindNodeTag } from '../../../src/images/kind-catalog.js';
import {
  KUBERNETES_BINARIES,
  parseFlanneldVersion,
  parsePrivilegedCheck,
  parseVersionsEnv,
  toolchainChecks,
  toolchainPieces,
  toolchainVersions,
} from '../../../src/images/toolchain.js';

const VERSIONS_ENV = `# pinned
KUBERNETES_VERSION=v1.31.4
KUBERNETES_STAGING_VERSION=v0.31.4
KIND_VERSION=v0.26.0

ETCD_VERSION=3.5.15
ETCD_IMAGE_SUFFIX=-0
COREDNS_VERSION=v1.11.3
PAUSE_VERSION=3.10
CNI_PLUGINS_VERSION=v0.9.1
`;
const FLANNELD_SCRIPT = '#!/usr/bin/env bash\nset -e\nVERSION=v0.26.7   # the pinned upstream flannel\n';
const versions = toolchainVersions(VERSIONS_ENV, FLANNELD_SCRIPT);

describe('kind toolchain', () => {
  it('reads the pinned versions from versions.env and scripts/flanneld', () => {
    expect(parseVersionsEnv(VERSIONS_ENV)).toMatchObject({ KUBERNETES_VERSION: 'v1.31.4', ETCD_IMAGE_SUFFIX: '-0' });
    expect(parseFlanneldVersion(FLANNELD_SCRIPT)).toBe('v0.26.7');
    expect(versions).toEqual({
      kubernetes: 'v1.31.4',
      kind: 'v0.26.0',
      etcd: '3.5.15',
      etcdImageSuffix: '-0',
      coredns: 'v1.11.3',
      pause: '3.10',
      cniPlugins: 'v0.9.1',
      flanneld: 'v0.26.7',
    });
  });

  it('fails loudly on a versions file that lacks a pin', () => {
    expect(() => toolchainVersions(VERSIONS_ENV.replace(/^KIND_VERSION=.*$/m, ''), FLANNELD_SCRIPT)).toThrow(/KIND_VERSION/);
    expect(() => toolchainVersions(VERSIONS_ENV, 'echo no version here')).toThrow(/VERSION/);
  });

  it('keys every piece in the cache by its version', () => {
    const pieces = toolchainPieces(versions, '/c');
    expect(pieces.map((piece) => `${piece.name} ${piece.version}`)).toEqual([
      'kubernetes v1.31.4',
      'kind v0.26.0',
      'etcd 3.5.15',
      'coredns v1.11.3',
      'cni-flannel v0.9.1',
      'pause 3.10',
      'flanneld v0.26.7',
    ]);
    const kubernetes = pieces[0]!;
    expect(Object.keys(kubernetes.binaries)).toEqual([...KUBERNETES_BINARIES]);
    expect(kubernetes.binaries.kubeadm).toBe('/c/kubernetes-v1.31.4/kubeadm');
    expect(pieces.find((piece) => piece.name === 'flanneld')!.binaries.flanneld).toBe('/c/flanneld-v0.26.7');
  });

  it('reads what setup found and did about privileged containers', () => {
    expect(parsePrivilegedCheck('{"found":"privileged container failed: x","action":"installed podlab-runc","works":true,"at":"t"}')).toEqual({
      found: 'privileged container failed: x',
      action: 'installed podlab-runc',
      works: true,
      at: 't',
    });
    expect(parsePrivilegedCheck('{"found":"x","action":"nothing"}')).toBeUndefined();
    expect(parsePrivilegedCheck('not json')).toBeUndefined();
  });
});

describe('doctor lines', () => {
  const pieces = toolchainPieces(versions, '/c').map((piece) => ({ ...piece, present: piece.name !== 'coredns' }));

  it('names each piece with its version, where it is, and how to build what is missing', () => {
    const checks = toolchainChecks(pieces, { found: 'privileged containers work', action: 'nothing', works: true });
    expect(checks[0]).toEqual({ name: 'kind toolchain: kubernetes v1.31.4', ok: true, detail: '/c/kubernetes-v1.31.4' });
    expect(checks.find((check) => check.name.includes('coredns'))).toEqual({
      name: 'kind toolchain: coredns v1.11.3',
      ok: false,
      detail: 'not built (/c/coredns-v1.11.3/coredns)',
      fix: 'bash scripts/setup --kind',
    });
    expect(checks.at(-1)).toMatchObject({ name: 'privileged containers (kind nodes)', ok: true, detail: 'privileged containers work; setup did: nothing' });
  });

  it('fails the privileged line when setup could not make it work, or never checked', () => {
    expect(toolchainChecks([], { found: 'privileged container failed: caps', action: 'nothing: not started by setup', works: false })[0]!.ok).toBe(false);
    expect(toolchainChecks([], undefined)[0]).toMatchObject({ ok: false, fix: 'bash scripts/setup' });
  });
});

describe('kind images', () => {
  it('tags the control-plane images exactly as kubeadm v1.31 names them', () => {
    const tags = kindImages(versions).map((image) => image.tag);
    // `kubeadm config images list --kubernetes-version v1.31.4`
    expect(tags).toEqual(
      expect.arrayContaining([
        'registry.k8s.io/kube-apiserver:v1.31.4',
        'registry.k8s.io/kube-controller-manager:v1.31.4',
        'registry.k8s.io/kube-scheduler:v1.31.4',
        'registry.k8s.io/kube-proxy:v1.31.4',
        'registry.k8s.io/coredns/coredns:v1.11.3',
        'registry.k8s.io/pause:3.10',
        'registry.k8s.io/etcd:3.5.15-0',
      ]),
    );
    expect(kindNodeTag(versions)).toBe('podlab/kind-node:v1.31.4');
    // a plain local tag: a digest would make kind pull
    expect(kindNodeTag(versions)).not.toContain('@');
  });

  it('preloads everything into the node image, and only the node image', () => {
    const preloading = kindImages(versions).filter((image) => image.preload);
    expect(preloading.map((image) => image.name)).toEqual(['kind-node']);
    expect(kindImages(versions).every((image) => image.builder === 'kind')).toBe(true);
  });

  it('names images as containerd files them', () => {
    expect(containerdName('registry.k8s.io/pause:3.10')).toBe('registry.k8s.io/pause:3.10');
    expect(containerdName('podlab/kind-flannel:v0.26.7')).toBe('docker.io/podlab/kind-flannel:v0.26.7');
    expect(containerdName('busybox:1')).toBe('docker.io/library/busybox:1');
    expect(containerdName('localhost:5000/x:1')).toBe('localhost:5000/x:1');
  });
});
