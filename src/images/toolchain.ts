// The kind toolchain: what scripts/k8s-toolchain builds, at which pinned version, where it lives
// in the cache and whether it is there; and what setup found and did about privileged
// containers. `podlab doctor` reports both; the kind image builds find their binaries here.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { podlabCacheDir } from '../docker/local-host.js';
import { EnvironmentError } from '../errors.js';
import { PACKAGE_ROOT } from '../lab/resolve.js';

export const VERSIONS_FILE = join(PACKAGE_ROOT, 'scripts', 'k8s', 'versions.env');
export const FLANNELD_SCRIPT = join(PACKAGE_ROOT, 'scripts', 'flanneld');
export const TOOLCHAIN_SCRIPT = join(PACKAGE_ROOT, 'scripts', 'k8s-toolchain');

export interface ToolchainVersions {
  kubernetes: string;
  kind: string;
  etcd: string;
  /** kubeadm's tag of the etcd image: the version and this suffix (3.5.15-0). */
  etcdImageSuffix: string;
  coredns: string;
  pause: string;
  cniPlugins: string;
  flanneld: string;
}

export interface ToolchainPiece {
  name: string;
  version: string;
  /** Binary name -> absolute path in the cache. */
  binaries: Record<string, string>;
}

export interface PieceStatus extends ToolchainPiece {
  present: boolean;
}

export const KUBERNETES_BINARIES = [
  'kubelet',
  'kubeadm',
  'kubectl',
  'kube-apiserver',
  'kube-controller-manager',
  'kube-scheduler',
  'kube-proxy',
] as const;

/** KEY=VALUE lines of versions.env (comments and blanks skipped). */
export function parseVersionsEnv(text: string): Record<string, string> {
  const values: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const match = /^\s*([A-Z0-9_]+)=(\S*)/.exec(line);
    if (match?.[1] !== undefined) values[match[1]] = match[2] ?? '';
  }
  return values;
}

/** scripts/flanneld pins its version in a `VERSION=` line. */
export function parseFlanneldVersion(script: string): string | undefined {
  return /^VERSION=(\S+)/m.exec(script)?.[1];
}

export function toolchainVersions(versionsEnv: string, flanneldScript: string): ToolchainVersions {
  const env = parseVersionsEnv(versionsEnv);
  const need = (key: string): string => {
    const value = env[key];
    if (!value) throw new EnvironmentError(`scripts/k8s/versions.env has no ${key}`);
    return value;
  };
  const flanneld = parseFlanneldVersion(flanneldScript);
  if (!flanneld) throw new EnvironmentError('scripts/flanneld has no VERSION= line');
  return {
    kubernetes: need('KUBERNETES_VERSION'),
    kind: need('KIND_VERSION'),
    etcd: need('ETCD_VERSION'),
    etcdImageSuffix: env.ETCD_IMAGE_SUFFIX ?? '',
    coredns: need('COREDNS_VERSION'),
    pause: need('PAUSE_VERSION'),
    cniPlugins: need('CNI_PLUGINS_VERSION'),
    flanneld,
  };
}

/** Where scripts/k8s-toolchain (and scripts/flanneld) put each piece: one directory a version. */
export function toolchainPieces(v: ToolchainVersions, cacheDir: string): ToolchainPiece[] {
  const dir = (name: string, version: string) => join(cacheDir, `${name}-${version}`);
  const k8s = dir('kubernetes', v.kubernetes);
  return [
    { name: 'kubernetes', version: v.kubernetes, binaries: Object.fromEntries(KUBERNETES_BINARIES.map((b) => [b, join(k8s, b)])) },
    { name: 'kind', version: v.kind, binaries: { kind: join(dir('kind', v.kind), 'kind') } },
    { name: 'etcd', version: v.etcd, binaries: { etcd: join(dir('etcd', v.etcd), 'etcd') } },
    { name: 'coredns', version: v.coredns, binaries: { coredns: join(dir('coredns', v.coredns), 'coredns') } },
    { name: 'cni-flannel', version: v.cniPlugins, binaries: { flannel: join(dir('cni-flannel', v.cniPlugins), 'flannel') } },
    { name: 'pause', version: v.pause, binaries: { pause: join(dir('pause', v.pause), 'pause') } },
    // scripts/flanneld's own cache: a single file named by its version
    { name: 'flanneld', version: v.flanneld, binaries: { flanneld: join(cacheDir, `flanneld-${v.flanneld}`) } },
  ];
}

