// What runs in the source's network namespace (a podlab/probe sidecar, sh): resolve the
// destination if it is a name (with the source's own resolv.conf, as an application would),
// ask the kernel for the route, then send exactly one probe carrying the trace's key (source
// port or ICMP echo id). Its output is cut into sections by markers and parsed here too.
import { parseRouteGet } from './route.js';
import type { RouteDecision, TraceKey } from './types.js';

/** The exit code when the name did not resolve: nothing was sent. */
export const UNRESOLVED_EXIT = 90;

export interface ProbeRequest {
  key: TraceKey;
  /** An address, or a name resolved in the source. */
  destination: { ip?: string; name?: string };
  port?: number;
  timeoutSeconds: number;
}

const sq = (text: string) => `'${text.replace(/'/g, `'\\''`)}'`;

export function probeScript(request: ProbeRequest): string {
  const { key, destination, port, timeoutSeconds } = request;
  const send =
    key.proto === 'icmp'
      ? `ping -n -c 1 -W ${timeoutSeconds} -e ${key.icmpId} "$dst" 2>&1`
      : key.proto === 'tcp'
        ? `nc -v -n -z -w ${timeoutSeconds} -p ${key.sourcePort} "$dst" ${port} 2>&1`
        : `printf podlab-trace | nc -v -u -n -q ${timeoutSeconds} -w ${timeoutSeconds} -p ${key.sourcePort} "$dst" ${port} 2>&1`;
  return [
    `dst=${sq(destination.ip ?? '')}`,
    destination.name
      ? [
          // Which resolvers it asked: 127.0.0.1 in a pod means no cluster DNS.
          `echo "@@resolvers $(awk '/^nameserver/ {print $2}' /etc/resolv.conf | tr '\\n' ' ')"`,
          `dst=$(getent ahostsv4 ${sq(destination.name)} | awk 'NR==1 {print $1}')`,
          `echo "@@resolved $dst"`,
          `[ -n "$dst" ] || exit ${UNRESOLVED_EXIT}`,
        ].join('\n')
      : '',
    'echo @@route',
    'ip -o route get "$dst" 2>&1',
    'echo @@probe',
    send,
    'code=$?',
    'echo "@@exit $code"',
    'exit $code',
  ]
    .filter(Boolean)
    .join('\n');
}

export interface ProbeOutput {
  /** Set when a name was given: the address it resolved to, or undefined. */
  resolved?: string;
  /** The nameservers of the source's resolv.conf, when a name was resolved. */
  resolvers?: string[];
  unresolved: boolean;
  route?: RouteDecision;
  output: string;
  exitCode: number;
}

export function parseProbeOutput(stdout: string, exitCode: number, destination: ProbeRequest['destination']): ProbeOutput {
  const hadName = destination.name !== undefined;
  const section = (name: string) => {
    const start = stdout.indexOf(`@@${name}\n`);
    if (start < 0) return undefined;
    const rest = stdout.slice(start + name.length + 3);
    const end = rest.indexOf('\n@@');
    return (end < 0 ? rest : rest.slice(0, end)).trim();
  };
  const resolvedLine = /^@@resolved ?(.*)$/m.exec(stdout);
  const resolved = resolvedLine?.[1]?.trim() || undefined;
  const resolvers = /^@@resolvers ?(.*)$/m.exec(stdout)?.[1]?.trim().split(/\s+/).filter(Boolean);
  const unresolved = hadName && (exitCode === UNRESOLVED_EXIT || !resolved);
  const routeText = section('route');
  const dst = resolved ?? destination.ip ?? '';
  return {
    ...(hadName ? { resolved } : {}),
    ...(resolvers ? { resolvers } : {}),
    unresolved,
    ...(routeText !== undefined ? { route: parseRouteGet(dst, routeText) } : {}),
    output: section('probe') ?? '',
    exitCode,
  };
}
