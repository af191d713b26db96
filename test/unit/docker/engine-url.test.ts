// parseEngineUrl: what `--engine`, `engine:` and PODLAB_ENGINE accept, and the sentence a user
// gets for each way of getting it wrong (exit 2, before anything connects).
import { describe, expect, it } from 'vitest';
import { formatEngineTarget, parseEngineUrl } from '../../../src/docker/engine-url.js';
import { ExitCode, InputError } from '../../../src/errors.js';

function failure(value: string, source?: string): InputError {
  try {
    parseEngineUrl(value, source);
  } catch (error) {
    expect(error).toBeInstanceOf(InputError);
    expect((error as InputError).exitCode).toBe(ExitCode.badInput);
    return error as InputError;
  }
  throw new Error(`${JSON.stringify(value)} was accepted`);
}

describe('parseEngineUrl', () => {
  it('reads unset, empty and "local" as this machine', () => {
    expect(parseEngineUrl(undefined)).toEqual({ kind: 'local' });
    expect(parseEngineUrl('')).toEqual({ kind: 'local' });
    expect(parseEngineUrl('  local ')).toEqual({ kind: 'local' });
  });

  it('reads user, host and port, defaulting the port to 22', () => {
    expect(parseEngineUrl('ssh://root@10.0.0.5')).toEqual({ kind: 'ssh', user: 'root', host: '10.0.0.5', port: 22 });
    expect(parseEngineUrl('ssh://ci-bot@build.example.org:2222')).toEqual({ kind: 'ssh', user: 'ci-bot', host: 'build.example.org', port: 2222 });
    expect(parseEngineUrl('SSH://root@box')).toEqual({ kind: 'ssh', user: 'root', host: 'box', port: 22 });
  });

  it('reads IPv6 addresses in brackets, with or without a port', () => {
    expect(parseEngineUrl('ssh://root@[fd00::5]')).toEqual({ kind: 'ssh', user: 'root', host: 'fd00::5', port: 22 });
    expect(parseEngineUrl('ssh://root@[fd00::5]:2200')).toEqual({ kind: 'ssh', user: 'root', host: 'fd00::5', port: 2200 });
  });

  it('names the source and the expected form in every error', () => {
    const error = failure('tcp://10.0.0.5:2375', '--engine');
    expect(error.message).toMatch(/^--engine: the tcp:\/\/ scheme is not supported/);
    expect(error.message).toContain('expected ssh://user@host[:port] or local');
    expect(error.message).toContain('"tcp://10.0.0.5:2375"');
  });

  it.each([
    ['root@host', /not an engine URL/],
    ['unix:///var/run/docker.sock', /unix:\/\/ scheme is not supported/],
    ['ssh://host', /no user/],
    ['ssh://@host', /user "" is not a valid login name/],
    ['ssh://ro ot@host', /user "ro ot" is not a valid login name/],
    ['ssh://root:hunter2@host', /passwords are not accepted/],
    ['ssh://root@', /no host after the @/],
    ['ssh://root@:22', /no host after the @/],
    ['ssh://root@host/var/run/docker.sock', /no path, query or fragment/],
    ['ssh://root@host?x=1', /no path, query or fragment/],
    ['ssh://root@host:ssh', /port "ssh" is not a number/],
    ['ssh://root@host:', /port "" is not a number/],
    ['ssh://root@host:0', /port 0 is outside 1-65535/],
    ['ssh://root@host:65536', /port 65536 is outside 1-65535/],
    ['ssh://root@fd00::5', /IPv6 address must be written in brackets/],
    ['ssh://root@[fd00::5', /not closed with \]/],
    ['ssh://root@[fd00::5]x', /only :port may follow/],
    ['ssh://root@[example.org]', /not an IPv6 address/],
    ['ssh://root@bad..host', /"bad..host" is not a host name/],
    ['ssh://root@-host', /"-host" is not a host name/],
  ])('rejects %s', (value, message) => {
    expect(failure(value).message).toMatch(message);
  });

  it('never repeats a password it refuses', () => {
    const message = failure('ssh://root:hunter2@host').message;
    expect(message).not.toContain('hunter2');
    expect(message).toContain('"ssh://root:***@host"');
  });
});

describe('formatEngineTarget', () => {
  it('spells a target canonically, with the port and IPv6 brackets', () => {
    expect(formatEngineTarget({ kind: 'local' })).toBe('local');
    expect(formatEngineTarget(parseEngineUrl('ssh://root@box'))).toBe('ssh://root@box:22');
    expect(formatEngineTarget(parseEngineUrl('ssh://root@[fd00::5]:2200'))).toBe('ssh://root@[fd00::5]:2200');
  });
});
