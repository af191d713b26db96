import { describe, expect, it } from 'vitest';
import { forCluster, parseObjects } from '../../../../src/drivers/kube/manifests.js';

const [rc, pinned] = parseObjects([
  'apiVersion: v1\nkind: ReplicationController\nmetadata: {name: fe}\nspec:\n  replicas: 2\n  selector: {app: fe}\n  template:\n    metadata: {labels: {app: fe}}\n    spec:\n      containers: [{name: fe, image: php-frontend}, {name: side, image: x, imagePullPolicy: Always}]\n',
  'apiVersion: v1\nkind: Pod\nmetadata: {name: db, namespace: team}\nspec:\n  nodeName: node2\n  containers: [{name: db, image: redis}]\n',
]);
const context = { lab: 'gb', images: { 'php-frontend': 'reg.example/frontend:1' }, nodes: new Map([['node1', 'w1'], ['node2', 'w2']]) };
type Spec = { affinity?: unknown; nodeName?: string; containers: { image: string; imagePullPolicy?: string }[] };
const templateSpec = (object: Record<string, unknown>) => (object.spec as { template: { spec: Spec } }).template.spec;

describe('manifests for an existing cluster', () => {
  it('fills in the pull policy only where the manifest has none, with the lab\'s images', () => {
    const spec = templateSpec(forCluster(rc!, { ...context, pullPolicy: { default: 'IfNotPresent' } }));
    expect(spec.containers).toMatchObject([{ image: 'reg.example/frontend:1', imagePullPolicy: 'IfNotPresent' }, { image: 'x', imagePullPolicy: 'Always' }]);
  });

  it('keeps pods that place nothing on the lab\'s cluster nodes, and pins the rest to theirs', () => {
    const spec = templateSpec(forCluster(rc!, { ...context, confineTo: ['w1', 'w2'] }));
    expect(spec.affinity).toEqual({ nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'kubernetes.io/hostname', operator: 'In', values: ['w1', 'w2'] }] }] } } });
    const pod = forCluster(pinned!, { ...context, confineTo: ['w1', 'w2'] });
    expect((pod.spec as Spec).nodeName).toBe('w2');
    expect((pod.spec as Spec).affinity).toBeUndefined();
  });

  it('gives objects without a namespace the one that was checked', () => {
    expect((forCluster(rc!, { ...context, namespace: 'default' }).metadata as { namespace: string }).namespace).toBe('default');
    expect((forCluster(pinned!, { ...context, namespace: 'default' }).metadata as { namespace: string }).namespace).toBe('team');
  });
});
