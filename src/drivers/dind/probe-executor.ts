// Where probes run on a dind lab. Probe tools come from the podlab/probe image in a sidecar
// that joins the source's network namespace, so the workload's own containers stay untouched:
// for a pod, a container in the pod's node joined to its pause container; for a node, a
// container of the host engine joined to the node container. For the host, a container on the
// lab's underlay: it sees the lab as the host does (nodes and NodePorts answer, pod and cluster
// IPs are not routed to), but a probe aimed at an address the host would send out of its
// default route is dropped at the underlay's edge instead of leaving the machine. Sidecars are
// made on first use and reused; they carry the lab (or live inside a node), so `down` removes
// them.
import type Docker from 'dockerode';
import type { DockerHost } from '../../docker/docker-host.js';
import { execIn } from '../../docker/exec.js';
import { Label } from '../../labels.js';
import type { Source } from '../../probe/resolve.js';
import type { ExecutedCommand, ProbeExecutor } from '../../probe/runner.js';
import type { NodeState } from '../driver.js';
import { labResourceName } from './plan.js';
import { shellQuote } from '../../util/shell-quote.js';
import { Sidecars } from '../common/sidecars.js';
import { NODE_DOCKER_PORT } from './node-engine.js';
import { INFRA_CONTAINER, podContainerName } from './pods.js';

export const PROBE_IMAGE = 'podlab/probe';

export class DindProbeExecutor implements ProbeExecutor {
  private readonly sidecars = new Sidecars();

  constructor(
    private readonly machine: DockerHost,
    private readonly host: Docker,
    private readonly lab: string,
    private readonly nodes: NodeState[],
  ) {}

  async probe(source: Source, argv: string[], timeoutMs: number, signal: AbortSignal): Promise<ExecutedCommand> {
    const { engine, container, docker } = await this.sidecar(source);
    return this.run(engine, container, docker, argv, timeoutMs, signal);
  }

  async exec(source: Source, argv: string[], timeoutMs: number, signal: AbortSignal): Promise<ExecutedCommand> {
    if (source.kind === 'pod') {
      const node = this.node(source.pod.node);
      return this.run(this.machine.nodeEngine(node.underlayIP), source.pod.firstContainer!, `docker -H tcp://${node.underlayIP}:${NODE_DOCKER_PORT}`, argv, timeoutMs, signal);
    }
    if (source.kind === 'node') return this.run(this.host, this.node(source.node.name).container, 'docker', argv, timeoutMs, signal);
    const timeout = AbortSignal.timeout(timeoutMs);
    const result = await this.machine.run(argv, { signal: AbortSignal.any([signal, timeout]) });
    signal.throwIfAborted();
    return { command: shellQuote(argv), exitCode: timeout.aborted ? 124 : result.exitCode, stdout: result.stdout, stderr: result.stderr };
  }

  private async run(engine: Docker, container: string, docker: string, argv: string[], timeoutMs: number, signal: AbortSignal): Promise<ExecutedCommand> {
    const command = `${docker} exec ${container} ${shellQuote(argv)}`;
    try {
      const result = await execIn(engine, container, argv, { signal: AbortSignal.any([signal, AbortSignal.timeout(timeoutMs)]) });
      return { command, ...result };
    } catch (error) {
      signal.throwIfAborted();
      return { command, exitCode: 124, stdout: '', stderr: `no answer within ${timeoutMs} ms (${(error as Error).message})` };
    }
  }

  private node(name: string): NodeState {
    const node = this.nodes.find((candidate) => candidate.name === name);
    if (!node) throw new Error(`node ${name} is not running`);
    return node;
  }

  /** The sidecar for a source, created once: its engine, container name and CLI prefix. */
  private async sidecar(source: Source): Promise<{ engine: Docker; container: string; docker: string }> {
    if (source.kind === 'pod') {
      const node = this.node(source.pod.node);
      const engine = this.machine.nodeEngine(node.underlayIP);
      const container = `podlab-probe_${source.pod.name}_${source.pod.namespace}`;
      await this.sidecars.ensure(`${node.name}/${container}`, engine, {
        name: container,
        Image: PROBE_IMAGE,
        Cmd: ['sleep', 'infinity'],
        Labels: { [Label.lab]: this.lab, [Label.role]: 'probe' },
        HostConfig: { NetworkMode: `container:${podContainerName(source.pod, INFRA_CONTAINER)}` },
      });
      return { engine, container, docker: `docker -H tcp://${node.underlayIP}:${NODE_DOCKER_PORT}` };
    }
    const networkMode = source.kind === 'node' ? `container:${this.node(source.node.name).container}` : labResourceName(this.lab);
    const container = `podlab-${this.lab}-probe-${source.kind === 'node' ? source.node.name : 'host'}`;
    await this.sidecars.ensure(container, this.host, {
      name: container,
      Image: PROBE_IMAGE,
      Cmd: ['sleep', 'infinity'],
      Labels: { [Label.lab]: this.lab, [Label.role]: 'probe' },
      HostConfig: { NetworkMode: networkMode },
    });
    return { engine: this.host, container, docker: 'docker' };
  }
}
