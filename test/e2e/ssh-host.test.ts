// SshDockerHost against a real sshd and a real remote dockerd (test/e2e/ssh-remote.ts): the
// engine's API, a node engine inside the remote, host commands, the lock, the docker CLI, the
// host key check and a connection cut mid-call. Each test checks that the thing happened on the
// remote and not on the local engine, so a transport that quietly fell back to the local
// socket fails.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import Docker from 'dockerode';
import { execa } from 'execa';
import ssh2 from 'ssh2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NODE_DOCKER_PORT } from '../../src/docker/docker-host.js';
import { execIn } from '../../src/docker/exec.js';
import { SshDockerHost, type SshDockerHostOptions } from '../../src/docker/ssh-host.js';
import { EnvironmentError, ExitCode, InputError, exitCodeOf } from '../../src/errors.js';
import { retryUntil } from '../../src/util/retry.js';
import { requireEngine } from './engine-guard.js';
import { inRemote, killSshSessions, leftovers, removeRemote, startRemote, TEST_LABEL, type Remote } from './ssh-remote.js';

requireEngine();

const local = new Docker();
let remote: Remote;
/** Hosts made by a test, closed in afterAll whatever happened. */
const opened: SshDockerHost[] = [];
const INNER_IMAGE = 'podlab-test/inner-dockerd';

function sshHost(options: SshDockerHostOptions = {}): SshDockerHost {
  const host = new SshDockerHost(
    { kind: 'ssh', user: 'root', host: remote.ip, port: 22 },
    { knownHostsFile: remote.knownHostsFile, keyFiles: [remote.keyFile], agentSocket: false, ...options },
  );
  opened.push(host);
  return host;
}

