// What a kube lab cannot ask for: on a cluster podlab did not make, the network (underlay, overlay,
// flannel, service range, DNS), setup commands on nodes and node labels describe infrastructure
// podlab does not own. A network field equal to podlab's default asks for nothing and passes, so a
// lab written for dind (guestbook says `overlay: flannel`) runs as it is. Pure.
import type { Lab } from '../../lab/load.js';
import { labSchema } from '../../lab/schema.js';
import type { FieldPath } from '../../lab/yaml-source.js';
import type { DriverIssue } from '../driver.js';

const NOT_OWNED = 'describes infrastructure podlab does not own on an existing cluster';

export function checkForKube(lab: Lab): DriverIssue[] {
  const issues: DriverIssue[] = [];
  if (!lab.kube?.kubeconfig) issues.push({ path: ['kube', 'kubeconfig'], message: 'a kube lab needs its cluster\'s kubeconfig: kube.kubeconfig in the lab file, or --kubeconfig' });
  if (!lab.kube?.context) {
    issues.push({ path: ['kube', 'context'], message: 'name the cluster\'s context explicitly (kube.context, or --context): podlab never uses the current context' });
  }
  issues.push(...networkIssues(lab));
  lab.setup.forEach((step, index) => {
    if (step.drivers && !step.drivers.includes('kube')) return;
    issues.push({ path: ['setup', index], message: `a setup command runs on a node: it ${NOT_OWNED} (limit it with drivers: [dind, kind])` });
  });
  lab.nodes.forEach((node, index) => {
    if (Object.keys(node.labels).length > 0) issues.push({ path: ['nodes', index, 'labels'], message: `node labels are the cluster's own: a lab's nodes only name cluster nodes, and labelling them ${NOT_OWNED}` });
  });
  const names = new Set(lab.nodes.map((node) => node.name));
  const mapped = lab.kube?.nodes;
  if (mapped) {
    for (const key of Object.keys(mapped)) if (!names.has(key)) issues.push({ path: ['kube', 'nodes', key], message: `no node "${key}" in this lab; expected one of ${[...names].join(', ')}` });
    const missing = [...names].filter((name) => !(name in mapped));
    if (missing.length > 0) issues.push({ path: ['kube', 'nodes'], message: `every lab node needs a cluster node; missing: ${missing.join(', ')}` });
    const clusterNodes = Object.values(mapped);
    const twice = clusterNodes.filter((name, index) => clusterNodes.indexOf(name) !== index);
    if (twice.length > 0) issues.push({ path: ['kube', 'nodes'], message: `cluster node ${twice[0]} plays two lab nodes` });
  }
  return issues;
}

/** Every network field the lab sets to something other than podlab's default. */
function networkIssues(lab: Lab): DriverIssue[] {
  const defaults = labSchema.shape.network.parse(undefined) as Record<string, unknown>;
  const actual = lab.network as Record<string, unknown>;
  const differs = (a: unknown, b: unknown) => JSON.stringify(a) !== JSON.stringify(b);
  const issues: DriverIssue[] = [];
  const blame = (path: FieldPath) => issues.push({ path, message: `${path.join('.')} ${NOT_OWNED}: the cluster has its own` });
  for (const key of Object.keys(actual)) {
    if (key === 'flannel') {
      const flannel = actual.flannel as Record<string, unknown>;
      const flannelDefaults = defaults.flannel as Record<string, unknown>;
      for (const inner of Object.keys(flannel)) if (differs(flannel[inner], flannelDefaults[inner])) blame(['network', 'flannel', inner]);
    } else if (differs(actual[key], defaults[key])) {
      blame(['network', key]);
    }
  }
  return issues;
}
