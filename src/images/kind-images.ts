// Builds the kind images like podlab's other images (a context hash label; rebuilt only when
// the context changed), from a staged copy of images/<dir> plus the toolchain's binaries. The
// node image is then made in two steps: its Dockerfile gives podlab/kind-node-base, and a
// container of that image imports every other kind image into its containerd (namespace k8s.io,
// not unpacked) and is committed as podlab/kind-node: the
// kubelet finds each image kubeadm names already there and never pulls.
import { createHash } from 'node:crypto';
import { copyFileSync, linkSync, mkdirSync, rmSync, writeFileSync, cpSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type Docker from 'dockerode';
import { podlabCacheDir } from '../docker/local-host.js';
import { EnvironmentError, tail } from '../errors.js';
import { Label } from '../labels.js';
import { builtHash, ensureImage, type BuildOutcome } from './build.js';
import type { ImageSpec } from './catalog.js';
import { contextHash } from './context-hash.js';
import { KIND_SHARED_DIR, kindImages, type KindImageSpec } from './kind-catalog.js';
import { ensureToolchain, pinnedVersions } from './toolchain.js';
import { retryUntil } from '../util/retry.js';

/** How the node image's entrypoint and command read once the import container is committed. */
const NODE_ENTRYPOINT = ['/usr/local/bin/entrypoint', '/sbin/init'];

export async function ensureKindImage(docker: Docker, image: KindImageSpec, options: { force?: boolean } = {}): Promise<BuildOutcome> {
  const binaries = await ensureToolchain();
  if (!image.preload) return ensureImage(docker, plainSpec(image, image.tag, stageContext(image, binaries)), options);

  const others = kindImages().filter((other) => !other.preload);
  let rebuilt = false;
  for (const other of others) rebuilt = (await ensureKindImage(docker, other, options)) === 'built' || rebuilt;
  const baseTag = image.tag.replace('/kind-node:', '/kind-node-base:');
  const base = plainSpec(image, baseTag, stageContext(image, binaries));
  rebuilt = (await ensureImage(docker, base, options)) === 'built' || rebuilt;

  // The node's identity: its base context and the exact images it carries.
  const parts = [contextHash(base.dir)];
  for (const other of others) parts.push(`${other.tag}=${(await docker.getImage(other.tag).inspect()).Id}`);
  const hash = createHash('sha256').update(parts.join('\n')).digest('hex').slice(0, 24);
  if (!options.force && !rebuilt && (await builtHash(docker, image.tag)) === hash) return 'up to date';
  await preloadAndCommit(docker, baseTag, image.tag, others.map((other) => other.tag), hash);
  return 'built';
}

/** The staged context as an ordinary image for ensureImage (which hands kind specs back here). */
function plainSpec(image: KindImageSpec, tag: string, dir: string): ImageSpec {
  return { name: image.name, tag, dir };
}

/** A fresh copy of the image's context with its binaries (hard links where possible) and shared files. */
function stageContext(image: KindImageSpec, binaries: Map<string, string>): string {
  const dir = join(podlabCacheDir(), 'contexts', image.name);
  rmSync(dir, { recursive: true, force: true });
  cpSync(image.dir, dir, { recursive: true });
  for (const [binary, target] of Object.entries(image.binaries)) {
    const source = binaries.get(binary);
    if (!source) throw new EnvironmentError(`the kind toolchain has no ${binary}`);
    linkOrCopy(source, join(dir, target));
  }
  for (const file of image.shared) copyFileSync(join(KIND_SHARED_DIR, file), join(dir, file));
  // kind reads the node's Kubernetes version from /kind/version
  if (image.preload) {
    mkdirSync(join(dir, 'kind'), { recursive: true });
    writeFileSync(join(dir, 'kind', 'version'), `${pinnedVersions().kubernetes}\n`);
  }
  return dir;
}

function linkOrCopy(source: string, target: string): void {
  mkdirSync(dirname(target), { recursive: true });
  try {
    linkSync(source, target);
  } catch {
    copyFileSync(source, target);
  }
}

/**
 * Commits `tag`: `baseTag` with `images` imported into its containerd (namespace k8s.io), labelled
 * with `hash`. Also how a kind lab's node image gets the lab's own images (drivers/kind).
 */
export async function preloadAndCommit(docker: Docker, baseTag: string, tag: string, images: string[], hash: string): Promise<void> {
  const { execa } = await import('execa');
  const container = await docker.createContainer({
    Image: baseTag,
    Entrypoint: ['sleep', 'infinity'],
    Cmd: [],
    Labels: { [Label.cache]: 'image-build' },
    // /run and /tmp stay out of the committed image: containerd's socket and state live there
    HostConfig: { Tmpfs: { '/run': '', '/tmp': '' } },
  });
  try {
    await container.start();
    const exec = (args: string[]) => execa('docker', ['exec', container.id, ...args], { reject: false, all: true });
    await exec(['sh', '-c', 'containerd >/tmp/containerd.log 2>&1 &']);
    try {
      await retryUntil('containerd in the node image build container', async () => ((await exec(['ctr', 'version'])).exitCode === 0 ? true : undefined), { timeoutMs: 20_000, intervalMs: 100, maxIntervalMs: 500 });
    } catch (error) {
      throw new EnvironmentError('containerd did not start in the node image build container', { cause: error, output: (await exec(['cat', '/tmp/containerd.log'])).all });
    }

    // docker save | ctr import, not unpacked: the node's containerd unpacks an image on first use,
    // on the snapshotter it runs with (this build container's root is overlayfs, where the
    // overlayfs snapshotter cannot work). containerd 1.6 has no pinned label; kind's kubelet
    // config (imageGCHighThresholdPercent: 100) keeps image GC from removing them.
    const imported = await execa('docker', ['save', ...images], { reject: false, all: true, buffer: false }).pipe(
      'docker',
      ['exec', '-i', container.id, 'ctr', '--namespace=k8s.io', 'images', 'import', '--no-unpack', '--all-platforms', '-'],
      { reject: false, all: true },
    );
    if (imported.exitCode !== 0) {
      throw new EnvironmentError(`importing the kind images into ${tag} failed`, { command: `docker save ... | ctr images import -`, output: tail(imported.all ?? '', 20) });
    }
    const listed = (await exec(['ctr', '--namespace=k8s.io', 'images', 'list', '-q'])).stdout.split('\n');
    const missing = images.filter((image) => !listed.includes(containerdName(image)));
    if (missing.length > 0) throw new EnvironmentError(`the node image's containerd lacks ${missing.join(', ')} after the import`, { output: listed.join('\n') });
    await exec(['sh', '-c', 'kill $(pidof containerd); while pidof containerd >/dev/null; do sleep 0.1; done']);

    await container.stop({ t: 1 });
    await container.commit({
      repo: tag.slice(0, tag.lastIndexOf(':')),
      tag: tag.slice(tag.lastIndexOf(':') + 1),
      changes: [
        `ENTRYPOINT ${JSON.stringify(NODE_ENTRYPOINT)}`,
        'CMD []',
        `LABEL ${Label.contextHash}=${hash} ${Label.cache}=image`,
      ].join('\n'),
    });
  } finally {
    await container.remove({ force: true, v: true });
  }
}

/** The name containerd files a Docker tag under: Docker Hub's domain made explicit. */
export function containerdName(tag: string): string {
  const first = tag.split('/')[0] ?? '';
  const hasDomain = tag.includes('/') && (first.includes('.') || first.includes(':') || first === 'localhost');
  if (hasDomain) return tag;
  return tag.includes('/') ? `docker.io/${tag}` : `docker.io/library/${tag}`;
}
