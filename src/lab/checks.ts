// Lab checks that span fields: unique node names, CIDRs that must not overlap, a backend the
// overlay can use. Pure: they return problems with the path to blame.
import { formatCidr, overlaps, parseCidr } from '../net/cidr.js';
import type { FieldPath } from './yaml-source.js';
import type { LabDocument } from './schema.js';

export interface Problem {
  path: FieldPath;
  /** Other fields just as much to blame (a CIDR overlap has two). */
  alsoPaths?: FieldPath[];
  message: string;
}

export function checkLab(lab: LabDocument): Problem[] {
  const problems: Problem[] = [];
  const seen = new Map<string, number>();
  lab.nodes.forEach((node, index) => {
    const first = seen.get(node.name);
    if (node.name === 'etcd') {
      problems.push({ path: ['nodes', index], message: '"etcd" names the lab\'s etcd container; pick another node name' });
    } else if (first !== undefined) {
      problems.push({ path: ['nodes', index], message: `duplicate node name "${node.name}" (also nodes[${first}])` });
    } else {
      seen.set(node.name, index);
    }
  });

  lab.setup.forEach((step, index) => {
    if (step.node !== 'all' && !seen.has(step.node)) {
      problems.push({ path: ['setup', index, 'node'], message: `no node "${step.node}" in this lab; expected one of ${[...seen.keys()].join(', ')} or all` });
    }
  });

  const ranges: { path: FieldPath; what: string; text: string }[] = [
    { path: ['network', 'serviceCIDR'], what: 'service CIDR', text: lab.network.serviceCIDR },
  ];
  if (lab.network.underlay) ranges.unshift({ path: ['network', 'underlay'], what: 'underlay', text: lab.network.underlay });
  if (lab.network.overlay === 'flannel') {
    ranges.push({ path: ['network', 'flannel', 'config', 'Network'], what: 'flannel Network', text: lab.network.flannel.config.Network });
  }
  for (let i = 0; i < ranges.length; i++) {
    for (let j = i + 1; j < ranges.length; j++) {
      const a = ranges[i]!;
      const b = ranges[j]!;
      const ca = parseCidr(a.text);
      const cb = parseCidr(b.text);
      if (ca && cb && overlaps(ca, cb)) {
        problems.push({
          path: b.path,
          alsoPaths: [a.path],
          message: `${b.what} ${formatCidr(cb)} overlaps the ${a.what} ${formatCidr(ca)}; they must be disjoint`,
        });
      }
    }
  }

  if (lab.network.overlay === 'flannel') {
    const config = lab.network.flannel.config;
    const net = parseCidr(config.Network);
    if (net && config.SubnetLen !== undefined && config.SubnetLen <= net.prefix) {
      problems.push({
        path: ['network', 'flannel', 'config', 'SubnetLen'],
        message: `SubnetLen ${config.SubnetLen} must be longer than the Network's /${net.prefix}`,
      });
    }
    if (net && net.prefix > 28) {
      problems.push({ path: ['network', 'flannel', 'config', 'Network'], message: 'flannel needs a Network of /28 or larger' });
    }
  }
  return problems;
}
