// podlab exec LAB NODE|pod/NAME [-c CONTAINER] -- CMD...: a command in a node or a pod's
// container, stdio passed through (a TTY when both ends are terminals).
import type { ExecTarget, RunningLab } from '../../drivers/driver.js';
import { InputError } from '../../errors.js';
import { findPod, ResolveError } from '../../probe/resolve.js';
import { parseTarget } from '../../probe/targets.js';
import { attachLab } from '../lab-ref.js';

export async function execCommand(labArg: string, target: string, command: string[], options: { container?: string } = {}): Promise<number> {
  const argv = command[0] === '--' ? command.slice(1) : command;
  if (argv.length === 0) throw new InputError('podlab exec: give the command after --, e.g. podlab exec LAB node1 -- ip route');
  const { lab } = await attachLab(labArg);
  const tty = Boolean(process.stdin.isTTY && process.stdout.isTTY);
  return lab.exec(await execTarget(lab, target, options.container), argv, { tty });
}

async function execTarget(lab: RunningLab, target: string, containerName: string | undefined): Promise<ExecTarget> {
  if (target.startsWith('pod/')) return podTarget(lab, target.slice(4), containerName);
  const node = target.replace(/^node\//, '');
  const nodes = await lab.nodes();
  if (!nodes.some((candidate) => candidate.name === node)) {
    throw new InputError(`lab ${lab.name} has no node "${node}"; its nodes: ${nodes.map((candidate) => candidate.name).join(', ')}`);
  }
  return { kind: 'node', node };
}

/** The pod is named as in assertions: pod/NAME[.NS][#N], NAME a pod or its controller. */
async function podTarget(lab: RunningLab, name: string, containerName: string | undefined): Promise<ExecTarget> {
  const pods = await lab.pods();
  let target;
  try {
    target = parseTarget(`pod/${name}`);
  } catch (error) {
    throw new InputError((error as Error).message);
  }
  if (target.kind !== 'pod') throw new InputError(`pod/${name}: expected pod/NAME[.NAMESPACE][#N]`);
  let found;
  try {
    found = findPod({ pods, services: [], nodes: [] }, target);
  } catch (error) {
    if (!(error instanceof ResolveError)) throw error;
    throw new InputError(`${error.message}; pods: ${pods.map((candidate) => candidate.name).join(', ') || 'none'}`);
  }
  const pod = pods.find((candidate) => candidate.name === found.name && candidate.namespace === found.namespace)!;
  const container = containerName ? pod.containers.find((candidate) => candidate.name === containerName) : pod.containers[0];
  if (!container) throw new InputError(`pod ${pod.name} has no container "${containerName}"; it has: ${pod.containers.map((candidate) => candidate.name).join(', ')}`);
  return { kind: 'pod', pod, container: container.name };
}
