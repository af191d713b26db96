// The CLI on a remote engine over ssh (--engine ssh://root@<remote>): a real sshd and a real
// remote dockerd (test/e2e/ssh-remote.ts), the guestbook brought up, tested and taken down
// there; the connection cut mid-up; an unknown host key. Every test checks the remote itself
// (as its administrator, with docker exec) and that the local engine was left as it was.
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Docker from 'dockerode';
import { execa, type ResultPromise } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT } from './helpers.js';
import { requireEngine } from './engine-guard.js';
import { inRemote, killSshSessions, removeRemote, startRemote, type Remote } from './ssh-remote.js';

requireEngine();

const local = new Docker();
let remote: Remote;
let engine: string;

interface CliResult {
  exitCode: number;
  stdout: string;
  stderr: string;
}

/** podlab with the remote's throwaway key and known_hosts (never the user's ~/.ssh). */
function podlabProcess(args: string[], env: Record<string, string> = {}): ResultPromise {
  return execa('node', [join(ROOT, 'bin', 'podlab.js'), ...args], {
    reject: false,
    cwd: ROOT,
    env: { CI: 'true', PODLAB_SSH_KEY: remote.keyFile, PODLAB_KNOWN_HOSTS: remote.knownHostsFile, SSH_AUTH_SOCK: '', ...env },
  });
}

async function podlab(...args: string[]): Promise<CliResult> {
  const result = await podlabProcess(args);
  return { exitCode: result.exitCode ?? -1, stdout: String(result.stdout), stderr: String(result.stderr) };
}

/** What carries a lab label on the remote: containers, networks, volumes, and podlab's DOCKER-USER rules. */
async function remoteLabObjects(): Promise<string[]> {
  const listing = await inRemote(
    remote,
    'docker ps -aq --filter label=podlab.lab; docker network ls -q --filter label=podlab.lab; docker volume ls -q --filter label=podlab.lab; ' +
      'iptables -w -S DOCKER-USER | grep podlab || true',
  );
  if (listing.exitCode !== 0) throw new Error(`listing the remote failed: ${listing.stderr}`);
  return listing.stdout.split('\n').filter(Boolean);
}

/** The local engine's lab objects and DOCKER-USER rules, to show a remote run left them alone. */
async function localLabState(): Promise<string> {
  const filters = JSON.stringify({ label: ['podlab.lab'] });
  const [containers, networks] = await Promise.all([local.listContainers({ all: true, filters }), local.listNetworks({ filters })]);
  const rules = await execa('iptables', ['-w', '-S', 'DOCKER-USER'], { reject: false });
  return JSON.stringify({ containers: containers.map((c) => c.Id).sort(), networks: networks.map((n) => n.Id).sort(), rules: rules.stdout });
}

beforeAll(async () => {
  remote = await startRemote();
  engine = `ssh://root@${remote.ip}`;
}, 600_000);

afterAll(async () => {
  await removeRemote(remote);
});

