// The node image a kind lab starts from: podlab's kind node with the lab's own images already in
// its containerd, committed once per set of images and reused by every later `up` (what the
// dind driver's node stores do for its nodes). No `kind load` at up time: a warm up copies no
// image at all, and nothing is ever pulled.
import { createHash } from 'node:crypto';
import type Docker from 'dockerode';
import { builtHash } from '../../images/build.js';
import { kindNodeTag } from '../../images/kind-catalog.js';
import { preloadAndCommit } from '../../images/kind-images.js';

export const APPS_IMAGE_REPO = 'podlab/kind-node-apps';

/** The identity of a node image with apps: the base image and the exact images it carries. */
export function appsImageHash(baseId: string, images: Array<{ tag: string; id: string }>): string {
  const parts = [baseId, ...[...images].sort((a, b) => a.tag.localeCompare(b.tag)).map((image) => `${image.tag}=${image.id}`)];
  return createHash('sha256').update(parts.join('\n')).digest('hex').slice(0, 16);
}

/** The tag of the node image holding `images` (built when missing); the plain node image for none. */
export async function nodeImageWithApps(docker: Docker, tags: string[]): Promise<{ tag: string; built: boolean }> {
  const base = kindNodeTag();
  // containerd files an image under its full reference: an untagged one is :latest.
  const images = tags.map((tag) => (/:[^/]+$/.test(tag) ? tag : `${tag}:latest`));
  if (images.length === 0) return { tag: base, built: false };
  const baseId = (await docker.getImage(base).inspect()).Id;
  const ids = await Promise.all(images.map(async (tag) => ({ tag, id: (await docker.getImage(tag).inspect()).Id })));
  const hash = appsImageHash(baseId, ids);
  const tag = `${APPS_IMAGE_REPO}:${hash}`;
  if ((await builtHash(docker, tag)) === hash) return { tag, built: false };
  await preloadAndCommit(docker, base, tag, images, hash);
  await removeAppsImagesOfOtherBases(docker, baseId);
  return { tag, built: true };
}

/**
 * A node image with apps is committed on top of one node image and named after its ID: once the
 * node image is rebuilt, the older ones can never be chosen again, and each holds its apps'
 * layers (hundreds of MiB). An image a kind node still runs on stays (the engine refuses).
 */
export async function removeAppsImagesOfOtherBases(docker: Docker, baseId: string): Promise<void> {
  const listed = await docker.listImages({ filters: JSON.stringify({ reference: [APPS_IMAGE_REPO] }) });
  await Promise.all(
    listed
      .filter((image) => image.ParentId !== baseId)
      .map((image) => docker.getImage(image.Id).remove({ force: false, noprune: false }).catch(() => undefined)),
  );
}
