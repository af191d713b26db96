// Where probes run on a kind lab, leaving the workloads untouched. Each kind node gets one
// sidecar of the podlab/probe image (its tools: iputils ping, OpenBSD nc, curl, dig) sharing the
// node's network and PID namespaces: a node probe runs there as it is; a pod probe enters the
// network namespace of the pod's first container (found through the node's containerd) and sees
// the pod's own resolv.conf, bound over the sidecar's in a private mount namespace. `host` probes
// run from a sidecar on the lab's network, behind the rule that drops what would leave it. An
// exec check runs in the pod's first container itself, with its environment (containerd's exec).
import type Docker from 'dockerode';
import type { DockerHost } from '../../docker/docker-host.js';
import { execIn } from '../../docker/exec.js';
import { Label } from '../../labels.js';
import type { Source } from '../../probe/resolve.js';
import type { ExecutedCommand, ProbeExecutor } from '../../probe/runner.js';
import { shellQuote } from '../../util/shell-quote.js';
import { Sidecars } from '../common/sidecars.js';
import type { KindNames } from './names.js';

const PROBE_IMAGE = 'podlab/probe';

/** `ctr tasks ls` lines: TASK PID STATUS. */
export function parseTaskList(text: string): Map<string, number> {
  const pids = new Map<string, number>();
  for (const line of text.split('\n').slice(1)) {
    const [task, pid] = line.trim().split(/\s+/);
    if (task && pid && /^\d+$/.test(pid)) pids.set(task, Number(pid));
  }
  return pids;
}

/** The argv that runs `argv` in the network namespace of process `pid`, with its resolv.conf. */
export function inPodNetns(pid: number, argv: string[]): string[] {
  // A copy, bound over the sidecar's: binding the /proc path itself binds the node's file.
  const copy = `/tmp/resolv.conf.${pid}`;
  const script = `cat /proc/${pid}/root/etc/resolv.conf > ${copy} && mount --bind ${copy} /etc/resolv.conf && exec nsenter -t ${pid} -n -- "$@"`;
  return ['unshare', '-m', 'sh', '-c', script, 'probe', ...argv];
}

export class KindProbeExecutor implements ProbeExecutor {
  private readonly sidecars = new Sidecars();
  private readonly pids = new Map<string, Promise<Map<string, number>>>();
  private execCount = 0;

  constructor(
    private readonly host: DockerHost,
    private readonly docker: Docker,
    private readonly lab: string,
    private readonly names: KindNames,
  ) {}

  async probe(source: Source, argv: string[], timeoutMs: number, signal: AbortSignal): Promise<ExecutedCommand> {
    if (source.kind === 'host') return this.run(await this.hostSidecar(), argv, timeoutMs, signal);
    const nodeName = source.kind === 'node' ? source.node.name : source.pod.node;
    const sidecar = await this.nodeSidecar(nodeName);
    if (source.kind === 'node') return this.run(sidecar, argv, timeoutMs, signal);
    const pid = await this.pidOf(nodeName, source.pod.firstContainer ?? '');
    return this.run(sidecar, inPodNetns(pid, argv), timeoutMs, signal, argv);
  }

  async exec(source: Source, argv: string[], timeoutMs: number, signal: AbortSignal): Promise<ExecutedCommand> {
    if (source.kind === 'host') {
      const timeout = AbortSignal.timeout(timeoutMs);
      const result = await this.host.run(argv, { signal: AbortSignal.any([signal, timeout]) });
      signal.throwIfAborted();
      return { command: shellQuote(argv), exitCode: timeout.aborted ? 124 : result.exitCode, stdout: result.stdout, stderr: result.stderr };
    }
    const worker = this.worker(source.kind === 'node' ? source.node.name : source.pod.node);
    if (source.kind === 'node') return this.run(worker, argv, timeoutMs, signal);
    const execId = `podlab-${process.pid}-${++this.execCount}`;
    const ctr = ['ctr', '-n', 'k8s.io', 'tasks', 'exec', '--exec-id', execId, source.pod.firstContainer ?? '', ...argv];
    return this.run(worker, ctr, timeoutMs, signal);
  }

  private worker(labNode: string): string {
    const worker = this.names.workers.get(labNode);
    if (!worker) throw new Error(`node ${labNode} is not a node of lab ${this.lab}`);
    return worker;
  }

  private async run(container: string, argv: string[], timeoutMs: number, signal: AbortSignal, shown = argv): Promise<ExecutedCommand> {
    const command = `docker exec ${container} ${shellQuote(shown)}`;
    try {
      const result = await execIn(this.docker, container, argv, { signal: AbortSignal.any([signal, AbortSignal.timeout(timeoutMs)]) });
      return { command, ...result };
    } catch (error) {
      signal.throwIfAborted();
      return { command, exitCode: 124, stdout: '', stderr: `no answer within ${timeoutMs} ms (${(error as Error).message})` };
    }
  }

  /** The PID of a container's task in a node's containerd (read once per node and attach). */
  private async pidOf(labNode: string, containerId: string): Promise<number> {
    const worker = this.worker(labNode);
    let pending = this.pids.get(worker);
    if (!pending) {
      pending = execIn(this.docker, worker, ['ctr', '-n', 'k8s.io', 'tasks', 'ls']).then((result) => parseTaskList(result.stdout));
      this.pids.set(worker, pending);
    }
    const pid = (await pending).get(containerId);
    if (pid === undefined) throw new Error(`container ${containerId.slice(0, 12)} has no running task on ${worker}`);
    return pid;
  }

  private nodeSidecar(labNode: string): Promise<string> {
    const worker = this.worker(labNode);
    const name = `podlab-${this.lab}-probe-${labNode}`;
    return this.once(name, {
      name,
      Image: PROBE_IMAGE,
      Cmd: ['sleep', 'infinity'],
      Labels: { [Label.lab]: this.lab, [Label.role]: 'probe' },
      HostConfig: {
        NetworkMode: `container:${worker}`,
        PidMode: `container:${worker}`,
        // Entering a pod's namespaces and binding its resolv.conf.
        CapAdd: ['SYS_ADMIN', 'SYS_PTRACE', 'NET_ADMIN', 'NET_RAW'],
        SecurityOpt: ['apparmor=unconfined', 'seccomp=unconfined'],
      },
    });
  }

  private hostSidecar(): Promise<string> {
    const name = `podlab-${this.lab}-probe-host`;
    return this.once(name, {
      name,
      Image: PROBE_IMAGE,
      Cmd: ['sleep', 'infinity'],
      Labels: { [Label.lab]: this.lab, [Label.role]: 'probe' },
      HostConfig: { NetworkMode: this.names.network },
    });
  }

  private async once(name: string, spec: Docker.ContainerCreateOptions): Promise<string> {
    await this.sidecars.ensure(name, this.docker, spec);
    return name;
  }
}
