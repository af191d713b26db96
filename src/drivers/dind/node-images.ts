// Copies images from the host engine into nodes' dockerds (`docker save | docker load`, over the
// nodes' API sockets), skipping nodes that already hold the same image ID.
import { copyImage, imageId } from '../../docker/copy-image.js';
import type { DockerHost } from '../../docker/docker-host.js';

export async function loadImageIntoNodes(machine: DockerHost, tag: string, nodeIPs: string[]): Promise<void> {
  const host = await machine.engine();
  const id = await imageId(host, tag);
  await Promise.all(nodeIPs.map((ip) => copyImage(host, machine.nodeEngine(ip), tag, `the node at ${ip}`, id)));
}
