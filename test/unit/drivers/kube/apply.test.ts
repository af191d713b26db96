// createInOrder: the lab's order, one kubectl create per object, and before each object that
// starts pods a wait for the Services created since the last wait (none for headless ones).
import { describe, expect, it } from 'vitest';
import { createInOrder } from '../../../../src/drivers/kube/apply.js';
import type { Kubectl } from '../../../../src/drivers/kube/kubectl.js';

type Json = Record<string, unknown>;
const service = (name: string, clusterIP: string): Json => ({ kind: 'Service', metadata: { name }, spec: { clusterIP } });
const controller = (kind: string, name: string): Json => ({ kind, metadata: { name } });

/** A kubectl that records each create and answers a Service's `-o json` with its ClusterIP. */
function recordingKubectl(events: string[]): Kubectl {
  return {
    ok: async (args: string[], options: { stdin?: string }) => {
      const object = JSON.parse(options.stdin!) as Json & { metadata: { name: string } };
      events.push(`create ${String(object.kind)} ${object.metadata.name}${args.includes('json') ? ' -o json' : ''}`);
      return args.includes('json') ? JSON.stringify(object) : `${String(object.kind).toLowerCase()}/${object.metadata.name} created`;
    },
  } as unknown as Kubectl;
}

describe('createInOrder', () => {
  const objects = [
    controller('ReplicationController', 'redis-master'),
    service('redis-master', '10.254.0.20'),
    controller('ConfigMap', 'settings'),
    controller('ReplicationController', 'redis-slave'),
    service('redis-slave', '10.254.0.21'),
    service('headless', 'None'),
    controller('Deployment', 'frontend'),
    service('frontend', '10.254.0.22'),
  ];

  it('waits, before each object that starts pods, for the Services created since the last wait', async () => {
    const events: string[] = [];
    await createInOrder(recordingKubectl(events), objects, new AbortController().signal, {
      untilServicesRouted: async (clusterIPs) => void events.push(`wait ${clusterIPs.join(',')}`),
    });
    expect(events).toEqual([
      'create ReplicationController redis-master',
      'create Service redis-master -o json',
      'create ConfigMap settings',
      'wait 10.254.0.20',
      'create ReplicationController redis-slave',
      'create Service redis-slave -o json',
      'create Service headless -o json',
      'wait 10.254.0.21',
      'create Deployment frontend',
      'create Service frontend -o json',
    ]);
  });

  it('creates in order without waiting when the driver cannot read the nodes', async () => {
    const events: string[] = [];
    await createInOrder(recordingKubectl(events), objects, new AbortController().signal);
    expect(events.filter((event) => event.startsWith('wait'))).toEqual([]);
    expect(events).toHaveLength(objects.length);
  });
});
