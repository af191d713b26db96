// A command on the remote machine run to completion over an exec channel: output collected,
// exit status (or 128 + signal) returned, never rejected for a non-zero exit. A lost connection
// rejects, naming the command.
import { constants } from 'node:os';
import type { ClientChannel } from 'ssh2';
import { shellQuote } from '../util/shell-quote.js';
import type { HostCommandResult } from './docker-host.js';
import type { SshConnection, TrackHandle } from './ssh-connection.js';

export async function runRemote(
  connection: SshConnection,
  argv: string[],
  options: { signal?: AbortSignal; stdin?: string } = {},
): Promise<HostCommandResult> {
  options.signal?.throwIfAborted();
  const quoted = shellQuote(argv);
  // sshd hands the line to the user's login shell: argv is quoted for a POSIX one. The shell
  // first prints its PID (the command keeps it through exec): abort kills by it, because sshd
  // refuses ssh "signal" requests in many setups (root logins among them) and closing the
  // channel does not stop a command.
  const command = `echo $$ && exec ${quoted}`;
  const what = `\`${quoted}\``;
  const stdout: Buffer[] = [];
  const stderr: Buffer[] = [];
  let exitCode: number | undefined;
  let tracking: TrackHandle | undefined;
  let settled!: { resolve: () => void; reject: (error: Error) => void };
  const done = new Promise<void>((resolve, reject) => (settled = { resolve, reject }));
  let pending = 3; // stdout ended, stderr ended, channel closed: only then is all output in
  const settle = () => {
    if (--pending === 0) settled.resolve();
  };
  let aborted = false;
  let killed = false;
  const kill = () => {
    const pid = aborted && !killed ? /^(\d+)\n/.exec(Buffer.concat(stdout).toString())?.[1] : undefined;
    if (!pid) return; // not aborted, already done, or the PID has yet to arrive
    killed = true;
    // The login shell sshd started leads its own process group: the command and its children.
    void runRemote(connection, ['sh', '-c', `kill -TERM -- -${pid} 2>/dev/null || kill -TERM ${pid}`]).catch(() => undefined);
  };
  const onAbort = () => {
    aborted = true;
    exitCode = 130;
    kill();
  };
  try {
    const channel = await connection.exec(command, what, {
      attach: (opened) => {
        opened.on('data', (chunk: Buffer) => {
          stdout.push(chunk);
          kill();
        });
        opened.on('end', settle);
        opened.stderr.on('data', (chunk: Buffer) => stderr.push(chunk)).on('end', settle);
        opened.on('exit', (code: number | null, signalName?: string) => {
          exitCode ??= exitStatus(code, signalName);
        });
        opened.on('close', settle);
      },
    });
    tracking = connection.track(what, (error) => settled.reject(error));
    options.signal?.addEventListener('abort', onAbort, { once: true });
    if (options.signal?.aborted) onAbort();
    endInput(channel, options.stdin);
    await done;
  } finally {
    tracking?.done();
    options.signal?.removeEventListener('abort', onAbort);
  }
  // The PID line is podlab's, not the command's.
  const output = Buffer.concat(stdout).toString().replace(/^\d+\n/, '');
  return { exitCode: exitCode ?? 255, stdout: output, stderr: Buffer.concat(stderr).toString() };
}

/** The shell's convention: the exit code, or 128 + the signal's number when it was killed. */
export function exitStatus(code: number | null | undefined, signalName?: string): number {
  if (typeof code === 'number') return code;
  // ssh2 reports "SIGKILL"; the protocol itself says "KILL".
  const name = signalName?.startsWith('SIG') ? signalName : `SIG${signalName}`;
  const number = signalName ? constants.signals[name as keyof typeof constants.signals] : undefined;
  return number ? 128 + number : 255;
}

function endInput(channel: ClientChannel, stdin: string | undefined): void {
  if (stdin === undefined) channel.end();
  else channel.end(stdin);
}
