import { describe, expect, it } from 'vitest';
import { LabFileError } from '../../../src/errors.js';
import { loadLab } from '../../../src/lab/load.js';
import { checkObjects, loadManifests, parseManifests } from '../../../src/k8s/manifests.js';

function issuesOf(text: string): string[] {
  try {
    checkObjects(parseManifests('/m.yaml', text));
  } catch (error) {
    if (error instanceof LabFileError) return error.issues.map((issue) => `${issue.line}:${issue.field}: ${issue.message}`);
    throw error;
  }
  return [];
}

describe('manifests', () => {
  it('parses the bundled guestbook in apply order', () => {
    const applied = loadManifests(loadLab('guestbook'));
    expect(applied.map(({ object }) => `${object.kind}/${object.metadata.name}`)).toEqual([
      'ReplicationController/redis-master',
      'Service/redis-master',
      'ReplicationController/redis-slave',
      'Service/redis-slave',
      'ReplicationController/frontend',
      'Service/frontend',
    ]);
    checkObjects(applied);
  });

  it('takes several documents per file and every supported apiVersion of Deployment', () => {
    const text = `apiVersion: v1\nkind: Namespace\nmetadata: {name: prod}\n---\napiVersion: extensions/v1beta1\nkind: Deployment\nmetadata: {name: web, namespace: prod}\nspec:\n  replicas: 3\n  template:\n    metadata: {labels: {app: web}}\n    spec: {containers: [{name: nginx, image: nginx}]}\n`;
    const applied = parseManifests('/m.yaml', text);
    expect(applied).toHaveLength(2);
    checkObjects(applied);
  });

  it('rejects an unsupported kind, naming it and the line', () => {
    expect(issuesOf('apiVersion: v1\nkind: Pod\nmetadata: {name: a}\nspec: {containers: [{name: c, image: i}]}\n---\napiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata: {name: x}\n')).toEqual([
      expect.stringMatching(/^7:kind: kind "Ingress" is not supported; podlab applies Namespace, Pod/),
    ]);
  });

  it('rejects a field that changes networking and is not implemented', () => {
    const issues = issuesOf('apiVersion: v1\nkind: Pod\nmetadata: {name: a}\nspec:\n  hostNetwork: true\n  containers: [{name: c, image: i}]\n');
    expect(issues).toEqual(['5:spec.hostNetwork: unknown or unsupported field']);
    expect(issuesOf('apiVersion: v1\nkind: Service\nmetadata: {name: s}\nspec:\n  type: LoadBalancer\n  ports: [{port: 80}]\n')).toEqual([
      expect.stringMatching(/^5:spec.type: expected ClusterIP or NodePort/),
    ]);
    expect(issuesOf('apiVersion: v1\nkind: Pod\nmetadata: {name: a}\nspec:\n  containers:\n  - name: c\n    image: i\n    ports: [{containerPort: 80, hostPort: 8080}]\n')).toEqual([
      '8:spec.containers[0].ports[0].hostPort: unknown or unsupported field',
    ]);
  });

  it('ignores fields that do not touch the network', () => {
    expect(issuesOf('apiVersion: v1\nkind: Pod\nmetadata: {name: a, uid: x}\nspec:\n  restartPolicy: Always\n  containers:\n  - {name: c, image: i, imagePullPolicy: Always, resources: {}}\n')).toEqual([]);
  });

  it('checks apiVersion, namespaces, duplicate names and selectors', () => {
    expect(issuesOf('apiVersion: apps/v1\nkind: Pod\nmetadata: {name: a}\nspec: {containers: [{name: c, image: i}]}\n')).toEqual([
      '1:apiVersion: Pod is applied with apiVersion v1, not apps/v1',
    ]);
    expect(issuesOf('apiVersion: v1\nkind: Service\nmetadata: {name: s, namespace: dev}\nspec: {ports: [{port: 80}]}\n')).toEqual([
      '3:metadata.namespace: namespace "dev" does not exist yet; apply a Namespace object before it',
    ]);
    const pod = 'apiVersion: v1\nkind: Pod\nmetadata: {name: a}\nspec: {containers: [{name: c, image: i}]}\n';
    expect(issuesOf(`${pod}---\n${pod}`)).toEqual(['8:metadata.name: Pod "a" is applied twice in namespace default']);
    expect(
      issuesOf('apiVersion: v1\nkind: ReplicationController\nmetadata: {name: r}\nspec:\n  selector: {app: x}\n  template:\n    metadata: {labels: {app: y}}\n    spec: {containers: [{name: c, image: i}]}\n'),
    ).toEqual(['5:spec.selector: selector app=x does not match the template\'s labels app=y']);
  });
});
