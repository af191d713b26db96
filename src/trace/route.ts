// Parses `ip -o route get` (iproute2 6.1):
//   10.1.20.2 via 10.1.20.0 dev flannel.1 src 10.1.6.0 uid 0 \    cache
//   10.1.20.2 from 10.1.6.2 via 10.1.20.0 dev flannel.1 \    cache iif docker0
//   local 10.1.6.1 dev lo src 10.1.6.1 uid 0 \    cache <local>
//   RTNETLINK answers: Network is unreachable
import type { RouteDecision } from './types.js';

const TYPES = new Set(['local', 'broadcast', 'multicast', 'unreachable', 'prohibit', 'blackhole', 'throw', 'anycast']);

export function parseRouteGet(dst: string, text: string): RouteDecision {
  const trimmed = text.trim();
  const error = /RTNETLINK answers: (.*)|Error: (.*)/.exec(trimmed);
  if (error) return { dst, error: (error[1] ?? error[2])!.trim(), text: trimmed };
  const line = trimmed.split('\n')[0] ?? '';
  const words = line.replace(/\\/g, ' ').split(/\s+/).filter(Boolean);
  const after = (word: string) => {
    const index = words.indexOf(word);
    return index >= 0 ? words[index + 1] : undefined;
  };
  const type = words[0] && TYPES.has(words[0]) ? words[0] : undefined;
  const decision: RouteDecision = { dst, text: line.replace(/\s*\\\s+cache.*$/, '').trim() };
  if (type) decision.type = type;
  const dev = after('dev');
  const via = after('via');
  const src = after('src');
  if (dev) decision.dev = dev;
  if (via) decision.via = via;
  if (src) decision.src = src;
  if (!dev && !type) decision.error = line || 'no answer';
  return decision;
}

export function formatRoute(route: RouteDecision): string {
  if (route.error) return `${route.dst}: ${route.error}`;
  return [route.type, route.dst, route.via ? `via ${route.via}` : '', route.dev ? `dev ${route.dev}` : '', route.src ? `src ${route.src}` : ''].filter(Boolean).join(' ');
}
