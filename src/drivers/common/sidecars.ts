// Probe sidecars, made on first use and reused by every probe after: one creation per key even
// when many probes ask at once, and a container a previous run left behind is started, not
// recreated.
import type Docker from 'dockerode';

export class Sidecars {
  private readonly made = new Map<string, Promise<void>>();

  /** Resolves once the container `spec.name` runs on `engine`; `key` tells sidecars apart. */
  ensure(key: string, engine: Docker, spec: Docker.ContainerCreateOptions): Promise<void> {
    let pending = this.made.get(key);
    if (!pending) {
      pending = ensureRunning(engine, spec);
      this.made.set(key, pending);
      pending.catch(() => this.made.delete(key));
    }
    return pending;
  }
}

/** Creates and starts a container, or starts the one a previous run left. */
export async function ensureRunning(engine: Docker, spec: Docker.ContainerCreateOptions): Promise<void> {
  try {
    await (await engine.createContainer(spec)).start();
  } catch (error) {
    if ((error as { statusCode?: number }).statusCode !== 409) throw error;
    const existing = engine.getContainer(spec.name!);
    if (!(await existing.inspect()).State.Running) await existing.start();
  }
}
