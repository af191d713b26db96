// Removal by label only: whatever carries podlab.lab=<lab> goes, whoever created it.
import type Docker from 'dockerode';
import { Label, labFilter } from '../../labels.js';
import type { RemoveReport } from '../driver.js';
import type { DockerHost } from '../../docker/docker-host.js';
import { removeBridgeRules } from './host-rules.js';

export async function removeLab(host: DockerHost, lab: string): Promise<RemoveReport> {
  const docker = await host.engine();
  const filters = JSON.stringify(labFilter(lab));
  const containers = await docker.listContainers({ all: true, filters });
  await Promise.all(
    containers.map((info) =>
      docker
        .getContainer(info.Id)
        .remove({ force: true, v: true })
        .catch(ignoreMissing),
    ),
  );
  const networks = await docker.listNetworks({ filters });
  await Promise.all(networks.map((info) => docker.getNetwork(info.Id).remove().catch(ignoreMissing)));
  const volumes = (await docker.listVolumes({ filters })).Volumes ?? [];
  await Promise.all([
    ...volumes.map((info) => docker.getVolume(info.Name).remove().catch(ignoreMissing)),
    removeBridgeRules(host, lab),
  ]);
  return { containers: containers.length, networks: networks.length, volumes: volumes.length };
}

/**
 * Every lab that has at least one labelled resource, with the driver its resources name ('' when
 * none says: a probe sidecar left alone, say).
 */
export async function labsByLabel(docker: Docker): Promise<Map<string, string>> {
  const filters = JSON.stringify(labFilter());
  const [containers, networks, volumes] = await Promise.all([
    docker.listContainers({ all: true, filters }),
    docker.listNetworks({ filters }),
    docker.listVolumes({ filters }),
  ]);
  const labs = new Map<string, string>();
  for (const item of [...containers, ...networks, ...(volumes.Volumes ?? [])]) {
    const name = item.Labels?.[Label.lab];
    if (name) labs.set(name, labs.get(name) || (item.Labels?.[Label.driver] ?? ''));
  }
  return new Map([...labs.entries()].sort(([a], [b]) => a.localeCompare(b)));
}

function ignoreMissing(error: { statusCode?: number }): void {
  // Already gone (removed concurrently, or by a previous interrupted down): that is the goal.
  if (error.statusCode !== 404) throw error;
}
