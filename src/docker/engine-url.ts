// Which machine's Docker engine a lab runs on, as the user wrote it (`--engine`, `engine:` in the
// lab file, PODLAB_ENGINE): `local` (or nothing) for this machine, `ssh://user@host[:port]` for a
// remote one. Pure: a bad value is an InputError naming where it came from and what was expected,
// before anything connects.
import { InputError } from '../errors.js';

export type EngineTarget = { kind: 'local' } | SshTarget;

export interface SshTarget {
  kind: 'ssh';
  user: string;
  /** A host name or an IP address; IPv6 without brackets. */
  host: string;
  port: number;
}

export const DEFAULT_SSH_PORT = 22;

const EXPECTED = 'expected ssh://user@host[:port] or local';
// What OpenSSH itself accepts in a user name, without the characters that would need escaping.
const USER = /^[A-Za-z0-9._][A-Za-z0-9._-]*$/;
const HOSTNAME = /^[A-Za-z0-9_]([A-Za-z0-9_-]*[A-Za-z0-9_])?(\.[A-Za-z0-9_]([A-Za-z0-9_-]*[A-Za-z0-9_])?)*$/;
const IPV6 = /^[0-9A-Fa-f:.]+$/;

/**
 * `source` names where the value came from, for the message: "--engine", "PODLAB_ENGINE",
 * "lab.yaml:3: engine".
 */
export function parseEngineUrl(value: string | undefined, source = 'engine'): EngineTarget {
  const text = (value ?? '').trim();
  if (text === '' || text === 'local') return { kind: 'local' };
  // A password typed into the URL is refused, and never repeated into logs.
  const shown = text.replace(/^([A-Za-z][A-Za-z0-9+.-]*:\/\/[^:@/]*):[^@/]*@/, '$1:***@');
  const bad = (what: string) => new InputError(`${source}: ${what} (${EXPECTED}), got ${JSON.stringify(shown)}`);

  const scheme = /^([A-Za-z][A-Za-z0-9+.-]*):\/\//.exec(text);
  if (!scheme) throw bad('not an engine URL');
  if (scheme[1]!.toLowerCase() !== 'ssh') {
    throw bad(`the ${scheme[1]}:// scheme is not supported: podlab reaches a remote engine only over ssh`);
  }
  // Parsed by hand rather than with URL: URL percent-decodes, lower-cases and forgives, and a
  // connection string should mean exactly what it says.
  const rest = text.slice(scheme[0].length);
  if (/[/?#]/.test(rest)) throw bad('no path, query or fragment may follow the host');
  const at = rest.lastIndexOf('@');
  if (at < 0) throw bad('no user: write the login user before the host, as in ssh://root@host');
  const userinfo = rest.slice(0, at);
  const hostport = rest.slice(at + 1);
  if (userinfo.includes(':')) {
    throw bad('passwords are not accepted in engine URLs: authenticate with an ssh agent or a key file');
  }
  if (!USER.test(userinfo)) throw bad(`the user ${JSON.stringify(userinfo)} is not a valid login name`);

  const { host, port } = splitHostPort(hostport, bad);
  return { kind: 'ssh', user: userinfo, host, port };
}

function splitHostPort(hostport: string, bad: (what: string) => InputError): { host: string; port: number } {
  let host: string;
  let portText: string | undefined;
  if (hostport.startsWith('[')) {
    const close = hostport.indexOf(']');
    if (close < 0) throw bad('an IPv6 address opened with [ is not closed with ]');
    host = hostport.slice(1, close);
    const after = hostport.slice(close + 1);
    if (after !== '' && !after.startsWith(':')) throw bad('only :port may follow an IPv6 address in brackets');
    portText = after === '' ? undefined : after.slice(1);
    if (!IPV6.test(host) || !host.includes(':')) throw bad(`[${host}] is not an IPv6 address`);
  } else {
    const colons = hostport.split(':').length - 1;
    if (colons > 1) throw bad('an IPv6 address must be written in brackets, as in ssh://root@[fd00::5]:22');
    const colon = hostport.indexOf(':');
    host = colon < 0 ? hostport : hostport.slice(0, colon);
    portText = colon < 0 ? undefined : hostport.slice(colon + 1);
    if (host === '') throw bad('no host after the @');
    if (!HOSTNAME.test(host)) throw bad(`${JSON.stringify(host)} is not a host name or an IPv4 address`);
  }
  return { host, port: portText === undefined ? DEFAULT_SSH_PORT : parsePort(portText, bad) };
}

function parsePort(text: string, bad: (what: string) => InputError): number {
  if (!/^\d+$/.test(text)) throw bad(`the port ${JSON.stringify(text)} is not a number`);
  const port = Number(text);
  if (port < 1 || port > 65535) throw bad(`the port ${port} is outside 1-65535`);
  return port;
}

/** The canonical spelling, for messages and labels: ssh://root@10.0.0.5:22 (port always shown). */
export function formatEngineTarget(target: EngineTarget): string {
  if (target.kind === 'local') return 'local';
  const host = target.host.includes(':') ? `[${target.host}]` : target.host;
  return `ssh://${target.user}@${host}:${target.port}`;
}

/** ` --engine URL` for a command printed to the user (fixes, cleanups); empty for the local engine. */
export function engineFlag(target: EngineTarget): string {
  return target.kind === 'local' ? '' : ` --engine ${formatEngineTarget(target)}`;
}

/** What is wrong with an engine URL, or undefined when it is one (the lab file's `engine:` check). */
export function engineUrlProblem(value: string): string | undefined {
  try {
    parseEngineUrl(value, '');
    return undefined;
  } catch (error) {
    return (error as Error).message.replace(/^: /, '');
  }
}
