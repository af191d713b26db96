// A real "remote host" for the ssh engine's end-to-end tests: images/ssh-host (sshd + its own
// dockerd) on an internal Docker network of its own, reachable only by a throwaway key. Its host
// key is read out of band (docker exec), as a careful user would check a fingerprint, and written
// to a temporary known_hosts: the user's ~/.ssh is never read or written. Everything is labelled
// podlab.test=ssh-host; removeRemote() removes what this run created (the image stays, as a cache).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { connect } from 'node:net';
import Docker from 'dockerode';
import { execa } from 'execa';
import ssh2 from 'ssh2';
import { execIn } from '../../src/docker/exec.js';
import { nestedDockerHostConfig } from '../../src/drivers/dind/containers.js';
import { retryUntil } from '../../src/util/retry.js';

const { utils } = ssh2;

export const SSH_HOST_IMAGE = 'podlab-test/ssh-host';
export const TEST_LABEL = { 'podlab.test': 'ssh-host' };
const IMAGE_DIR = join(import.meta.dirname, '..', '..', 'images', 'ssh-host');

export interface Remote {
  container: string;
  ip: string;
  /** The remote's own hostname, which its engine reports as its Name. */
  hostname: string;
  dir: string;
  keyFile: string;
  knownHostsFile: string;
  /** The remote's ed25519 host key line as sshd holds it ("ssh-ed25519 AAAA… root@…"). */
  hostKey: string;
}

const docker = new Docker();

export async function startRemote(): Promise<Remote> {
  // Layers are cached: a rebuild after the first is a second or two. Never pulls (FROM is local).
  const build = await execa('docker', ['build', '-q', '-t', SSH_HOST_IMAGE, '--label', 'podlab.test=ssh-host', IMAGE_DIR], { reject: false, all: true });
  if (build.exitCode !== 0) throw new Error(`building ${SSH_HOST_IMAGE} failed:\n${build.all}`);

  const id = randomBytes(3).toString('hex');
  const name = `podlab-test-ssh-host-${id}`;
  const dir = mkdtempSync(join(tmpdir(), 'podlab-ssh-test-'));
  const keys = utils.generateKeyPairSync('ed25519');
  const keyFile = join(dir, 'id_ed25519');
  writeFileSync(keyFile, keys.private, { mode: 0o600 });

  await docker.createNetwork({ Name: name, Internal: true, Labels: TEST_LABEL });
  await docker.createVolume({ Name: name, Labels: TEST_LABEL });
  const container = await docker.createContainer({
    name,
    Hostname: `remote-${id}`,
    Image: SSH_HOST_IMAGE,
    Labels: TEST_LABEL,
    Env: [`AUTHORIZED_KEY=${keys.public}`],
    // What podlab's dind nodes get (--privileged fails here); the remote's dockerd stores its
    // layers on a volume, since overlay on overlay does not mount.
    HostConfig: { NetworkMode: name, ...nestedDockerHostConfig(name) },
  });
  await container.start();
  const info = await container.inspect();
  const ip = info.NetworkSettings.Networks[name]!.IPAddress;

  await retryUntil('sshd in the remote host', () => tcpOpen(ip, 22), { timeoutMs: 30_000, intervalMs: 100 });
  await retryUntil('dockerd in the remote host', async () => ((await execIn(docker, name, ['docker', 'info'])).exitCode === 0 ? true : undefined), {
    timeoutMs: 60_000,
    intervalMs: 200,
  });
  const hostKey = (await execIn(docker, name, ['cat', '/etc/ssh/ssh_host_ed25519_key.pub'])).stdout.trim();
  const knownHostsFile = join(dir, 'known_hosts');
  writeFileSync(knownHostsFile, `${ip} ${hostKey.split(' ').slice(0, 2).join(' ')}\n`);
  return { container: name, ip, hostname: `remote-${id}`, dir, keyFile, knownHostsFile, hostKey };
}

export async function removeRemote(remote: Remote | undefined): Promise<void> {
  if (!remote) return;
  rmSync(remote.dir, { recursive: true, force: true });
  await docker.getContainer(remote.container).remove({ force: true, v: true }).catch(ignoreMissing);
  await docker.getNetwork(remote.container).remove().catch(ignoreMissing);
  await docker.getVolume(remote.container).remove().catch(ignoreMissing);
}

/** Everything labelled for these tests that is still there (the image aside). */
export async function leftovers(): Promise<string[]> {
  const filters = JSON.stringify({ label: ['podlab.test=ssh-host'] });
  const [containers, networks, volumes] = await Promise.all([docker.listContainers({ all: true, filters }), docker.listNetworks({ filters }), docker.listVolumes({ filters })]);
  return [...containers.map((c) => c.Names[0]!), ...networks.map((n) => n.Name), ...(volumes.Volumes ?? []).map((v) => v.Name)];
}

/**
 * Kills every sshd session in the remote (by pid), keeping the listener: each client connected
 * sees its connection drop, as when a network or the remote's sshd goes away mid-call.
 */
export async function killSshSessions(remote: Remote): Promise<number> {
  const script = 'n=0; for p in $(pgrep -x sshd); do [ "$p" = "$(cat /run/sshd.pid)" ] || { kill -KILL "$p" && n=$((n+1)); }; done; echo $n';
  const result = await execIn(docker, remote.container, ['sh', '-c', script]);
  return Number(result.stdout.trim());
}

/** Runs a command in the remote host itself (as its administrator would, not over ssh). */
export async function inRemote(remote: Remote, command: string): Promise<{ exitCode: number; stdout: string; stderr: string }> {
  return execIn(docker, remote.container, ['sh', '-c', command]);
}

function tcpOpen(host: string, port: number): Promise<true | undefined> {
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(undefined));
  });
}

function ignoreMissing(error: unknown): void {
  if ((error as { statusCode?: number }).statusCode !== 404) throw error;
}
