// The docker CLI run on the remote machine with this terminal passed through: `podlab exec -it`
// over ssh behaves as `ssh -t host docker exec -it …` does. With a TTY on our side the remote gets
// a pty of the same size (kept in step on resize) and our terminal goes raw, so keys such as
// Ctrl-C reach the remote program instead of podlab.
import type { Readable, Writable } from 'node:stream';
import type { ReadStream, WriteStream } from 'node:tty';
import { shellQuote } from '../util/shell-quote.js';
import { NODE_DOCKER_PORT } from './docker-host.js';
import type { SshConnection } from './ssh-connection.js';
import { exitStatus } from './ssh-exec.js';

export interface Stdio {
  stdin: Readable;
  stdout: Writable;
  stderr: Writable;
}

export async function remoteDockerCli(connection: SshConnection, args: string[], nodeIP: string | undefined, stdio: Stdio): Promise<number> {
  const argv = ['docker', ...(nodeIP ? ['-H', `tcp://${nodeIP}:${NODE_DOCKER_PORT}`] : []), ...args];
  const command = shellQuote(argv);
  const terminal = (stdio.stdin as ReadStream).isTTY && (stdio.stdout as WriteStream).isTTY ? (stdio.stdout as WriteStream) : undefined;
  const pty = terminal ? { term: process.env.TERM ?? 'xterm', rows: terminal.rows, cols: terminal.columns } : undefined;
  const what = `\`${command}\``;
  let exitCode = 255;
  let closed = false;
  let onClosed = () => undefined as void;
  const channel = await connection.exec(command, what, {
    pty,
    attach: (opened) => {
      opened.on('exit', (code: number | null, signalName?: string) => (exitCode = exitStatus(code, signalName)));
      opened.on('close', () => {
        closed = true;
        onClosed();
      });
    },
  });

  const stdin = stdio.stdin as ReadStream;
  const onResize = () => channel.setWindow(terminal!.rows, terminal!.columns, 0, 0);
  if (terminal) {
    stdin.setRawMode(true);
    terminal.on('resize', onResize);
  }
  stdio.stdin.pipe(channel);
  channel.pipe(stdio.stdout, { end: false });
  channel.stderr.pipe(stdio.stderr, { end: false });
  let tracking: ReturnType<SshConnection['track']> | undefined;
  try {
    return await new Promise<number>((resolve, reject) => {
      onClosed = () => resolve(exitCode);
      if (closed) onClosed();
      tracking = connection.track(what, reject);
    });
  } finally {
    tracking?.done();
    stdio.stdin.unpipe(channel);
    // Our stdin was flowing into the channel; paused again, it no longer holds the process open.
    stdio.stdin.pause();
    if (terminal) {
      terminal.removeListener('resize', onResize);
      stdin.setRawMode(false);
    }
  }
}
