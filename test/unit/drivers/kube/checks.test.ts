import { describe, expect, it } from 'vitest';
import { checkForKube } from '../../../../src/drivers/kube/checks.js';
import { parseLab } from '../../../../src/lab/load.js';

const lab = (text: string) => parseLab('/labs/x/lab.yaml', `name: x\ndriver: kube\n${text}`);
const paths = (text: string) => checkForKube(lab(text)).map((issue) => issue.path.join('.'));
const cluster = 'kube: {kubeconfig: ./kc, context: staging}\n';

describe('the kube driver\'s check', () => {
  it('passes a lab that names only nodes, manifests and assertions', () => {
    expect(paths(`${cluster}nodes: [node1, node2]\n`)).toEqual([]);
  });

  it('passes network fields written as podlab\'s defaults (labs/guestbook writes them out)', () => {
    expect(paths(`${cluster}nodes: [node1]\nnetwork: {overlay: flannel, flannel: {config: {Network: 10.1.0.0/16, SubnetLen: 24, Backend: {Type: vxlan}}}, serviceCIDR: 10.254.0.0/16, dns: true}\n`)).toEqual([]);
  });

  it('names each network field that asks for infrastructure it does not own', () => {
    expect(paths(`${cluster}nodes: [node1]\nnetwork: {underlay: 172.31.9.0/24, mtu: 1400, dns: false, flannel: {config: {Network: 10.2.0.0/16}}}\n`)).toEqual([
      'network.underlay',
      'network.mtu',
      'network.flannel.config',
      'network.dns',
    ]);
  });

  it('refuses setup commands for kube and node labels, and wants kubeconfig and context', () => {
    const issues = paths('nodes: [{name: node1, labels: {zone: a}}]\nsetup:\n  - {node: node1, run: "true"}\n  - {node: node1, run: "true", drivers: [dind]}\n');
    expect(issues).toEqual(['kube.kubeconfig', 'kube.context', 'setup.0', 'nodes.0.labels']);
  });

  it('checks kube.nodes against the lab\'s nodes', () => {
    expect(paths('kube: {kubeconfig: kc, context: c, nodes: {node1: a, node3: b}}\nnodes: [node1, node2]\n')).toEqual(['kube.nodes.node3', 'kube.nodes']);
    expect(paths('kube: {kubeconfig: kc, context: c, nodes: {node1: a, node2: a}}\nnodes: [node1, node2]\n')).toEqual(['kube.nodes']);
  });

  it('kube: is strict', () => {
    expect(() => lab('kube: {kubeconfig: kc, context: c, namespaces: x}\nnodes: [node1]\n')).toThrow(/kube/);
  });
});
