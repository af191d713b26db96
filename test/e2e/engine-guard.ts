// Every end-to-end file drives the real Docker engine. Without one, each file fails at once
// with this sentence instead of a socket error deep inside a test; CI still runs them all.
import Docker from 'dockerode';
import { beforeAll } from 'vitest';

export function requireEngine(): void {
  beforeAll(async () => {
    try {
      await new Docker().ping();
    } catch (error) {
      const where = process.env.DOCKER_HOST ?? 'unix:///var/run/docker.sock';
      throw new Error(`no Docker engine answers at ${where} (${(error as Error).message}): end-to-end tests drive a real engine; start one with: bash scripts/setup`);
    }
  });
}
