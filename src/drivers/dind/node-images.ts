// Copies images from the host engine into nodes' dockerds (`docker save | docker load`, over the
// nodes' API sockets), skipping nodes that already hold the same image ID.
import { EnvironmentError } from '../../errors.js';
import type { DockerHost } from '../../docker/docker-host.js';

export async function loadImageIntoNodes(machine: DockerHost, tag: string, nodeIPs: string[]): Promise<void> {
  const host = await machine.engine();
  const { Id: id } = await host.getImage(tag).inspect();
  await Promise.all(
    nodeIPs.map(async (ip) => {
      const engine = machine.nodeEngine(ip);
      const present = await engine
        .getImage(tag)
        .inspect()
        .then((info) => info.Id === id)
        .catch(() => false);
      if (present) return;
      const archive = await host.getImage(tag).get();
      const response = (await engine.loadImage(archive)) as NodeJS.ReadableStream;
      const output = await readAll(response);
      if (/"error"/.test(output)) throw new EnvironmentError(`loading ${tag} into the node at ${ip} failed`, { output });
    }),
  );
}

async function readAll(stream: NodeJS.ReadableStream): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.from(chunk as Buffer));
  return Buffer.concat(chunks).toString('utf8');
}
