// Whether to trust the key an ssh server presents, decided the way OpenSSH decides it: against
// known_hosts, before any credential is offered. An unknown or changed key is an InputError
// (exit 2) that shows the key's SHA256 fingerprint; with acceptNewHostKey an unknown key is
// recorded, as `StrictHostKeyChecking=accept-new` does, while a changed key is still refused.
import { appendFileSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { InputError } from '../errors.js';
import type { SshTarget } from './engine-url.js';
import { checkHostKey, fingerprint, keyTypeOf, knownHostsLine, knownHostsName, recordedKeyTypes } from './ssh-known-hosts.js';

export interface HostKeyOptions {
  /** Default: ~/.ssh/known_hosts. */
  knownHostsFile?: string;
  /** Record the key of a host not in known_hosts yet (a changed key is still refused). */
  acceptNewHostKey?: boolean;
}

export interface HostKeyPolicy {
  /** Host key algorithms to ask for: those recorded for the host first, so its key can be checked. */
  algorithms: string[];
  verify(key: Buffer): boolean;
  /** Why verify() said no, once it has. */
  refusal(): InputError | undefined;
}

/** Host key algorithms in ssh2's default order. */
const HOST_KEY_ALGORITHMS = ['ssh-ed25519', 'ecdsa-sha2-nistp256', 'ecdsa-sha2-nistp384', 'ecdsa-sha2-nistp521', 'rsa-sha2-512', 'rsa-sha2-256', 'ssh-rsa'];

export function hostKeyPolicy(target: SshTarget, options: HostKeyOptions): HostKeyPolicy {
  const file = options.knownHostsFile ?? join(homedir(), '.ssh', 'known_hosts');
  const knownHosts = existsSync(file) ? readFileSync(file, 'utf8') : '';
  const name = knownHostsName(target.host, target.port);
  let refused: InputError | undefined;
  return {
    algorithms: hostKeyOrder(recordedKeyTypes(knownHosts, name)),
    verify(key) {
      const verdict = checkHostKey(knownHosts, name, key);
      if (verdict.status === 'known') return true;
      if (verdict.status === 'unknown' && options.acceptNewHostKey) {
        mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
        const separator = knownHosts === '' || knownHosts.endsWith('\n') ? '' : '\n';
        appendFileSync(file, `${separator}${knownHostsLine(name, key)}\n`, { mode: 0o600 });
        return true;
      }
      refused = hostKeyRefusal(verdict, name, key, file);
      return false;
    },
    refusal: () => refused,
  };
}

function hostKeyOrder(recordedTypes: string[]): string[] {
  const preferred = recordedTypes.flatMap((type) => (type === 'ssh-rsa' ? ['rsa-sha2-512', 'rsa-sha2-256', 'ssh-rsa'] : [type]));
  return [...new Set([...preferred.filter((algorithm) => HOST_KEY_ALGORITHMS.includes(algorithm)), ...HOST_KEY_ALGORITHMS])];
}

function hostKeyRefusal(verdict: ReturnType<typeof checkHostKey>, name: string, key: Buffer, file: string): InputError {
  const presented = `${keyTypeOf(key)} key ${fingerprint(key)}`;
  switch (verdict.status) {
    case 'changed':
      return new InputError(
        `the host key of ${name} has CHANGED: it presented the ${presented}, but ${file}:${verdict.line} records another.\n` +
          `  Someone may be intercepting the connection, or the host was reinstalled. If you know which, remove the old key: ssh-keygen -R '${name}' -f ${file}`,
      );
    case 'revoked':
      return new InputError(`the host key of ${name} (${presented}) is marked @revoked in ${file}:${verdict.line}`);
    default: {
      const others = verdict.status === 'unknown' && verdict.otherTypes.length > 0 ? ` (it records ${verdict.otherTypes.join(', ')} keys for it)` : '';
      return new InputError(
        `the host ${name} is not in ${file}${others}: it presented the ${presented}.\n` +
          `  Check that fingerprint with the host's owner (ssh-keygen -lf /etc/ssh/ssh_host_*.pub there), then run again with --accept-new-host-key, or ssh to it once`,
      );
    }
  }
}
