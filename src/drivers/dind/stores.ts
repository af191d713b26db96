// Node image stores kept between labs. A node's /var/lib/docker lives on a volume from a pool
// (podlab-store-1, -2, ...) that belongs to no lab: the next lab's node finds the images the last
// one loaded, so a warm `up` copies no image at all. A store serves one node at a time: the node
// container carries the store's name in a label, and stores are claimed under a lock.
import type { DockerHost } from '../../docker/docker-host.js';
import { Label } from '../../labels.js';

export const STORE_PREFIX = 'podlab-store-';

/** The first `count` store names no container uses, in order. */
export function freeStores(used: Set<string>, count: number): string[] {
  const free: string[] = [];
  for (let index = 1; free.length < count; index++) {
    const name = `${STORE_PREFIX}${index}`;
    if (!used.has(name)) free.push(name);
  }
  return free;
}

/**
 * Claims `count` stores and hands them to `use`, which must create the containers that mount
 * them (that is what marks them taken) before it resolves. The claim runs under the engine's
 * machine-wide "stores" lock, so two concurrent `up`s never pick the same store.
 */
export async function withStores<T>(host: DockerHost, count: number, signal: AbortSignal, use: (stores: string[]) => Promise<T>): Promise<T> {
  return host.withLock('stores', signal, async () => {
    const docker = await host.engine();
    const holders = await docker.listContainers({ all: true, filters: JSON.stringify({ label: [Label.store] }) });
    const stores = freeStores(new Set(holders.map((holder) => holder.Labels[Label.store]!)), count);
    // Creating an existing volume returns it: only new stores are really made.
    await Promise.all(stores.map((name) => docker.createVolume({ Name: name, Labels: { [Label.cache]: 'node-store' } })));
    return use(stores);
  });
}