export function pinnedVersions(): ToolchainVersions {
  return toolchainVersions(readFileSync(VERSIONS_FILE, 'utf8'), readFileSync(FLANNELD_SCRIPT, 'utf8'));
}

/** Every piece with its version, cache paths and whether all its binaries are built. */
export function toolchainStatus(cacheDir = podlabCacheDir()): PieceStatus[] {
  return toolchainPieces(pinnedVersions(), cacheDir).map((piece) => ({
    ...piece,
    present: Object.values(piece.binaries).every((path) => existsSync(path)),
  }));
}

/** The path of one binary, building the toolchain first when any piece is missing. */
export async function ensureToolchain(cacheDir = podlabCacheDir()): Promise<Map<string, string>> {
  let status = toolchainStatus(cacheDir);
  if (status.some((piece) => !piece.present)) {
    const { execa } = await import('execa');
    // progress lines go straight to the terminal: the Kubernetes build takes minutes
    const result = await execa('bash', [TOOLCHAIN_SCRIPT], { reject: false, stdout: 'ignore', stderr: 'inherit', env: { PODLAB_CACHE_DIR: cacheDir } });
    if (result.exitCode !== 0) throw new EnvironmentError('building the kind toolchain failed', { command: `bash ${TOOLCHAIN_SCRIPT}` });
    status = toolchainStatus(cacheDir);
    const missing = status.filter((piece) => !piece.present).map((piece) => piece.name);
    if (missing.length > 0) throw new EnvironmentError(`scripts/k8s-toolchain left pieces unbuilt: ${missing.join(', ')}`);
  }
  return new Map(status.flatMap((piece) => Object.entries(piece.binaries)));
}

export interface PrivilegedCheck {
  /** What setup saw when it ran a privileged container. */
  found: string;
  /** What setup did about it ("nothing" on ordinary hosts). */
  action: string;
  /** Whether privileged containers worked when setup was done. */
  works: boolean;
  at?: string;
}

/** The record scripts/k8s/privileged-shim.sh leaves, or undefined when setup never ran it. */
export function parsePrivilegedCheck(text: string): PrivilegedCheck | undefined {
  try {
    const record = JSON.parse(text) as Partial<PrivilegedCheck>;
    if (typeof record.found !== 'string' || typeof record.action !== 'string' || typeof record.works !== 'boolean') return undefined;
    return { found: record.found, action: record.action, works: record.works, ...(record.at ? { at: record.at } : {}) };
  } catch {
    return undefined;
  }
}

export function privilegedCheck(cacheDir = podlabCacheDir()): PrivilegedCheck | undefined {
  const file = join(cacheDir, 'privileged-check.json');
  return existsSync(file) ? parsePrivilegedCheck(readFileSync(file, 'utf8')) : undefined;
}

export interface ToolchainCheck {
  name: string;
  ok: boolean;
  detail?: string;
  fix?: string;
}

/**
 * What `podlab doctor` can print about kind: one line a toolchain piece (version, where it is or
 * that it is missing) and one for privileged containers. The toolchain is optional (setup
 * --kind), so its absence is reported, not a failure of the dind labs' checks.
 */
export function toolchainChecks(pieces: PieceStatus[], privileged: PrivilegedCheck | undefined): ToolchainCheck[] {
  const checks: ToolchainCheck[] = pieces.map((piece) => {
    const first = Object.values(piece.binaries)[0] ?? '';
    const where = Object.keys(piece.binaries).length > 1 ? first.slice(0, first.lastIndexOf('/')) : first;
    return piece.present
      ? { name: `kind toolchain: ${piece.name} ${piece.version}`, ok: true, detail: where }
      : { name: `kind toolchain: ${piece.name} ${piece.version}`, ok: false, detail: `not built (${where})`, fix: 'bash scripts/setup --kind' };
  });
  checks.push(
    privileged
      ? { name: 'privileged containers (kind nodes)', ok: privileged.works, detail: `${privileged.found}; setup did: ${privileged.action}` }
      : { name: 'privileged containers (kind nodes)', ok: false, detail: 'not checked yet', fix: 'bash scripts/setup' },
  );
  return checks;
}
