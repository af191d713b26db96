import { describe, expect, it } from 'vitest';
import { existingObjects, planCreation } from '../../../../src/drivers/kube/ownership.js';

const svc = (name: string, namespace = 'default') => ({ apiVersion: 'v1', kind: 'Service', metadata: { name, namespace, labels: { 'podlab.lab': 'gb' } } });

describe('what a kube lab may create', () => {
  it('creates absent namespaces first, labelled, and borrows existing ones', () => {
    const plan = planCreation('gb', [svc('a', 'team'), svc('b', 'team'), svc('c')], [], new Set(['default']));
    expect(plan.conflicts).toEqual([]);
    expect(plan.borrowed).toEqual(['default']);
    expect(plan.create.map((object) => `${object.kind}/${(object.metadata as { name: string }).name}`)).toEqual(['Namespace/team', 'Service/a', 'Service/b', 'Service/c']);
    expect((plan.create[0]!.metadata as { labels: object }).labels).toEqual({ 'podlab.lab': 'gb' });
  });

  it('never creates a Namespace manifest whose namespace exists', () => {
    const plan = planCreation('gb', [{ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'team' } }, svc('a', 'team')], [], new Set(['team']));
    expect(plan.create.map((object) => object.kind)).toEqual(['Service']);
    expect(plan.borrowed).toEqual(['team']);
  });

  it('an object that exists already is a conflict, whoever made it', () => {
    const existing = [
      { kind: 'Service', namespace: 'default', name: 'a', labels: {} },
      { kind: 'Service', namespace: 'default', name: 'b', labels: { 'podlab.lab': 'other' } },
      { kind: 'Service', namespace: 'default', name: 'c', labels: { 'podlab.lab': 'gb' } },
      { kind: 'Pod', namespace: 'default', name: 'd', labels: {} },
    ];
    const plan = planCreation('gb', [svc('a'), svc('b'), svc('c'), svc('d')], existing, new Set(['default']));
    expect(plan.conflicts).toEqual([
      "Service default/a exists already without podlab's label: podlab leaves it alone",
      'Service default/b exists already and belongs to lab other: podlab leaves it alone',
      "Service default/c exists already with this lab's label (left by an earlier up: podlab down gb)",
    ]);
    expect(plan.create.map((object) => (object.metadata as { name: string }).name)).toEqual(['d']);
  });

  it('reads kubectl get -f: one object, a List, or nothing', () => {
    expect(existingObjects('')).toEqual([]);
    expect(existingObjects(JSON.stringify({ kind: 'Service', metadata: { name: 'a', namespace: 'default' } }))).toEqual([{ kind: 'Service', namespace: 'default', name: 'a', labels: {} }]);
    expect(existingObjects(JSON.stringify({ kind: 'List', items: [{ kind: 'Pod', metadata: { name: 'p', namespace: 'x', labels: { k: 'v' } } }] }))).toEqual([{ kind: 'Pod', namespace: 'x', name: 'p', labels: { k: 'v' } }]);
  });
});
