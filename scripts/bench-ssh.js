// npm run bench -- --engine ssh [--lab guestbook] [--runs 5]
// The cost of the ssh engine: `podlab up LAB` on the local engine and over ssh to the SAME engine,
// side by side, warm (images in place), alternating, medians and their ratio (issue target: at
// most 1.3x); the test phase too. The "remote" is a loopback sshd: images/ssh-host run on the
// host's network namespace with the local engine's socket, listening on 127.0.0.1 only, reached
// with a throwaway key. So the only difference between the two columns is ssh itself.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import ssh2 from 'ssh2';

const ROOT = join(import.meta.dirname, '..');
const cli = join(ROOT, 'bin', 'podlab.js');
const IMAGE = 'podlab-test/ssh-host';
const NAME = 'podlab-bench-ssh';
const median = (list) => [...list].sort((a, b) => a - b)[Math.floor(list.length / 2)];
const fmt = (seconds) => seconds.toFixed(2);

export async function benchSsh({ lab = 'guestbook', runs = 5 } = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'podlab-bench-ssh-'));
  const port = 2222;
  try {
    const remote = await startLoopbackSshd(dir, port);
    const env = { CI: 'true', PODLAB_SSH_KEY: remote.keyFile, PODLAB_KNOWN_HOSTS: remote.knownHostsFile, SSH_AUTH_SOCK: '' };
    const engine = `ssh://root@127.0.0.1:${port}`;
    const timed = async (args) => {
      const started = process.hrtime.bigint();
      await execa('node', [cli, ...args], { env, all: true });
      return Number(process.hrtime.bigint() - started) / 1e9;
    };
    // Warm both paths once (stores, probe sidecars), then alternate so drift hits both columns.
    await timed(['run', lab]);
    await timed(['run', lab, '--engine', engine]);
    const local = { up: [], test: [] };
    const overSsh = { up: [], test: [] };
    for (let run = 0; run < runs; run++) {
      for (const [column, extra] of [[local, []], [overSsh, ['--engine', engine]]]) {
        column.up.push(await timed(['up', lab, ...extra]));
        column.test.push(await timed(['test', lab, ...extra]));
        await timed(['down', lab, ...extra]);
      }
      console.log(`run ${run + 1}: up local ${fmt(local.up.at(-1))} | over ssh ${fmt(overSsh.up.at(-1))}`);
    }
    const ratio = median(overSsh.up) / median(local.up);
    console.log(`\n${lab} on one engine, median of ${runs} (seconds, CLI wall time)`);
    console.log(`                 local    over ssh   ratio`);
    console.log(`up               ${fmt(median(local.up)).padEnd(9)}${fmt(median(overSsh.up)).padEnd(11)}${ratio.toFixed(2)}x (target <= 1.3x)`);
    console.log(`test phase       ${fmt(median(local.test)).padEnd(9)}${fmt(median(overSsh.test)).padEnd(11)}${(median(overSsh.test) / median(local.test)).toFixed(2)}x`);
  } finally {
    await execa('docker', ['rm', '-f', NAME], { reject: false });
    rmSync(dir, { recursive: true, force: true });
  }
}

/** sshd in the host's network namespace, driving the local engine through its socket. */
async function startLoopbackSshd(dir, port) {
  await execa('docker', ['build', '-q', '-t', IMAGE, '--label', 'podlab.test=ssh-host', join(ROOT, 'images', 'ssh-host')]);
  const keys = ssh2.utils.generateKeyPairSync('ed25519');
  const keyFile = join(dir, 'id_ed25519');
  writeFileSync(keyFile, keys.private, { mode: 0o600 });
  await execa('docker', ['rm', '-f', NAME], { reject: false });
  const script = [
    'ssh-keygen -A >/dev/null',
    'install -d -m 700 /root/.ssh',
    'printf "%s\\n" "$AUTHORIZED_KEY" >/root/.ssh/authorized_keys',
    'mkdir -p /run/sshd',
    `exec /usr/sbin/sshd -D -e -o ListenAddress=127.0.0.1 -p ${port}`,
  ].join(' && ');
  await execa('docker', [
    'run', '-d', '--name', NAME, '--label', 'podlab.test=ssh-host',
    '--network', 'host', '--cap-add', 'NET_ADMIN', '--cap-add', 'NET_RAW',
    '-v', '/var/run/docker.sock:/var/run/docker.sock',
    '-e', `AUTHORIZED_KEY=${keys.public}`, '--entrypoint', 'sh', IMAGE, '-c', script,
  ]);
  await waitForPort(port);
  const hostKey = (await execa('docker', ['exec', NAME, 'cat', '/etc/ssh/ssh_host_ed25519_key.pub'])).stdout.split(' ').slice(0, 2).join(' ');
  const knownHostsFile = join(dir, 'known_hosts');
  writeFileSync(knownHostsFile, `[127.0.0.1]:${port} ${hostKey}\n`);
  return { keyFile, knownHostsFile };
}

async function waitForPort(port) {
  for (let attempt = 0; attempt < 100; attempt++) {
    const open = await new Promise((resolve) => {
      const socket = connect({ host: '127.0.0.1', port });
      socket.once('connect', () => resolve(socket.destroy() || true));
      socket.once('error', () => resolve(false));
    });
    if (open) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`the loopback sshd did not listen on 127.0.0.1:${port}`);
}
