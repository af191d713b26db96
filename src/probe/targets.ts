// Assertion targets (SPEC §3) as data: `pod/NAME[.NS][#N][:PORT]`, `pods/SELECTOR|all`,
// `svc/NAME[.NS][:PORT]`, `node/NAME[:PORT]`, `host`, or a literal `IP[:PORT]`.
import { parseIp } from '../net/cidr.js';

export type Target =
  | { kind: 'pod'; name: string; namespace: string; index: number; port?: number }
  | { kind: 'pods'; selector: Record<string, string> | 'all' }
  | { kind: 'svc'; name: string; namespace: string; port?: number }
  | { kind: 'node'; name: string; port?: number }
  | { kind: 'host' }
  | { kind: 'ip'; ip: string; port?: number };

export class TargetSyntaxError extends Error {}

const NAME = '[a-z0-9](?:[a-z0-9-]*[a-z0-9])?';
const POD = new RegExp(`^pod/(?<name>${NAME})(?:\\.(?<ns>${NAME}))?(?:#(?<index>\\d+))?(?::(?<port>\\d+))?$`);
const SVC = new RegExp(`^svc/(?<name>${NAME})(?:\\.(?<ns>${NAME}))?(?::(?<port>\\d+))?$`);
const NODE = new RegExp(`^node/(?<name>${NAME})(?::(?<port>\\d+))?$`);
const IP_PORT = /^(\d+\.\d+\.\d+\.\d+)(?::(\d+))?$/;

export function parseTarget(text: string): Target {
  const trimmed = text.trim();
  if (trimmed === 'host') return { kind: 'host' };
  let groups = POD.exec(trimmed)?.groups;
  if (groups) {
    const index = groups.index ? Number(groups.index) : 1;
    if (index < 1) throw new TargetSyntaxError(`"${text}": #N counts from 1`);
    return { kind: 'pod', name: groups.name!, namespace: groups.ns ?? 'default', index, ...(groups.port ? { port: port(groups.port) } : {}) };
  }
  if (trimmed.startsWith('pods/')) {
    const selector = trimmed.slice('pods/'.length);
    if (selector === 'all') return { kind: 'pods', selector: 'all' };
    const pairs = selector.split(',').map((pair) => pair.split('='));
    if (pairs.some((pair) => pair.length !== 2 || !pair[0] || !pair[1])) {
      throw new TargetSyntaxError(`"${text}": expected pods/all or pods/key=value[,key=value]`);
    }
    return { kind: 'pods', selector: Object.fromEntries(pairs) };
  }
  groups = SVC.exec(trimmed)?.groups;
  if (groups) return { kind: 'svc', name: groups.name!, namespace: groups.ns ?? 'default', port: port(groups.port) };
  groups = NODE.exec(trimmed)?.groups;
  if (groups) return { kind: 'node', name: groups.name!, port: port(groups.port) };
  const match = IP_PORT.exec(trimmed);
  if (match && parseIp(match[1]!) !== undefined) return { kind: 'ip', ip: match[1]!, port: port(match[2]) };
  throw new TargetSyntaxError(`"${text}": expected pod/NAME[#N], pods/SELECTOR, svc/NAME[:PORT], node/NAME[:PORT], host or an IP[:PORT]`);
}

function port(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const value = Number(text);
  if (value < 1 || value > 65535) throw new TargetSyntaxError(`port ${text} is out of range`);
  return value;
}

export function formatTarget(target: Target): string {
  switch (target.kind) {
    case 'host':
      return 'host';
    case 'pod':
      return `pod/${target.name}${target.namespace === 'default' ? '' : `.${target.namespace}`}${target.index === 1 ? '' : `#${target.index}`}${target.port ? `:${target.port}` : ''}`;
    case 'pods':
      return `pods/${target.selector === 'all' ? 'all' : Object.entries(target.selector).map(([k, v]) => `${k}=${v}`).join(',')}`;
    case 'svc':
      return `svc/${target.name}${target.namespace === 'default' ? '' : `.${target.namespace}`}${target.port ? `:${target.port}` : ''}`;
    case 'node':
      return `node/${target.name}${target.port ? `:${target.port}` : ''}`;
    case 'ip':
      return `${target.ip}${target.port ? `:${target.port}` : ''}`;
  }
}

/** Parses "10s", "500ms", "2m" or a number of seconds into milliseconds. */
export function parseDuration(value: string | number): number | undefined {
  if (typeof value === 'number') return value >= 0 ? value * 1000 : undefined;
  const match = /^(\d+(?:\.\d+)?)(ms|s|m)$/.exec(value.trim());
  if (!match) return undefined;
  const amount = Number(match[1]);
  return match[2] === 'ms' ? amount : match[2] === 's' ? amount * 1000 : amount * 60_000;
}
