// podlab get LAB nodes [-o wide|json]
import { DindDriver } from '../../drivers/dind/dind-driver.js';
import type { LabDriver } from '../../drivers/driver.js';
import { InputError } from '../../errors.js';
import { labNames } from '../../drivers/dind/remove.js';
import { hostEngine } from '../engine.js';
import { labNameOf } from '../lab-ref.js';
import { formatTable } from '../table.js';
import { clusterState, listPods, printEndpoints, printPods, printServices } from './get-cluster.js';

export type OutputFormat = 'table' | 'wide' | 'json';

export async function getCommand(labArg: string, kind: string, options: { output?: string }): Promise<void> {
  const format = parseFormat(options.output);
  const what = KINDS[kind];
  if (!what) throw new InputError(`podlab get: unknown kind "${kind}"; expected nodes, pods, svc or ep`);
  const docker = await hostEngine();
  const lab = labNameOf(labArg, await labNames(docker));
  const driver = new DindDriver(docker);
  if (what === 'nodes') return printNodes(driver, lab, format);
  const nodes = await driver.nodes(lab);
  if (nodes.length === 0) throw new InputError(`no lab named "${lab}" is up (see podlab ls)`);
  if (what === 'pods') return printPods(await listPods(nodes), format);
  const state = await clusterState(docker, nodes);
  if (what === 'svc') printServices(state, format);
  else printEndpoints(state, format);
}

const KINDS: Record<string, 'nodes' | 'pods' | 'svc' | 'ep'> = {
  nodes: 'nodes', node: 'nodes', no: 'nodes',
  pods: 'pods', pod: 'pods', po: 'pods',
  svc: 'svc', service: 'svc', services: 'svc',
  ep: 'ep', endpoints: 'ep',
};

export async function printNodes(driver: LabDriver, lab: string, format: OutputFormat): Promise<void> {
  const nodes = await driver.nodes(lab);
  if (nodes.length === 0) throw new InputError(`no lab named "${lab}" is up (see podlab ls)`);
  if (format === 'json') {
    console.log(JSON.stringify(nodes.map(({ labels: _labels, ...node }) => node), null, 2));
    return;
  }
  const headers = ['NAME', 'STATUS', 'UNDERLAY-IP', 'FLANNEL-SUBNET', 'VTEP-MAC'];
  const rows = nodes.map((node) => [node.name, node.status, node.underlayIP, node.flannelSubnet ?? '-', node.vtepMAC ?? '-']);
  if (format === 'wide') {
    headers.push('CONTAINER');
    rows.forEach((row, index) => row.push(nodes[index]!.container));
  }
  console.log(formatTable(headers, rows));
}

function parseFormat(output?: string): OutputFormat {
  if (output === undefined) return 'table';
  if (output === 'wide' || output === 'json') return output;
  throw new InputError(`-o ${output}: expected wide or json`);
}
