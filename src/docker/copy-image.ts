// Copies an image from one engine to another as `docker save | docker load` would, streamed, and
// only when the target lacks it: an image ID is the digest of its config, which save and load keep,
// so equal IDs mean the same image and nothing is sent.
import type Docker from 'dockerode';
import { EnvironmentError } from '../errors.js';

/** The image ID `tag` names on an engine. */
export async function imageId(docker: Docker, tag: string): Promise<string> {
  return (await docker.getImage(tag).inspect()).Id;
}

/**
 * Resolves true when the image was sent, false when `to` already held it. `where` names `to`;
 * `sourceId`, when the caller already has it (one image to many nodes), spares asking `from`.
 */
export async function copyImage(from: Docker, to: Docker, tag: string, where: string, sourceId?: string): Promise<boolean> {
  const [id, held] = await Promise.all([sourceId ?? imageId(from, tag), imageId(to, tag).catch(() => undefined)]);
  if (held === id) return false;
  const archive = await from.getImage(tag).get();
  const response = (await to.loadImage(archive)) as NodeJS.ReadableStream;
  const output = await readAll(response);
  // The engine reports a failed load inside a 200 response's progress stream.
  if (/"error"/.test(output)) throw new EnvironmentError(`loading ${tag} into ${where} failed`, { output });
  return true;
}

async function readAll(stream: NodeJS.ReadableStream): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.from(chunk as Buffer));
  return Buffer.concat(chunks).toString('utf8');
}
