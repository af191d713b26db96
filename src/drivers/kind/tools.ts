// The kind toolchain's binaries (built once per machine by scripts/k8s-toolchain), run with the
// lab's own kubeconfig: podlab never touches the user's ~/.kube/config or current context.
import { execa } from 'execa';
import { EnvironmentError, tail } from '../../errors.js';
import { ensureToolchain } from '../../images/toolchain.js';

let binaries: Promise<Map<string, string>> | undefined;

export function toolchain(): Promise<Map<string, string>> {
  binaries ??= ensureToolchain();
  return binaries;
}

async function binary(name: string): Promise<string> {
  const path = (await toolchain()).get(name);
  if (!path) throw new EnvironmentError(`the kind toolchain has no ${name}`);
  return path;
}

export interface ToolResult {
  exitCode: number;
  stdout: string;
  stderr: string;
}

export interface ToolOptions {
  signal?: AbortSignal;
  stdin?: string;
  env?: Record<string, string>;
  timeoutMs?: number;
}

async function run(name: string, args: string[], options: ToolOptions): Promise<ToolResult> {
  const result = await execa(await binary(name), args, {
    reject: false,
    cancelSignal: options.signal,
    input: options.stdin,
    env: options.env,
    timeout: options.timeoutMs,
  });
  options.signal?.throwIfAborted();
  return { exitCode: result.exitCode ?? 1, stdout: String(result.stdout ?? ''), stderr: String(result.stderr ?? '') };
}

/** Runs a tool and fails with the pasteable command and its output when it exits non-zero. */
async function runOk(name: string, args: string[], options: ToolOptions, what: string): Promise<string> {
  const result = await run(name, args, options);
  if (result.exitCode !== 0) {
    throw new EnvironmentError(`${what} failed (exit ${result.exitCode})`, { command: `${name} ${args.join(' ')}`, output: tail(`${result.stdout}\n${result.stderr}`, 20) });
  }
  return result.stdout;
}

export function kind(args: string[], options: ToolOptions = {}): Promise<ToolResult> {
  return run('kind', args, options);
}

export function kindOk(args: string[], options: ToolOptions, what: string): Promise<string> {
  return runOk('kind', args, options, what);
}

export function kubectl(kubeconfig: string, args: string[], options: ToolOptions = {}): Promise<ToolResult> {
  return run('kubectl', ['--kubeconfig', kubeconfig, ...args], options);
}

export function kubectlOk(kubeconfig: string, args: string[], options: ToolOptions, what: string): Promise<string> {
  return runOk('kubectl', ['--kubeconfig', kubeconfig, ...args], options, what);
}

/** `kubectl … -o json` parsed. */
export async function kubectlJson<T>(kubeconfig: string, args: string[], options: ToolOptions = {}): Promise<T> {
  return JSON.parse(await kubectlOk(kubeconfig, [...args, '-o', 'json'], options, `kubectl ${args.join(' ')}`)) as T;
}

/** The path of the toolchain's kubectl, for interactive use (exec with a TTY). */
export function kubectlPath(): Promise<string> {
  return binary('kubectl');
}
