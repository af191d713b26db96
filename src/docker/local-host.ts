// The machine podlab runs on, as a DockerHost: the engine from DOCKER_HOST (or the local
// socket), node engines straight over the lab's bridge, host commands with execa, and a lock
// file under the user's cache directory held with proper-lockfile (its mtime is refreshed while
// held, so a lock left by a process that died goes stale and is taken over, without the race of
// "check the age, then delete").
import { mkdirSync, writeFileSync, existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import Docker from 'dockerode';
import { execa } from 'execa';
import lockfile from 'proper-lockfile';
import { EnvironmentError } from '../errors.js';
import { retryUntil } from '../util/retry.js';
import { NODE_DOCKER_PORT, type DockerHost, type HostCommandResult } from './docker-host.js';

const LOCK_WAIT_MS = 120_000;
/** A lock whose holder stopped refreshing it this long ago was left by a dead process. */
const LOCK_STALE_MS = 20_000;

export function podlabCacheDir(): string {
  return process.env.PODLAB_CACHE_DIR ?? join(process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'podlab');
}

export class LocalDockerHost implements DockerHost {
  readonly target = { kind: 'local' } as const;
  readonly description = 'local';
  private pinged?: Promise<Docker>;
  private readonly nodeEngines = new Map<string, Docker>();

  engine(): Promise<Docker> {
    this.pinged ??= pingedEngine().catch((error) => {
      this.pinged = undefined;
      throw error;
    });
    return this.pinged;
  }

  imageBuilder(): Promise<Docker> {
    return this.engine();
  }

  nodeEngine(nodeIP: string): Docker {
    let engine = this.nodeEngines.get(nodeIP);
    if (!engine) {
      engine = new Docker({ host: nodeIP, port: NODE_DOCKER_PORT, protocol: 'http', timeout: 60_000 });
      this.nodeEngines.set(nodeIP, engine);
    }
    return engine;
  }

  async run(argv: string[], options: { signal?: AbortSignal; stdin?: string } = {}): Promise<HostCommandResult> {
    const result = await execa(argv[0]!, argv.slice(1), { reject: false, cancelSignal: options.signal, input: options.stdin });
    return { exitCode: result.exitCode ?? (result.isCanceled ? 130 : 127), stdout: String(result.stdout ?? ''), stderr: String(result.stderr ?? result.message ?? '') };
  }

  async withLock<T>(name: string, signal: AbortSignal, fn: () => Promise<T>): Promise<T> {
    const dir = join(podlabCacheDir(), 'locks');
    mkdirSync(dir, { recursive: true });
    const file = join(dir, `${name}.lock`);
    if (!existsSync(file)) writeFileSync(file, '');
    const release = await retryUntil(
      `the ${name} lock (${file}.lock)`,
      async () => {
        try {
          return await lockfile.lock(file, { stale: LOCK_STALE_MS, update: LOCK_STALE_MS / 4, realpath: false });
        } catch (error) {
          if ((error as { code?: string }).code === 'ELOCKED') return undefined;
          throw error;
        }
      },
      { timeoutMs: LOCK_WAIT_MS, intervalMs: 50, maxIntervalMs: 250, signal },
    );
    try {
      return await fn();
    } finally {
      await release().catch(() => undefined);
    }
  }

  async dockerCli(args: string[], options: { nodeIP?: string } = {}): Promise<number> {
    const target = options.nodeIP ? ['-H', `tcp://${options.nodeIP}:${NODE_DOCKER_PORT}`] : [];
    // The docker CLI passes stdin and a TTY through faithfully; the API would need a raw-mode shim.
    const result = await execa('docker', [...target, ...args], { stdio: 'inherit', reject: false });
    return result.exitCode ?? 1;
  }

  async close(): Promise<void> {
    this.nodeEngines.clear();
  }
}

/** The local engine (DOCKER_HOST or the local socket), once it answers; `purpose` is for the message. */
export async function pingedEngine(purpose = ''): Promise<Docker> {
  const docker = new Docker();
  try {
    await docker.ping();
  } catch (error) {
    throw new EnvironmentError(
      `no Docker engine answers${purpose} (` + ((error as Error).message || 'unreachable') + ')\n' +
        '  fix: bash scripts/setup   (installs docker.io from Debian and starts dockerd), or start your engine',
      { cause: error },
    );
  }
  return docker;
}
