// podlab exec LAB NODE -- CMD...: a command in a node (pods arrive with manifests).
import { DindDriver } from '../../drivers/dind/dind-driver.js';
import { labNames } from '../../drivers/dind/remove.js';
import { InputError } from '../../errors.js';
import { hostEngine } from '../engine.js';
import { labNameOf } from '../lab-ref.js';

export async function execCommand(labArg: string, target: string, command: string[]): Promise<number> {
  const argv = command[0] === '--' ? command.slice(1) : command;
  if (argv.length === 0) throw new InputError('podlab exec: give the command after --, e.g. podlab exec LAB node1 -- ip route');
  const node = target.replace(/^node\//, '');
  const docker = await hostEngine();
  const lab = labNameOf(labArg, await labNames(docker));
  const driver = new DindDriver(docker);
  const nodes = await driver.nodes(lab);
  if (nodes.length === 0) throw new InputError(`no lab named "${lab}" is up (see podlab ls)`);
  if (!nodes.some((candidate) => candidate.name === node)) {
    throw new InputError(`lab ${lab} has no node "${node}"; its nodes: ${nodes.map((candidate) => candidate.name).join(', ')}`);
  }
  return driver.execInNode(lab, node, argv, Boolean(process.stdin.isTTY && process.stdout.isTTY));
}
