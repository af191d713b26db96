// A machine-wide lock on the remote machine: `flock` on /tmp/podlab-NAME.lock, held by a shell
// that lives as long as podlab's exec channel. The kernel drops a flock when its holder exits,
// so no lock outlives its process: the holder exits when the channel closes (podlab released it,
// died, or the connection ended) and also when podlab's heartbeat stops for HEARTBEAT_DEAD_S (a
// client that vanished without closing TCP, which sshd alone would notice only hours later).
import { EnvironmentError, InputError } from '../errors.js';
import { shellQuoteWord } from '../util/shell-quote.js';
import type { SshConnection } from './ssh-connection.js';

const LOCK_WAIT_S = 120;
const HEARTBEAT_MS = 5_000;
const HEARTBEAT_DEAD_S = 30;
const LOCKED = 'podlab-locked';

export function remoteLockPath(name: string): string {
  if (!/^[a-z0-9][a-z0-9-]*$/.test(name)) throw new InputError(`lock names are lower-case words (got ${JSON.stringify(name)})`);
  return `/tmp/podlab-${name}.lock`;
}

export async function withRemoteLock<T>(connection: SshConnection, name: string, signal: AbortSignal, fn: () => Promise<T>): Promise<T> {
  signal.throwIfAborted();
  const path = shellQuoteWord(remoteLockPath(name));
  // /tmp is sticky: nobody can delete another user's lock file and lock a new one beside it.
  // umask 0 lets every user open it. `timeout … head -c 1` is one heartbeat, or the end.
  const script = [
    `umask 0; exec 9>>${path} || exit 70`,
    `command -v flock >/dev/null || exit 127`,
    `flock -w ${LOCK_WAIT_S} 9 || exit 75`,
    `echo ${LOCKED}`,
    `while [ "$(timeout ${HEARTBEAT_DEAD_S} head -c 1)" = . ]; do :; done`,
  ].join('\n');
  const what = `holding the lock ${remoteLockPath(name)}`;
  let acquiring!: Promise<void>;
  const channel = await connection.exec(`sh -c ${shellQuoteWord(script)}`, what, {
    attach: (opened) => {
      acquiring = acquired(opened, signal, name, connection.description);
      acquiring.catch(() => undefined); // awaited below; a rejection before then is not lost
    },
  });

  let failLost: (error: Error) => void = () => undefined;
  const lost = new Promise<never>((_, reject) => (failLost = reject));
  lost.catch(() => undefined);
  const tracking = connection.track(what, (error) => failLost(error));
  let heartbeat: NodeJS.Timeout | undefined;
  try {
    await Promise.race([acquiring, lost]);
    heartbeat = setInterval(() => channel.write('.'), HEARTBEAT_MS);
    return await fn();
  } finally {
    clearInterval(heartbeat);
    tracking.done();
    // End of input ends the holder's loop: it exits and the kernel releases the lock.
    channel.end();
    channel.close();
  }
}

/** Resolves once the holder printed that it holds the lock; rejects with why it never will. */
function acquired(channel: import('ssh2').ClientChannel, signal: AbortSignal, name: string, where: string): Promise<void> {
  return new Promise((resolve, reject) => {
    let output = '';
    let exitCode: number | undefined;
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes(LOCKED)) {
        cleanup();
        resolve();
      }
    };
    const onStderr = (chunk: Buffer) => {
      output += chunk.toString();
    };
    const onExit = (code: number | null) => {
      exitCode = code ?? undefined;
    };
    const onClose = () => {
      cleanup();
      const reason =
        exitCode === 75
          ? `another podlab held it for ${LOCK_WAIT_S}s`
          : exitCode === 127
            ? 'flock (util-linux) is not installed there'
            : `the lock holder exited with ${exitCode ?? 'no status'}: ${output.trim() || 'no output'}`;
      reject(new EnvironmentError(`could not take the ${name} lock on ${where}: ${reason}`));
    };
    const onAbort = () => {
      cleanup();
      reject(signal.reason);
    };
    const cleanup = () => {
      channel.removeListener('data', onData).removeListener('exit', onExit).removeListener('close', onClose);
      channel.stderr.removeListener('data', onStderr);
      signal.removeEventListener('abort', onAbort);
    };
    channel.on('data', onData).on('exit', onExit).on('close', onClose);
    channel.stderr.on('data', onStderr);
    if (signal.aborted) onAbort();
    else signal.addEventListener('abort', onAbort, { once: true });
  });
}
