// kubectl against one cluster: a kubeconfig and, for clusters podlab did not make, a context named
// explicitly (podlab never falls back to the user's current context, which may be production).
// Every call is a pasteable command on failure: a Forbidden from a tight RBAC shows as such.
import { execa } from 'execa';
import { EnvironmentError, tail } from '../../errors.js';
import { toolchainStatus } from '../../images/toolchain.js';

export interface ClusterTarget {
  kubeconfig: string;
  /** Required for the kube driver; kind's own kubeconfigs hold one context. */
  context?: string;
}

export interface KubectlResult {
  exitCode: number;
  stdout: string;
  stderr: string;
}

export interface KubectlOptions {
  signal?: AbortSignal;
  stdin?: string;
  timeoutMs?: number;
}

/** PODLAB_KUBECTL, else the kind toolchain's kubectl when built, else kubectl on PATH. */
export function kubectlBinary(): string {
  if (process.env.PODLAB_KUBECTL) return process.env.PODLAB_KUBECTL;
  const built = toolchainStatus()
    .filter((piece) => piece.present)
    .flatMap((piece) => Object.entries(piece.binaries))
    .find(([name]) => name === 'kubectl');
  return built?.[1] ?? 'kubectl';
}

export class Kubectl {
  constructor(readonly target: ClusterTarget) {}

  /** The global flags that pin every call to this cluster. */
  flags(): string[] {
    return ['--kubeconfig', this.target.kubeconfig, ...(this.target.context ? ['--context', this.target.context] : [])];
  }

  async run(args: string[], options: KubectlOptions = {}): Promise<KubectlResult> {
    const result = await execa(kubectlBinary(), [...this.flags(), ...args], {
      reject: false,
      cancelSignal: options.signal,
      input: options.stdin,
      timeout: options.timeoutMs,
    });
    options.signal?.throwIfAborted();
    return { exitCode: result.exitCode ?? 1, stdout: String(result.stdout ?? ''), stderr: String(result.stderr ?? '') };
  }

  /** Fails with the pasteable command and its output when kubectl exits non-zero. */
  async ok(args: string[], options: KubectlOptions, what: string): Promise<string> {
    const result = await this.run(args, options);
    if (result.exitCode !== 0) {
      throw new EnvironmentError(`${what} failed (exit ${result.exitCode})`, { command: `kubectl ${[...this.flags(), ...args].join(' ')}`, output: tail(`${result.stdout}\n${result.stderr}`, 20) });
    }
    return result.stdout;
  }

  /** `kubectl … -o json` parsed. */
  async json<T>(args: string[], options: KubectlOptions = {}): Promise<T> {
    return JSON.parse(await this.ok([...args, '-o', 'json'], options, `kubectl ${args.join(' ')}`)) as T;
  }
}
