// TO of `podlab trace LAB FROM TO[:PORT]`: an assertion target (pod/…, svc/…, node/…, host,
// an IP) resolved against the lab view, or else a DNS name, which the source resolves itself
// as an application would (so "nothing sent, the name did not resolve" can be the verdict).
import { findPod, resolveDestination } from '../probe/resolve.js';
import { parseTarget, TargetSyntaxError } from '../probe/targets.js';
import type { LabView, ViewPod } from '../probe/view.js';

export interface TraceTarget {
  display: string;
  ip?: string;
  name?: string;
  port?: number;
  pod?: ViewPod;
}

const DNS_NAME = /^(?<name>[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*)(?::(?<port>\d+))?$/;

export function traceTarget(view: LabView, text: string): TraceTarget {
  let target;
  try {
    target = parseTarget(text);
  } catch (error) {
    const name = DNS_NAME.exec(text.trim());
    if (!(error instanceof TargetSyntaxError) || !name) throw error;
    const port = name.groups!.port ? Number(name.groups!.port) : undefined;
    return { display: text.trim(), name: name.groups!.name!, ...(port !== undefined ? { port } : {}) };
  }
  const destination = resolveDestination(view, target);
  const pod = target.kind === 'pod' ? findPod(view, target) : undefined;
  return {
    display: destination.display,
    ip: destination.ip,
    ...(destination.port !== undefined ? { port: destination.port } : {}),
    ...(pod ? { pod } : {}),
  };
}
