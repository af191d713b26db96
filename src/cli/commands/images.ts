// podlab images build [NAME...] and podlab cache clean.
import { IMAGES, imageSpec } from '../../images/catalog.js';
import { ensureImageOn } from '../../images/ensure-on-host.js';
import { InputError } from '../../errors.js';
import { Label } from '../../labels.js';
import { dockerHost } from '../../drivers/index.js';

export async function imagesBuildCommand(names: string[], options: { force?: boolean }): Promise<void> {
  const specs = names.length === 0 ? IMAGES : names.map((name) => imageSpec(name) ?? unknownImage(name));
  const host = dockerHost();
  // One at a time: the node image's first build also builds flanneld, and two builds would
  // only fight over two cores.
  for (const spec of specs) {
    const started = Date.now();
    const outcome = await ensureImageOn(host, spec, options);
    console.log(`${spec.tag}: ${outcome} (${((Date.now() - started) / 1000).toFixed(1)}s)`);
  }
}

export async function cacheCleanCommand(): Promise<void> {
  const docker = await dockerHost().engine();
  const filters = JSON.stringify({ label: [Label.cache] });
  const containers = await docker.listContainers({ all: true, filters });
  await Promise.all(containers.map((info) => docker.getContainer(info.Id).remove({ force: true, v: true })));
  const volumes = (await docker.listVolumes({ filters })).Volumes ?? [];
  await Promise.all(volumes.map((info) => docker.getVolume(info.Name).remove()));
  const images = await docker.listImages({ filters });
  for (const image of images) await docker.getImage(image.Id).remove({ force: true });
  console.log(`removed ${images.length} images, ${containers.length} containers, ${volumes.length} volumes kept by podlab`);
  console.log('(the flanneld build in ~/.cache/podlab stays; delete it by hand to rebuild flanneld)');
}

function unknownImage(name: string): never {
  throw new InputError(`no image "${name}"; podlab builds: ${IMAGES.map((image) => image.name).join(', ')}`);
}
