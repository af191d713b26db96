// Node image stores kept between labs. A node's /var/lib/docker lives on a volume from a pool
// (podlab-store-1, -2, ...) that belongs to no lab: the next lab's node finds the images the last
// one loaded, so a warm `up` copies no image at all. A store serves one node at a time: the node
// container carries the store's name in a label, and stores are claimed under a lock so that
// two concurrent `up`s never pick the same one.
import { closeSync, openSync, statSync, unlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type Docker from 'dockerode';
import { Label } from '../../labels.js';
import { retryUntil } from '../../util/retry.js';

export const STORE_PREFIX = 'podlab-store-';
const LOCK_FILE = join(tmpdir(), 'podlab-stores.lock');
/** A lock older than this was left by a process that died while holding it. */
const STALE_LOCK_MS = 120_000;

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
 * them (that is what marks them taken) before it resolves.
 */
export async function withStores<T>(docker: Docker, count: number, signal: AbortSignal, use: (stores: string[]) => Promise<T>): Promise<T> {
  await retryUntil('the node store lock', async () => (tryLock() ? true : undefined), { timeoutMs: 60_000, intervalMs: 50, signal });
  try {
    const holders = await docker.listContainers({ all: true, filters: JSON.stringify({ label: [Label.store] }) });
    const stores = freeStores(new Set(holders.map((holder) => holder.Labels[Label.store]!)), count);
    // Creating an existing volume returns it: only new stores are really made.
    await Promise.all(stores.map((name) => docker.createVolume({ Name: name, Labels: { [Label.cache]: 'node-store' } })));
    return await use(stores);
  } finally {
    unlinkSync(LOCK_FILE);
  }
}

function tryLock(): boolean {
  try {
    closeSync(openSync(LOCK_FILE, 'wx'));
    return true;
  } catch {
    try {
      if (Date.now() - statSync(LOCK_FILE).mtimeMs > STALE_LOCK_MS) unlinkSync(LOCK_FILE);
    } catch {
      // Released meanwhile: the next attempt takes it.
    }
    return false;
  }
}