async function rejection(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected a rejection, got a result');
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

const INNER_NODE = 'podlab-test-inner-node';

beforeAll(async () => {
  remote = await startRemote();
  // Made by the remote's administrator (docker exec), not through the code under test: an image
  // the remote can run, from its own root filesystem (no registry), and a container running a
  // dockerd on :2375 as a dind node does.
  const prepared = await inRemote(
    remote,
    `tar -C / -c --exclude=./proc --exclude=./sys --exclude=./dev --exclude=./var/lib/docker --exclude='./run/*' --exclude='./tmp/*' ` +
      `--exclude=./usr/share/doc --exclude=./usr/share/man --exclude=./usr/share/locale . | docker import - ${INNER_IMAGE} && ` +
      `docker run -d --name ${INNER_NODE} --hostname inner-node --label podlab.test=ssh-host --cap-add ALL --cap-drop SYS_RESOURCE ` +
      `--security-opt seccomp=unconfined --security-opt apparmor=unconfined --cgroupns private ${INNER_IMAGE} ` +
      `dockerd -H tcp://0.0.0.0:${NODE_DOCKER_PORT} --tls=false --storage-driver=vfs --iptables=false --bridge=none`,
  );
  if (prepared.exitCode !== 0) throw new Error(`preparing the remote failed: ${prepared.stderr}`);
}, 600_000);

afterAll(async () => {
  await Promise.all(opened.map((host) => host.close()));
  await removeRemote(remote);
  expect(await leftovers()).toEqual([]);
});

describe('SshDockerHost on a real remote', () => {
  it('engine() is the remote engine: it pings, reports the remote as its name, and lists', async () => {
    const engine = await sshHost().engine();
    expect(String(await engine.ping())).toBe('OK');
    expect((await engine.info()).Name).toBe(remote.hostname);
    expect((await local.info()).Name).not.toBe(remote.hostname);
    expect((await engine.listContainers({ all: true })).map((c) => c.Names)).toEqual([[`/${INNER_NODE}`]]);
  });

  it('run() returns exit codes and both outputs, with argv quoted and stdin fed', async () => {
    const host = sshHost();
    expect(await host.run(['sh', '-c', 'echo out; echo err >&2; exit 3'])).toEqual({ exitCode: 3, stdout: 'out\n', stderr: 'err\n' });
    // Each word arrives as one argument, whatever it holds.
    const words = ["it's", 'a b', '$HOME', '`id`', '', '*', 'x;y'];
    expect((await host.run(['printf', '%s|', ...words])).stdout).toBe(words.map((w) => `${w}|`).join(''));
    expect(await host.run(['cat'], { stdin: 'fed\n' })).toEqual({ exitCode: 0, stdout: 'fed\n', stderr: '' });
    expect((await host.run(['sh', '-c', 'kill -KILL $$'])).exitCode).toBe(128 + 9);
    expect((await host.run(['no-such-command-here'])).exitCode).toBe(127);
    // It ran there: the remote's hostname, not this machine's.
    expect((await host.run(['hostname'])).stdout.trim()).toBe(remote.hostname);
  });

  it('run() queues commands beyond what sshd allows at once on one connection (MaxSessions 10)', async () => {
    const host = sshHost();
    const results = await Promise.all(Array.from({ length: 24 }, (_, i) => host.run(['sh', '-c', 'sleep 1; echo "$0"', String(i)])));
    expect(results.map((result) => result.exitCode)).toEqual(Array(24).fill(0));
    expect(results.map((result) => result.stdout)).toEqual(Array.from({ length: 24 }, (_, i) => `${i}\n`));
  });

  it('run() stops a command when its signal aborts', async () => {
    const host = sshHost();
    const abort = new AbortController();
    const started = Date.now();
    setTimeout(() => abort.abort(), 500);
    const result = await host.run(['sleep', '60'], { signal: abort.signal });
    expect(result.exitCode).toBe(130);
    expect(Date.now() - started).toBeLessThan(10_000);
    expect((await inRemote(remote, 'pgrep -x sleep || true')).stdout.trim()).toBe('');
  });

  it('a container created on the remote exists there, and not on the local engine', async () => {
    const host = sshHost();
    const engine = await host.engine();
    const name = 'podlab-test-on-remote';
    await engine.createContainer({ name, Image: INNER_IMAGE, Cmd: ['true'], Labels: TEST_LABEL });
    expect((await engine.getContainer(name).inspect()).Name).toBe(`/${name}`);
    const filters = JSON.stringify({ name: [name] });
    expect(await engine.listContainers({ all: true, filters })).toHaveLength(1);
    expect(await local.listContainers({ all: true, filters })).toHaveLength(0);
    await engine.getContainer(name).remove();
  });

  it('nodeEngine() reaches a dockerd listening on a container’s :2375 inside the remote', async () => {
    const host = sshHost();
    const engine = await host.engine();
    const inner = engine.getContainer(INNER_NODE);
    const ip = (await inner.inspect()).NetworkSettings.IPAddress;
    // An address on the remote's own docker0 (it may even exist on this machine's docker0 too):
    // the engine's name shows the forwarded stream reached the remote's container.
    const node = host.nodeEngine(ip);
    expect(host.nodeEngine(ip)).toBe(node);
    const info = await retryUntil('the inner dockerd', async () => (await node.info()) as { Name: string }, { timeoutMs: 30_000, intervalMs: 200 });
    expect(info.Name).toBe('inner-node');
    expect(await node.listContainers({ all: true })).toEqual([]);
    // docker exec through the remote engine: hijacked stream, stdin fed and closed, both outputs.
    const exec = await execIn(engine, INNER_NODE, ['sh', '-c', 'cat; echo err >&2; exit 4'], { stdin: 'piped in' });
    expect(exec).toEqual({ exitCode: 4, stdout: 'piped in', stderr: 'err\n' });
    // The remote opened no listening port for it: sshd's is the only one there.
    expect((await inRemote(remote, 'ss -Htln | grep -v -e ":22 " -e 127.0.0.11 || true')).stdout.trim()).toBe('');
  });

  it('dockerCli() runs the docker CLI there, against the remote engine or a node, and returns its exit code', async () => {
    const stdout = new PassThrough();
    const stderr = new PassThrough();
    let out = '';
    let err = '';
    stdout.on('data', (chunk) => (out += chunk));
    stderr.on('data', (chunk) => (err += chunk));
    const stdin = new PassThrough();
    stdin.end();
    const host = sshHost({ stdio: { stdin, stdout, stderr } });
    expect(await host.dockerCli(['info', '--format', '{{.Name}}'])).toBe(0);
    expect(out.trim()).toBe(remote.hostname);
    const ip = (await (await host.engine()).getContainer(INNER_NODE).inspect()).NetworkSettings.IPAddress;
    out = '';
    expect(await host.dockerCli(['info', '--format', '{{.Name}}'], { nodeIP: ip })).toBe(0);
    expect(out.trim()).toBe('inner-node');
    expect(await host.dockerCli(['inspect', 'no-such-container'])).toBe(1);
    expect(err).toContain('no-such-container');
  });

  it('withLock() excludes a second holder on another connection until the first releases', async () => {
    const [first, second] = [sshHost(), sshHost()];
    const events: string[] = [];
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    let firstHolds!: () => void;
    const firstIn = new Promise<void>((resolve) => (firstHolds = resolve));
    const one = first.withLock('ssh-test', new AbortController().signal, async () => {
      events.push('first in');
      firstHolds();
      await held;
      events.push('first out');
    });
    await firstIn;
    const two = second.withLock('ssh-test', new AbortController().signal, async () => {
      events.push('second in');
    });
    // The second waits on the remote's flock; give it ample time to (wrongly) get in.
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    expect(events).toEqual(['first in']);
    release();
    await Promise.all([one, two]);
    expect(events).toEqual(['first in', 'first out', 'second in']);
  });

  it('withLock() gives up waiting when its signal aborts, and the lock stays usable', async () => {
    const [first, second] = [sshHost(), sshHost()];
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    let firstHolds!: () => void;
    const firstIn = new Promise<void>((resolve) => (firstHolds = resolve));
    const one = first.withLock('ssh-abort', new AbortController().signal, async () => {
      firstHolds();
      await held;
    });
    await firstIn;
    const abort = new AbortController();
    setTimeout(() => abort.abort(new Error('gave up')), 300);
    let ran = false;
    const error = await rejection(second.withLock('ssh-abort', abort.signal, async () => void (ran = true)));
    expect(error.message).toBe('gave up');
    expect(ran).toBe(false);
    release();
    await one;
    expect(await second.withLock('ssh-abort', new AbortController().signal, async () => 'again')).toBe('again');
  });
});

describe('host keys', () => {
  it('an unknown host key is exit 2 with its SHA256 fingerprint, and nothing is created', async () => {
    const empty = join(remote.dir, 'known_hosts.empty');
    writeFileSync(empty, '');
    const host = sshHost({ knownHostsFile: empty });
    const before = (await inRemote(remote, 'docker ps -aq | wc -l; ls /tmp')).stdout;
    const error = await rejection(host.engine());
    expect(error).toBeInstanceOf(InputError);
    expect(exitCodeOf(error)).toBe(ExitCode.badInput);
    // The fingerprint as OpenSSH computes it from the remote's own key file.
    const expected = (await inRemote(remote, 'ssh-keygen -lf /etc/ssh/ssh_host_ed25519_key.pub')).stdout.split(' ')[1]!;
    expect(expected).toMatch(/^SHA256:/);
    expect(error.message).toContain(expected);
    expect(error.message).toContain('--accept-new-host-key');
    expect(await rejection(host.run(['touch', '/tmp/created-anyway']))).toBeInstanceOf(InputError);
    expect(readFileSync(empty, 'utf8')).toBe('');
    expect((await inRemote(remote, 'docker ps -aq | wc -l; ls /tmp')).stdout).toBe(before);
  });

  it('a changed host key is exit 2 naming the line that recorded the old one', async () => {
    const other = ssh2.utils.generateKeyPairSync('ed25519').public.split(' ').slice(0, 2).join(' ');
    const file = join(remote.dir, 'known_hosts.changed');
    writeFileSync(file, `# first line\n${remote.ip} ${other}\n`);
    const error = await rejection(sshHost({ knownHostsFile: file }).run(['true']));
    expect(error).toBeInstanceOf(InputError);
    expect(error.message).toMatch(/CHANGED/);
    expect(error.message).toContain(`${file}:2`);
  });

  it('acceptNewHostKey records an unknown key once; later connections check against it', async () => {
    const file = join(remote.dir, 'known_hosts.accept');
    writeFileSync(file, '');
    expect((await sshHost({ knownHostsFile: file, acceptNewHostKey: true }).run(['true'])).exitCode).toBe(0);
    const recorded = readFileSync(file, 'utf8');
    expect(recorded).toBe(`${remote.ip} ${remote.hostKey.split(' ').slice(0, 2).join(' ')}\n`);
    expect((await sshHost({ knownHostsFile: file }).run(['true'])).exitCode).toBe(0);
    expect(readFileSync(file, 'utf8')).toBe(recorded);
  });

  it('a hashed, port-qualified entry is honoured as ssh writes it', async () => {
    const file = join(remote.dir, 'known_hosts.hashed');
    writeFileSync(file, `[${remote.ip}]:22 ${remote.hostKey.split(' ').slice(0, 2).join(' ')}\n${remote.ip} ${remote.hostKey.split(' ').slice(0, 2).join(' ')}\n`);
    const hashed = await execa('ssh-keygen', ['-H', '-f', file], { reject: false });
    expect(hashed.exitCode, hashed.stderr).toBe(0);
    expect(readFileSync(file, 'utf8')).toMatch(/^\|1\|/);
    expect((await sshHost({ knownHostsFile: file }).run(['true'])).exitCode).toBe(0);
  });

  it('a key the server does not authorize is exit 2 naming what was offered', async () => {
    const stranger = join(remote.dir, 'stranger');
    writeFileSync(stranger, ssh2.utils.generateKeyPairSync('ed25519').private, { mode: 0o600 });
    const error = await rejection(sshHost({ keyFiles: [stranger] }).engine());
    expect(error).toBeInstanceOf(InputError);
    expect(error.message).toContain(stranger);
  });
});

describe('speed', () => {
  it('an engine round trip over ssh costs little more than on the local engine', async () => {
    const engine = await sshHost().engine();
    // The same kind of object on both engines: a volume (the remote's own store volume is on
    // the local engine; a labelled one is made on the remote).
    const probe = 'podlab-test-probe';
    await engine.createVolume({ Name: probe, Labels: TEST_LABEL });
    const nothing = JSON.stringify({ label: ['podlab.test=no-such-thing'] });
    const timed = async (call: () => Promise<unknown>) => {
      const times: number[] = [];
      for (let i = 0; i < 50; i += 1) {
        const start = performance.now();
        await call();
        times.push(performance.now() - start);
      }
      return median(times);
    };
    const ssh = {
      inspect: await timed(() => engine.getVolume(probe).inspect()),
      list: await timed(() => engine.listContainers({ all: true, filters: nothing })),
    };
    const here = {
      inspect: await timed(() => local.getVolume(remote.container).inspect()),
      list: await timed(() => local.listContainers({ all: true, filters: nothing })),
    };
    console.log(
      `engine round trips, median of 50: volume inspect ${here.inspect.toFixed(2)} ms local, ${ssh.inspect.toFixed(2)} ms over ssh; ` +
        `filtered container list ${here.list.toFixed(2)} ms local, ${ssh.list.toFixed(2)} ms over ssh`,
    );
    await engine.getVolume(probe).remove();
    // One connection: a call pays no ssh handshake (tens of ms of key exchange and signatures,
    // as dockerode's own ssh transport would per connection). The margin absorbs a busy machine.
    expect(ssh.inspect).toBeLessThan(here.inspect + 15);
    expect(ssh.list).toBeLessThan(here.list + 15);
  });
});

// Last: these cut every ssh session to the remote.
describe('a connection cut mid-call', () => {
  it('fails calls in flight with an EnvironmentError (exit 3) naming what was interrupted, and every later call', async () => {
    const host = sshHost();
    const engine = await host.engine();
    const sleeper = await engine.createContainer({ name: 'podlab-test-sleeper', Image: INNER_IMAGE, Cmd: ['sleep', '300'], Labels: TEST_LABEL });
    await sleeper.start();
    // Observed from the start: they fail while the sessions are being killed.
    const command = rejection(host.run(['sleep', '300']));
    const waiting = rejection(sleeper.wait());
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(await killSshSessions(remote)).toBeGreaterThan(0);

    const [commandError, waitError] = await Promise.all([command, waiting]);
    for (const error of [commandError, waitError]) {
      expect(error).toBeInstanceOf(EnvironmentError);
      expect(exitCodeOf(error)).toBe(ExitCode.environment);
      expect(error.message).toMatch(/ssh connection to ssh:\/\/root@.* was lost/);
    }
    expect(commandError.message).toContain('during `sleep 300`');
    expect(waitError.message).toMatch(/during the engine API request POST \/.*containers\/[0-9a-f]{64}\/wait/);

    const later = await rejection(engine.ping());
    expect(later).toBeInstanceOf(EnvironmentError);
    expect(later.message).toMatch(/was lost .* during the engine API request GET \/.*_ping/);
    expect(await rejection(host.run(['true']))).toBeInstanceOf(EnvironmentError);

    // The remote is fine: a new connection works (and tidies up).
    const again = await sshHost().engine();
    await again.getContainer('podlab-test-sleeper').remove({ force: true });
  }, 60_000);

  it('a lock whose holder lost its connection is taken over at once, not after a timeout', async () => {
    const holder = sshHost();
    let holding!: () => void;
    const holds = new Promise<void>((resolve) => (holding = resolve));
    let finish!: () => void;
    const fnDone = new Promise<void>((resolve) => (finish = resolve));
    const held = holder.withLock('ssh-stale', new AbortController().signal, async () => {
      holding();
      await fnDone;
    });
    await holds;
    await killSshSessions(remote);
    const started = Date.now();
    const taken = await sshHost().withLock('ssh-stale', new AbortController().signal, async () => Date.now() - started);
    expect(taken).toBeLessThan(5_000);
    finish();
    await held.catch(() => undefined);
  }, 60_000);
});
