import { describe, expect, it } from 'vitest';
import { kindClusterConfig } from '../../../../src/drivers/kind/cluster-config.js';
import { checkForKind } from '../../../../src/drivers/kind/checks.js';
import { forKind, parseObjects } from '../../../../src/drivers/kind/manifests.js';
import { kindNames } from '../../../../src/drivers/kind/names.js';
import { parseLab } from '../../../../src/lab/load.js';

const names = kindNames('demo', ['node1', 'node2']);
const context = { lab: 'demo', images: { redis: 'podlab/redis-master', 'php-frontend': 'podlab/guestbook-php-frontend' }, workers: names.workers };

describe('kind names', () => {
  it('maps lab nodes to kind workers in order', () => {
    expect([...names.workers]).toEqual([['node1', 'demo-worker'], ['node2', 'demo-worker2']]);
    expect(names).toMatchObject({ cluster: 'demo', network: 'podlab-demo', controlPlane: 'demo-control-plane', context: 'kind-demo' });
  });
});

describe('manifests for kind', () => {
  const [pod, rc] = parseObjects([
    'apiVersion: v1\nkind: Pod\nmetadata: {name: db}\nspec:\n  nodeName: node2\n  containers: [{name: db, image: redis:7}]\n',
    'apiVersion: v1\nkind: ReplicationController\nmetadata: {name: fe, labels: {app: fe}}\nspec:\n  replicas: 2\n  selector: {app: fe}\n  template:\n    metadata: {labels: {app: fe}}\n    spec:\n      nodeSelector: {kubernetes.io/hostname: node1, zone: a}\n      containers: [{name: fe, image: php-frontend}]\n',
  ]);

  it('labels every object with the lab, keeping its own labels', () => {
    expect((forKind(rc!, context).metadata as { labels: object }).labels).toEqual({ app: 'fe', 'podlab.lab': 'demo' });
    expect((forKind(pod!, context).metadata as { labels: object }).labels).toEqual({ 'podlab.lab': 'demo' });
    const template = (forKind(rc!, context).spec as { template: { metadata: { labels: object } } }).template;
    expect(template.metadata.labels).toEqual({ app: 'fe', 'podlab.lab': 'demo' });
  });

  it('substitutes images and never pulls', () => {
    const spec = (forKind(pod!, context).spec as { containers: Array<{ image: string; imagePullPolicy: string }> });
    expect(spec.containers[0]).toMatchObject({ image: 'podlab/redis-master', imagePullPolicy: 'Never' });
  });

  it('pins a pod named to a lab node onto the kind worker playing it', () => {
    expect((forKind(pod!, context).spec as { nodeName: string }).nodeName).toBe('demo-worker2');
    const template = ((forKind(rc!, context).spec as { template: { spec: { nodeSelector: object } } }).template.spec);
    expect(template.nodeSelector).toEqual({ 'kubernetes.io/hostname': 'demo-worker', zone: 'a' });
  });

  it('spreads a controller\'s replicas one per node unless it places them itself', () => {
    const [deployment] = parseObjects(['apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\nspec:\n  replicas: 3\n  selector: {matchLabels: {app: web}}\n  template:\n    metadata: {labels: {app: web}}\n    spec:\n      containers: [{name: web, image: nginx}]\n']);
    const spec = (forKind(deployment!, context).spec as { template: { spec: { topologySpreadConstraints: unknown } } }).template.spec;
    expect(spec.topologySpreadConstraints).toEqual([{ maxSkew: 1, topologyKey: 'kubernetes.io/hostname', whenUnsatisfiable: 'DoNotSchedule', nodeTaintsPolicy: 'Honor', labelSelector: { matchLabels: { app: 'web', 'podlab.lab': 'demo' } } }]);
    expect((forKind(pod!, context).spec as { topologySpreadConstraints?: unknown }).topologySpreadConstraints).toBeUndefined();
  });

  it('serves the seeds\' Deployments as apps/v1, with the selector the old API defaulted to', () => {
    const [old] = parseObjects(['apiVersion: extensions/v1beta1\nkind: Deployment\nmetadata: {name: nginx}\nspec:\n  replicas: 3\n  template:\n    metadata: {labels: {app: nginx}}\n    spec:\n      containers: [{name: nginx, image: nginx}]\n']);
    const upgraded = forKind(old!, context);
    expect(upgraded.apiVersion).toBe('apps/v1');
    expect((upgraded.spec as { selector: object }).selector).toEqual({ matchLabels: { app: 'nginx' } });
    const [current] = parseObjects(['apiVersion: v1\nkind: Service\nmetadata: {name: s}\nspec: {ports: [{port: 80}]}\n']);
    expect(forKind(current!, context).apiVersion).toBe('v1');
  });

  it('leaves the original objects untouched', () => {
    forKind(pod!, context);
    expect((pod!.spec as { nodeName: string }).nodeName).toBe('node2');
  });
});

describe('kind cluster config', () => {
  it('a control plane and a labelled worker per lab node, default CNI off, the lab\'s subnets', () => {
    const lab = parseLab('/l/lab.yaml', 'name: demo\nnodes: [node1, {name: node2, labels: {zone: b}}]\nnetwork:\n  serviceCIDR: 10.96.0.0/16\n');
    const config = kindClusterConfig(lab, 'podlab/kind-node:v1.31.4');
    expect(config.networking).toEqual({ disableDefaultCNI: true, kubeProxyMode: 'iptables', podSubnet: '10.1.0.0/16', serviceSubnet: '10.96.0.0/16' });
    expect(config.nodes).toEqual([
      { role: 'control-plane', image: 'podlab/kind-node:v1.31.4' },
      { role: 'worker', image: 'podlab/kind-node:v1.31.4', labels: { 'podlab.io/node': 'node1' } },
      { role: 'worker', image: 'podlab/kind-node:v1.31.4', labels: { zone: 'b', 'podlab.io/node': 'node2' } },
    ]);
  });

  it('refuses what only the classic wiring has, naming the field', () => {
    const lab = parseLab('/l/lab.yaml', 'name: demo\nnodes: [a]\nnetwork:\n  forwardPolicy: DROP\n  dockerMTU: 1400\n  flannel: {args: [--iptables-forward-rules=false]}\n');
    expect(checkForKind(lab).map((issue) => issue.path.join('.'))).toEqual(['network.forwardPolicy', 'network.dockerMTU', 'network.flannel.args']);
    const flat = parseLab('/l/lab.yaml', 'name: demo\nnodes: [a]\nnetwork: {overlay: none}\n');
    expect(checkForKind(flat)[0]!.path).toEqual(['network', 'overlay']);
    expect(checkForKind(parseLab('/l/lab.yaml', 'name: ok\nnodes: [a]\n'))).toEqual([]);
  });
});

describe('node image with the lab\'s images', () => {
  it('is named by the base and the exact images it carries, whatever their order', async () => {
    const { appsImageHash } = await import('../../../../src/drivers/kind/apps-image.js');
    const images = [{ tag: 'podlab/nginx', id: 'sha256:aa' }, { tag: 'podlab/busybox', id: 'sha256:bb' }];
    const hash = appsImageHash('sha256:base', images);
    expect(appsImageHash('sha256:base', [...images].reverse())).toBe(hash);
    expect(appsImageHash('sha256:base2', images)).not.toBe(hash);
    expect(appsImageHash('sha256:base', [images[0]!, { tag: 'podlab/busybox', id: 'sha256:cc' }])).not.toBe(hash);
    expect(hash).toMatch(/^[0-9a-f]{16}$/);
  });
});
