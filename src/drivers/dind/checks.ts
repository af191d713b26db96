// What only the dind driver needs of a lab file: room on the underlay for etcd and every node.
import { blockSize, parseCidr } from '../../net/cidr.js';
import type { Lab } from '../../lab/load.js';
import type { DriverIssue } from '../driver.js';
import { FIRST_NODE_HOST } from './addresses.js';

export function checkForDind(lab: Lab): DriverIssue[] {
  const underlay = lab.network.underlay ? parseCidr(lab.network.underlay) : undefined;
  if (underlay && blockSize(underlay.prefix) < FIRST_NODE_HOST + lab.nodes.length + 1) {
    return [
      {
        path: ['network', 'underlay'],
        message: `${lab.network.underlay} is too small for ${lab.nodes.length} nodes (etcd takes host 2, nodes take hosts ${FIRST_NODE_HOST} onwards)`,
      },
    ];
  }
  return [];
}
