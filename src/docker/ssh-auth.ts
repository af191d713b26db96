// Which credentials podlab offers an ssh server, in ssh's own order: the agent first, then key
// files (PODLAB_SSH_KEY, or ~/.ssh/id_ed25519, id_ecdsa, id_rsa when present). Never a password:
// an encrypted key podlab cannot use without one is an error that says to load it into the agent.
import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import ssh2 from 'ssh2';
import { InputError } from '../errors.js';

const { utils } = ssh2;

export type AuthMethod = { type: 'agent'; username: string; agent: string } | { type: 'publickey'; username: string; key: Buffer };

export interface SshCredentialOptions {
  /** The agent's socket; false offers no agent. Default: $SSH_AUTH_SOCK. */
  agentSocket?: string | false;
  /** Key files to offer, in order. Default: $PODLAB_SSH_KEY, or the usual ~/.ssh/id_* files. */
  keyFiles?: string[];
}

export interface Credentials {
  methods: AuthMethod[];
  /** What was offered, for the message when the server refuses them all. */
  offered: string[];
}

const DEFAULT_KEYS = ['id_ed25519', 'id_ecdsa', 'id_rsa'];

export function sshCredentials(username: string, options: SshCredentialOptions = {}, env = process.env): Credentials {
  const methods: AuthMethod[] = [];
  const offered: string[] = [];
  const agent = options.agentSocket ?? env.SSH_AUTH_SOCK;
  if (agent) {
    methods.push({ type: 'agent', username, agent });
    offered.push(`the ssh agent at ${agent}`);
  }
  const named = options.keyFiles ?? (env.PODLAB_SSH_KEY ? [env.PODLAB_SSH_KEY] : undefined);
  const files = named ?? DEFAULT_KEYS.map((name) => join(homedir(), '.ssh', name)).filter((file) => existsSync(file));
  const encrypted: string[] = [];
  for (const file of files) {
    const key = readKey(file, named !== undefined);
    // An encrypted key is most likely in the agent already, or another key will do: it is an
    // error only when nothing else can be offered.
    if (key === 'encrypted') encrypted.push(file);
    else {
      methods.push({ type: 'publickey', username, key });
      offered.push(file);
    }
  }
  if (methods.length === 0 && encrypted.length > 0) throw encryptedKey(encrypted[0]!);
  if (methods.length === 0) {
    throw new InputError(
      'no ssh credentials to offer: start an ssh agent holding your key (SSH_AUTH_SOCK), or set PODLAB_SSH_KEY to a key file\n' +
        '  (podlab never asks for or takes a password)',
    );
  }
  return { methods, offered };
}

function readKey(file: string, named: boolean): Buffer | 'encrypted' {
  let data: Buffer;
  try {
    data = readFileSync(file);
  } catch (error) {
    throw new InputError(`${named ? 'PODLAB_SSH_KEY: ' : ''}cannot read the ssh key ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
  const parsed = utils.parseKey(data);
  if (parsed instanceof Error) {
    if (/passphrase|encrypted/i.test(parsed.message)) return 'encrypted';
    throw new InputError(`${file} is not an ssh private key podlab can use: ${parsed.message}`);
  }
  return data;
}

function encryptedKey(file: string): InputError {
  return new InputError(`the ssh key ${file} is encrypted and podlab takes no passphrases: load it into your agent (ssh-add ${file}) and run again`);
}
