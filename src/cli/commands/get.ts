// podlab get LAB nodes|pods|svc|ep [-o wide|json]: kubectl-like tables of a running lab.
import { InputError } from '../../errors.js';
import { attachLab } from '../lab-ref.js';
import { printEndpoints, printNodes, printPods, printServices, type OutputFormat } from '../print.js';

export async function getCommand(labArg: string, kind: string, options: { output?: string }): Promise<void> {
  const format = parseFormat(options.output);
  const what = KINDS[kind];
  if (!what) throw new InputError(`podlab get: unknown kind "${kind}"; expected nodes, pods, svc or ep`);
  const { lab } = await attachLab(labArg);
  if (what === 'nodes') return printNodes(await lab.nodes(), format);
  if (what === 'pods') return printPods(await lab.pods(), format);
  const services = await lab.services();
  if (what === 'svc') printServices(services, format);
  else printEndpoints(services, format);
}

const KINDS: Record<string, 'nodes' | 'pods' | 'svc' | 'ep'> = {
  nodes: 'nodes', node: 'nodes', no: 'nodes',
  pods: 'pods', pod: 'pods', po: 'pods',
  svc: 'svc', service: 'svc', services: 'svc',
  ep: 'ep', endpoints: 'ep',
};

function parseFormat(output?: string): OutputFormat {
  if (output === undefined) return 'table';
  if (output === 'wide' || output === 'json') return output;
  throw new InputError(`-o ${output}: expected wide or json`);
}
