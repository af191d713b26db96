// Which credentials podlab offers an ssh server, and the sentence a user gets when it has none it
// may use. Keys are throwaway ones made here; HOME is never read (keyFiles or PODLAB_SSH_KEY are
// always given, except where the default lookup itself is under test with an empty env).
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ssh2 from 'ssh2';
import { describe, expect, it } from 'vitest';
import { sshCredentials } from '../../../src/docker/ssh-auth.js';
import { exitStatus } from '../../../src/docker/ssh-exec.js';
import { InputError } from '../../../src/errors.js';

const dir = mkdtempSync(join(tmpdir(), 'podlab-ssh-auth-'));
function keyFile(name: string, passphrase?: string): string {
  const keys = passphrase
    ? ssh2.utils.generateKeyPairSync('ed25519', { passphrase, cipher: 'aes256-ctr' })
    : ssh2.utils.generateKeyPairSync('ed25519');
  const file = join(dir, name);
  writeFileSync(file, keys.private, { mode: 0o600 });
  return file;
}
const plain = keyFile('plain');
const encrypted = keyFile('encrypted', 'secret');

describe('sshCredentials', () => {
  it('offers the agent first, then the key files, in order', () => {
    const credentials = sshCredentials('root', { agentSocket: '/run/agent.sock', keyFiles: [plain] }, {});
    expect(credentials.methods.map((method) => method.type)).toEqual(['agent', 'publickey']);
    expect(credentials.methods.every((method) => method.username === 'root')).toBe(true);
    expect(credentials.offered).toEqual(['the ssh agent at /run/agent.sock', plain]);
  });

  it('takes the agent from SSH_AUTH_SOCK and the key from PODLAB_SSH_KEY', () => {
    const credentials = sshCredentials('ci', {}, { SSH_AUTH_SOCK: '/tmp/agent', PODLAB_SSH_KEY: plain });
    expect(credentials.offered).toEqual(['the ssh agent at /tmp/agent', plain]);
  });

  it('offers no agent when told not to, even with SSH_AUTH_SOCK set', () => {
    expect(sshCredentials('root', { agentSocket: false, keyFiles: [plain] }, { SSH_AUTH_SOCK: '/tmp/agent' }).offered).toEqual([plain]);
  });

  it('refuses an encrypted key it was told to use: podlab takes no passphrase', () => {
    const attempt = () => sshCredentials('root', { agentSocket: false }, { PODLAB_SSH_KEY: encrypted });
    expect(attempt).toThrow(InputError);
    expect(attempt).toThrow(`ssh-add ${encrypted}`);
  });

  it('skips an encrypted key when another credential will do', () => {
    expect(sshCredentials('root', { agentSocket: '/tmp/agent', keyFiles: [encrypted] }, {}).offered).toEqual(['the ssh agent at /tmp/agent']);
  });

  it('names a key file it cannot read, and one that is no key', () => {
    expect(() => sshCredentials('root', { agentSocket: false }, { PODLAB_SSH_KEY: join(dir, 'missing') })).toThrow(/PODLAB_SSH_KEY: cannot read the ssh key .*missing: ENOENT/);
    const junk = join(dir, 'junk');
    writeFileSync(junk, 'not a key');
    expect(() => sshCredentials('root', { agentSocket: false, keyFiles: [junk] }, {})).toThrow(/junk is not an ssh private key/);
  });

  it('with nothing to offer, says what would do, and that no password is asked for', () => {
    const attempt = () => sshCredentials('root', { agentSocket: false, keyFiles: [] }, {});
    expect(attempt).toThrow(InputError);
    expect(attempt).toThrow(/SSH_AUTH_SOCK.*PODLAB_SSH_KEY[\s\S]*never asks for or takes a password/);
  });
});

describe('exitStatus', () => {
  it('is the exit code, or 128 + the signal as ssh2 or the protocol names it', () => {
    expect(exitStatus(0)).toBe(0);
    expect(exitStatus(3)).toBe(3);
    expect(exitStatus(null, 'SIGKILL')).toBe(137);
    expect(exitStatus(null, 'TERM')).toBe(143);
    expect(exitStatus(null, 'NOSUCH')).toBe(255);
    expect(exitStatus(undefined)).toBe(255);
  });
});
