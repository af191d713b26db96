import { describe, expect, it } from 'vitest';
import { LabFileError } from '../../../src/errors.js';
import { loadLab, parseLab } from '../../../src/lab/load.js';
import { deepMerge } from '../../../src/lab/merge.js';

const LAB = `
name: demo
nodes: [node1, {name: node2, labels: {zone: b}}]
network:
  flannel:
    config: {Network: 10.1.0.0/16, SubnetLen: 24, Backend: {Type: vxlan, VNI: 1}}
variants:
  udp:
    network: {flannel: {config: {Backend: {Type: udp}}}}
  flat:
    nodes: [solo]
    network: {overlay: none, forwardPolicy: DROP}
`;

describe('lab loading', () => {
  it('fills defaults and normalises nodes', () => {
    const lab = parseLab('/labs/demo/lab.yaml', LAB);
    expect(lab.driver).toBe('dind');
    expect(lab.nodes).toEqual([
      { name: 'node1', labels: {} },
      { name: 'node2', labels: { zone: 'b' } },
    ]);
    expect(lab.network).toMatchObject({ overlay: 'flannel', mtu: 1500, serviceCIDR: '10.254.0.0/16', dns: true });
    expect(lab.network.flannel.prefix).toBe('/coreos.com/network');
    expect(lab.variantNames).toEqual(['udp', 'flat']);
    expect(lab.dir).toBe('/labs/demo');
  });

  it('deep-merges a variant over the lab, keeping keys it does not touch', () => {
    const lab = parseLab('/labs/demo/lab.yaml', LAB, 'udp');
    expect(lab.variant).toBe('udp');
    expect(lab.network.flannel.config).toEqual({ Network: '10.1.0.0/16', SubnetLen: 24, Backend: { Type: 'udp', VNI: 1 } });
  });

  it('replaces lists in a variant', () => {
    const lab = parseLab('/labs/demo/lab.yaml', LAB, 'flat');
    expect(lab.nodes.map((node) => node.name)).toEqual(['solo']);
    expect(lab.network.overlay).toBe('none');
    expect(lab.network.forwardPolicy).toBe('DROP');
  });

  it('names the variants a lab has when asked for another', () => {
    expect(() => parseLab('/labs/demo/lab.yaml', LAB, 'nope')).toThrow(/no variant "nope"; this lab has: udp, flat/);
  });

  it('rejects a variant that sets fields a variant may not', () => {
    const text = `${LAB}  renamed:\n    name: other\n`;
    expect(() => parseLab('/l.yaml', text)).toThrow(LabFileError);
    expect(() => parseLab('/l.yaml', text)).toThrow(/variants\.renamed\.name: unknown field/);
  });

  it('defaults the flannel backend to vxlan rather than flannel\'s own udp fallback', () => {
    const lab = parseLab('/l.yaml', 'name: x\nnodes: [a]\nnetwork: {flannel: {config: {Network: 10.9.0.0/16}}}\n');
    expect(lab.network.flannel.config.Backend).toEqual({ Type: 'vxlan' });
  });

  it('loads the bundled labs by name', () => {
    const vxlan = loadLab('flannel-vxlan');
    expect(vxlan.nodes).toHaveLength(3);
    expect(vxlan.network.flannel.config.Network).toBe('10.1.0.0/16');
    expect(loadLab('flannel-vxlan', { variant: 'udp' }).network.flannel.config.Backend.Type).toBe('udp');
    expect(loadLab('no-overlay').network.overlay).toBe('none');
  });

  it('says what a LAB argument may be when nothing is there', () => {
    expect(() => loadLab('/nowhere/lab.yaml')).toThrow(/no lab at/);
  });
});

describe('deepMerge', () => {
  it('merges maps, replaces lists and scalars', () => {
    expect(deepMerge({ a: { b: 1, c: [1, 2] }, d: 1 }, { a: { c: [3] }, d: 2 })).toEqual({ a: { b: 1, c: [3] }, d: 2 });
    expect(deepMerge({ a: 1 }, undefined)).toEqual({ a: 1 });
  });
});
