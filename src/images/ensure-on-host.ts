// An image of podlab's on the machine a lab runs on. Locally that is ensureImage. A remote engine
// gets what the local engine built (debootstrap and the Go toolchain are here, not there), sent
// only when the remote lacks that exact image: the same content-hash skip, then an ID check.
import type { DockerHost } from '../docker/docker-host.js';
import { copyImage } from '../docker/copy-image.js';
import { ensureImage } from './build.js';
import type { ImageSpec } from './catalog.js';

/** What happened, for the step's note: "up to date", "built", "built, sent", "up to date, sent". */
export async function ensureImageOn(host: DockerHost, image: ImageSpec, options: { force?: boolean } = {}): Promise<string> {
  const [target, builder] = await Promise.all([host.engine(), host.imageBuilder()]);
  const outcome = await ensureImage(builder, image, options);
  if (builder === target) return outcome;
  return (await copyImage(builder, target, image.tag, host.description)) ? `${outcome}, sent` : outcome;
}
