// What to trace when an assertion's probe failed (`trace: on-failure`): the same source, the
// same address and a packet like the probe's first one. ping → icmp; tcp and http → a SYN to
// the port (http's default 80). dns and exec have no single packet to follow: undefined.
import type { Probe } from '../probe/expand.js';
import type { ViewPod } from '../probe/view.js';
import type { Proto } from './types.js';

export interface ProbeTrace {
  proto: Proto;
  destination: { display: string; ip: string; port?: number; pod?: ViewPod };
}

export function traceForProbe(probe: Pick<Probe, 'check' | 'destination' | 'to'>, pods: ViewPod[] = []): ProbeTrace | undefined {
  const destination = probe.destination;
  if (!destination?.ip) return undefined;
  // A pod destination names its pod, so a delivery to another pod is called the wrong one.
  const pod = probe.to.startsWith('pod/') ? pods.find((candidate) => candidate.ip === destination.ip && destination.display.startsWith(`pod/${candidate.name}`)) : undefined;
  const base = { display: destination.display, ip: destination.ip, ...(pod ? { pod } : {}) };
  if (probe.check === 'ping') return { proto: 'icmp', destination: base };
  if (probe.check === 'tcp') return { proto: 'tcp', destination: { ...base, ...(destination.port !== undefined ? { port: destination.port } : {}) } };
  if (probe.check === 'http') return { proto: 'tcp', destination: { ...base, port: destination.port ?? 80 } };
  return undefined;
}
