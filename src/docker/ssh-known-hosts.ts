// OpenSSH's known_hosts, read the way ssh reads it: comma-separated patterns with * ? and !
// negation, hashed names (|1|salt|hmac), `[host]:port` names for ports other than 22, and the
// @revoked / @cert-authority markers. Pure: the file's text in, a verdict out.
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

export type HostKeyVerdict =
  | { status: 'known' }
  /** Nothing recorded for this name and key type. `otherTypes`: key types recorded instead. */
  | { status: 'unknown'; otherTypes: string[] }
  /** The name is recorded with a different key of the same type: possibly an impostor. */
  | { status: 'changed'; line: number }
  | { status: 'revoked'; line: number };

interface Entry {
  line: number;
  marker?: string;
  patterns: string;
  keyType: string;
  key: Buffer;
}

/** The name ssh looks up: `host` on port 22, `[host]:port` otherwise. */
export function knownHostsName(host: string, port: number): string {
  return port === 22 ? host : `[${host}]:${port}`;
}

/** As `ssh-keygen -l` prints it: SHA256 of the key blob, base64 without padding. */
export function fingerprint(keyBlob: Buffer): string {
  return 'SHA256:' + createHash('sha256').update(keyBlob).digest('base64').replace(/=+$/, '');
}

/** The key type an SSH public key blob starts with (a length-prefixed string). */
export function keyTypeOf(keyBlob: Buffer): string {
  if (keyBlob.length < 4) return 'unknown';
  const length = keyBlob.readUInt32BE(0);
  return keyBlob.subarray(4, 4 + length).toString('latin1');
}

/** The line `ssh` would append for this host (unhashed, like HashKnownHosts=no). */
export function knownHostsLine(name: string, keyBlob: Buffer): string {
  return `${name} ${keyTypeOf(keyBlob)} ${keyBlob.toString('base64')}`;
}

export function checkHostKey(knownHosts: string, name: string, keyBlob: Buffer): HostKeyVerdict {
  const keyType = keyTypeOf(keyBlob);
  const entries = parse(knownHosts).filter((entry) => entry.marker !== 'cert-authority');
  // A revoked key is refused whichever host it is presented for.
  const revoked = entries.find((entry) => entry.marker === 'revoked' && entry.key.equals(keyBlob));
  if (revoked) return { status: 'revoked', line: revoked.line };
  const forHost = entries.filter((entry) => entry.marker === undefined && matchesHost(entry.patterns, name));
  if (forHost.some((entry) => entry.keyType === keyType && entry.key.equals(keyBlob))) return { status: 'known' };
  const changed = forHost.find((entry) => entry.keyType === keyType);
  if (changed) return { status: 'changed', line: changed.line };
  return { status: 'unknown', otherTypes: [...new Set(forHost.map((entry) => entry.keyType))] };
}

/** The key types recorded for the name, so the handshake can ask for a key it can check. */
export function recordedKeyTypes(knownHosts: string, name: string): string[] {
  const types = parse(knownHosts)
    .filter((entry) => entry.marker === undefined && matchesHost(entry.patterns, name))
    .map((entry) => entry.keyType);
  return [...new Set(types)];
}

function parse(text: string): Entry[] {
  const entries: Entry[] = [];
  text.split('\n').forEach((raw, index) => {
    const fields = raw.trim().split(/\s+/);
    if (fields[0] === '' || fields[0]!.startsWith('#')) return;
    const marker = fields[0]!.startsWith('@') ? fields.shift()!.slice(1) : undefined;
    const [patterns, keyType, key] = fields;
    // A line ssh could not use either (truncated, no key) is skipped, as ssh skips it.
    if (!patterns || !keyType || !key || !/^[A-Za-z0-9+/]+=*$/.test(key)) return;
    entries.push({ line: index + 1, marker, patterns, keyType, key: Buffer.from(key, 'base64') });
  });
  return entries;
}

export function matchesHost(patterns: string, name: string): boolean {
  if (patterns.startsWith('|1|')) return matchesHashed(patterns, name);
  let matched = false;
  for (const pattern of patterns.split(',')) {
    const negated = pattern.startsWith('!');
    if (!wildcard(negated ? pattern.slice(1) : pattern, name.toLowerCase())) continue;
    // A matching negation overrides every positive match on the line.
    if (negated) return false;
    matched = true;
  }
  return matched;
}

function matchesHashed(field: string, name: string): boolean {
  const [, , salt, hash] = field.split('|');
  if (!salt || !hash) return false;
  const expected = Buffer.from(hash, 'base64');
  const actual = createHmac('sha1', Buffer.from(salt, 'base64')).update(name).digest();
  return expected.length === actual.length && timingSafeEqual(expected, actual);
}

function wildcard(pattern: string, name: string): boolean {
  const regex = pattern
    .toLowerCase()
    .split('')
    .map((char) => (char === '*' ? '.*' : char === '?' ? '.' : char.replace(/[.+^${}()|[\]\\]/g, '\\$&')))
    .join('');
  return new RegExp(`^${regex}$`).test(name);
}
