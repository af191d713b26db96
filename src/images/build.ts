// Builds podlab's images with the host engine. Errors arrive inside the build's progress
// stream, not as a failed request, so the stream is scanned and an error fails the build.
import { copyFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import type Docker from 'dockerode';
import { EnvironmentError, tail } from '../errors.js';
import { Label } from '../labels.js';
import { PACKAGE_ROOT } from '../lab/resolve.js';
import { BASE_IMAGE, type ImageSpec } from './catalog.js';
import { contextHash, listContextFiles } from './context-hash.js';

export type BuildOutcome = 'up to date' | 'built';

/** The image as the engine has it: its context-hash label, or undefined when missing. */
export async function builtHash(docker: Docker, tag: string): Promise<string | undefined> {
  try {
    const info = await docker.getImage(tag).inspect();
    return info.Config?.Labels?.[Label.contextHash] ?? '';
  } catch (error) {
    if ((error as { statusCode?: number }).statusCode === 404) return undefined;
    throw error;
  }
}

export async function ensureImage(docker: Docker, image: ImageSpec, options: { force?: boolean } = {}): Promise<BuildOutcome> {
  if (image.builder === 'kind') {
    const { ensureKindImage } = await import('./kind-images.js');
    return ensureKindImage(docker, image as import('./kind-catalog.js').KindImageSpec, options);
  }
  if (image.prepare === 'flanneld') await prepareFlanneld(image.dir);
  const hash = contextHash(image.dir);
  if (!options.force && (await builtHash(docker, image.tag)) === hash) return 'up to date';
  await ensureBaseImage(docker);
  const stream = await docker.buildImage(
    { context: image.dir, src: listContextFiles(image.dir) },
    { t: image.tag, labels: { [Label.contextHash]: hash, [Label.cache]: 'image' }, rm: true, forcerm: true },
  );
  const log: string[] = [];
  const failure = await new Promise<string | undefined>((resolve, reject) => {
    docker.modem.followProgress(
      stream,
      (error: Error | null, events: Array<{ error?: string; errorDetail?: { message?: string } }>) => {
        if (error) return reject(error);
        const failed = events.find((event) => event.error || event.errorDetail);
        resolve(failed ? (failed.errorDetail?.message ?? failed.error) : undefined);
      },
      (event: { stream?: string }) => {
        if (event.stream) log.push(event.stream);
      },
    );
  });
  if (failure !== undefined) {
    throw new EnvironmentError(`building ${image.tag} failed: ${failure}`, {
      command: `docker build -t ${image.tag} ${image.dir}`,
      output: tail(log.join(''), 20),
    });
  }
  return 'built';
}

async function ensureBaseImage(docker: Docker): Promise<void> {
  if ((await builtHash(docker, BASE_IMAGE)) !== undefined) return;
  await runScript('base-image.sh', `${BASE_IMAGE} (debootstrap)`);
}

/** Puts the pinned flanneld into the node image's build context, building it once per machine. */
async function prepareFlanneld(dir: string): Promise<void> {
  const target = join(dir, 'flanneld');
  const cached = (await runScript('flanneld', 'flanneld')).trim().split('\n').pop()!;
  if (!existsSync(cached)) throw new EnvironmentError(`scripts/flanneld did not produce a binary (said: ${cached})`);
  copyFileSync(cached, target);
}

async function runScript(name: string, what: string): Promise<string> {
  const { execa } = await import('execa');
  const result = await execa('bash', [join(PACKAGE_ROOT, 'scripts', name)], { reject: false, all: true });
  if (result.exitCode !== 0) {
    throw new EnvironmentError(`preparing ${what} failed`, { command: `bash scripts/${name}`, output: result.all });
  }
  return result.stdout;
}
