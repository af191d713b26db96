// podlab exec LAB NODE -- CMD...: a command in a node (pods arrive with manifests).
import { DindDriver } from '../../drivers/dind/dind-driver.js';
import { labNames } from '../../drivers/dind/remove.js';
import { InputError } from '../../errors.js';
import { execa } from 'execa';
import { NODE_DOCKER_PORT } from '../../drivers/dind/node-engine.js';
import type { NodeState } from '../../drivers/driver.js';
import { hostEngine } from '../engine.js';
import { listPods } from './get-cluster.js';
import { findPod, ResolveError } from '../../probe/resolve.js';
import { parseTarget } from '../../probe/targets.js';
import { labNameOf } from '../lab-ref.js';

export async function execCommand(labArg: string, target: string, command: string[], options: { container?: string } = {}): Promise<number> {
  const argv = command[0] === '--' ? command.slice(1) : command;
  if (argv.length === 0) throw new InputError('podlab exec: give the command after --, e.g. podlab exec LAB node1 -- ip route');
  const docker = await hostEngine();
  const lab = labNameOf(labArg, await labNames(docker));
  const driver = new DindDriver(docker);
  const nodes = await driver.nodes(lab);
  if (nodes.length === 0) throw new InputError(`no lab named "${lab}" is up (see podlab ls)`);
  const tty = Boolean(process.stdin.isTTY && process.stdout.isTTY);
  if (target.startsWith('pod/')) return execInPod(nodes, target.slice(4), argv, options.container, tty);
  const node = target.replace(/^node\//, '');
  if (!nodes.some((candidate) => candidate.name === node)) {
    throw new InputError(`lab ${lab} has no node "${node}"; its nodes: ${nodes.map((candidate) => candidate.name).join(', ')}`);
  }
  return driver.execInNode(lab, node, argv, tty);
}

/**
 * A pod's container runs in its node's dockerd: the docker CLI talks to that engine directly.
 * The pod is named as in assertions: pod/NAME[.NS][#N], NAME a pod or its controller.
 */
async function execInPod(nodes: NodeState[], name: string, argv: string[], containerName: string | undefined, tty: boolean): Promise<number> {
  const pods = await listPods(nodes);
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
  const node = nodes.find((candidate) => candidate.name === pod.node)!;
  const result = await execa('docker', ['-H', `tcp://${node.underlayIP}:${NODE_DOCKER_PORT}`, 'exec', tty ? '-it' : '-i', container.id, ...argv], { stdio: 'inherit', reject: false });
  return result.exitCode ?? 1;
}