describe('podlab on a remote engine over ssh', () => {
  it('an unknown host key is exit 2 with its fingerprint, and nothing is created there', async () => {
    const empty = join(remote.dir, 'empty_known_hosts');
    writeFileSync(empty, '');
    const result = await podlabProcess(['up', 'guestbook', '--engine', engine], { PODLAB_KNOWN_HOSTS: empty });
    expect(result.exitCode).toBe(2);
    const fingerprint = (await inRemote(remote, 'ssh-keygen -lf /etc/ssh/ssh_host_ed25519_key.pub')).stdout.split(' ')[1]!;
    expect(fingerprint).toMatch(/^SHA256:/);
    expect(String(result.stderr)).toContain(`the host ${remote.ip} is not in ${empty}`);
    expect(String(result.stderr)).toContain(fingerprint);
    expect(readFileSync(empty, 'utf8')).toBe('');
    expect(await remoteLabObjects()).toEqual([]);
  });

  it('refuses the kind driver there, naming the field, before connecting', async () => {
    const result = await podlab('up', 'guestbook', '--driver', 'kind', '--engine', engine);
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toMatch(/lab\.yaml:\d+:\d+: driver: the kind driver runs on the local engine only; ssh:\/\/root@[\d.]+:22 runs dind labs/);
  });

  it('runs the guestbook there: every assertion passes, down leaves nothing, the local engine is untouched', { timeout: 600_000 }, async () => {
    const before = await localLabState();
    const report = join(remote.dir, 'guestbook.json');
    const run = await podlab('run', 'guestbook', '--engine', engine, '--json', report);
    if (run.exitCode !== 0) throw new Error(`podlab run exited ${run.exitCode}\n${run.stdout}\n${run.stderr}`);
    const results = JSON.parse(readFileSync(report, 'utf8')) as { summary: { passed: number; failed: number; errors?: number } };
    expect(results.summary.failed).toBe(0);
    expect(results.summary.passed).toBeGreaterThanOrEqual(12);
    // The images were sent once: the remote now holds podlab's node image, as the local engine does.
    const images = await inRemote(remote, 'docker image inspect -f "{{.Id}}" podlab/node');
    expect(images.stdout.trim()).toBe((await local.getImage('podlab/node').inspect()).Id);
    expect(await remoteLabObjects()).toEqual([]);
    expect(await localLabState()).toBe(before);
    // doctor checks the remote: its engine, its kernel (through a node container there).
    const doctor = await podlab('doctor', '--engine', engine);
    expect(doctor.stdout).toContain(`ok    Docker engine on ssh://root@${remote.ip}:22`);
    expect(doctor.stdout).toContain(`ssh://root@${remote.ip}:22 can run podlab labs`);
  });

  it('a lab file\'s engine: takes it there; ls and down --all --engine see only that engine\'s labs', { timeout: 300_000 }, async () => {
    // A copy of the guestbook whose lab file names the remote: up, test and down by its path
    // need no --engine.
    const copy = join(remote.dir, 'guestbook-far');
    cpSync(join(ROOT, 'labs', 'guestbook'), copy, { recursive: true });
    const file = join(copy, 'lab.yaml');
    writeFileSync(file, readFileSync(file, 'utf8').replace(/^name: .*$/m, (line) => `${line}\nengine: ${engine}`));
    const up = await podlab('up', copy);
    if (up.exitCode !== 0) throw new Error(`podlab up exited ${up.exitCode}\n${up.stdout}\n${up.stderr}`);
    const there = JSON.parse((await podlab('ls', '--engine', engine, '-o', 'json')).stdout) as Array<{ name: string }>;
    expect(there.map((lab) => lab.name)).toEqual(['guestbook']);
    const here = JSON.parse((await podlab('ls', '-o', 'json')).stdout) as Array<{ name: string }>;
    expect(here.map((lab) => lab.name)).not.toContain('guestbook');
    expect((await podlab('test', copy)).stdout).toMatch(/\n12 passed, 0 failed/);
    // PODLAB_ENGINE says the same as --engine (as DOCKER_HOST does for docker), by the lab's name.
    const byEnv = await podlabProcess(['test', 'guestbook'], { PODLAB_ENGINE: engine });
    expect(byEnv.exitCode).toBe(0);
    expect(String(byEnv.stdout)).toMatch(/\n12 passed, 0 failed/);
    const down = await podlab('down', copy);
    expect(down.exitCode).toBe(0);
    expect(down.stdout).toMatch(/lab guestbook: removed \d+ containers/);
    expect(await remoteLabObjects()).toEqual([]);
    // Another lab, taken down with every lab of that engine.
    expect((await podlab('up', 'no-overlay', '--engine', engine)).exitCode).toBe(0);
    const all = await podlab('down', '--all', '--engine', engine);
    expect(all.stdout).toMatch(/lab no-overlay: removed \d+ containers/);
    expect(await remoteLabObjects()).toEqual([]);
  });

  it('the connection cut mid-up: exit 3 naming what was interrupted; down --engine then cleans the remote', { timeout: 300_000 }, async () => {
    const before = await localLabState();
    const up = podlabProcess(['up', 'guestbook', '--engine', engine]);
    // Cut once the node containers exist, while each node boots its dockerd (engine calls, node
    // engine streams and exec channels all in flight).
    let output = '';
    let cut: Promise<number> | undefined;
    up.stdout!.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      if (!cut && /dockerd on every node/.test(output)) cut = killSshSessions(remote);
    });
    const result = await up;
    expect(cut, `the up never reached the nodes' dockerds:\n${output}\n${String(result.stderr)}`).toBeDefined();
    expect(await cut).toBeGreaterThan(0);
    expect(result.exitCode).toBe(3);
    expect(String(result.stderr)).toMatch(new RegExp(`the ssh connection to ssh://root@${remote.ip.replace(/\./g, '\\.')}:22 was lost \\(.*\\) during `));
    expect(String(result.stderr)).toContain(`podlab down guestbook --engine ssh://root@${remote.ip}:22`);
    // What the interrupted up had created is still there (it could not be removed)...
    expect((await remoteLabObjects()).length).toBeGreaterThan(0);
    // ...and the next down over a new connection removes all of it.
    const down = await podlab('down', 'guestbook', '--engine', engine);
    expect(down.exitCode).toBe(0);
    expect(await remoteLabObjects()).toEqual([]);
    expect(await localLabState()).toBe(before);
  });
});
