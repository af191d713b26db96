// Every end-to-end file drives the real Docker engine. Without one, each file fails at once
// with this sentence instead of a socket error deep inside a test; CI still runs them all
// (a failure, never a skip: a CI machine without an engine must not look green).
import Docker from 'dockerode';
import { beforeAll } from 'vitest';

/** An engine that does not answer a ping in this long is as good as absent (a blackholed DOCKER_HOST would otherwise hang until the hook timeout). */
const PING_TIMEOUT_MS = 10_000;

export function requireEngine(): void {
  beforeAll(async () => {
    const where = process.env.DOCKER_HOST ?? 'unix:///var/run/docker.sock';
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no answer in ${PING_TIMEOUT_MS / 1000}s`)), PING_TIMEOUT_MS);
    });
    try {
      await Promise.race([new Docker().ping(), timeout]);
    } catch (error) {
      throw new Error(`no Docker engine answers at ${where} (${(error as Error).message}): end-to-end tests drive a real engine; start one with: bash scripts/setup`);
    } finally {
      clearTimeout(timer);
    }
  }, PING_TIMEOUT_MS + 5_000);
}
