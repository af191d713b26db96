// `docker exec` through the Engine API. The order matters: demultiplex, drain both streams to
// their end, and only then inspect for the exit code, until the engine says the process is no
// longer running; inspecting earlier truncates output and reports a wrong (or no) exit code.
import { PassThrough, type Readable } from 'node:stream';
import { finished } from 'node:stream/promises';
import type Docker from 'dockerode';
import { EnvironmentError } from '../errors.js';
import { shellQuote } from '../util/shell-quote.js';
import { retryUntil } from '../util/retry.js';

export interface ExecResult {
  exitCode: number;
  stdout: string;
  stderr: string;
}

export interface ExecOptions {
  /** Bytes or a stream fed to the command's stdin, then closed. */
  stdin?: Buffer | string | Readable;
  env?: string[];
  signal?: AbortSignal;
}

/** How long the engine may take to mark an exec finished once its streams have ended. */
const EXIT_WAIT_MS = 10_000;

export async function execIn(docker: Docker, container: string, argv: string[], options: ExecOptions = {}): Promise<ExecResult> {
  const exec = await docker.getContainer(container).exec({
    Cmd: argv,
    AttachStdout: true,
    AttachStderr: true,
    AttachStdin: options.stdin !== undefined,
    Env: options.env,
  });
  const stream = await exec.start({ hijack: true, stdin: options.stdin !== undefined });
  const stdout = collect();
  const stderr = collect();
  docker.modem.demuxStream(stream, stdout.sink, stderr.sink);
  const ended = new Promise<void>((resolve, reject) => {
    stream.on('end', resolve);
    stream.on('close', resolve);
    stream.on('error', reject);
  });
  if (options.stdin !== undefined) feed(stream, options.stdin);
  const onAbort = () => stream.destroy();
  options.signal?.addEventListener('abort', onAbort, { once: true });
  try {
    await ended;
    // Every demultiplexed chunk has reached its sink once both sinks have finished.
    stdout.sink.end();
    stderr.sink.end();
    await Promise.all([finished(stdout.sink), finished(stderr.sink)]);
  } finally {
    options.signal?.removeEventListener('abort', onAbort);
  }
  options.signal?.throwIfAborted();
  const exitCode = await retryUntil(
    `the exit code of ${argv[0]} in ${container}`,
    async () => {
      const info = await exec.inspect();
      return info.Running || info.ExitCode === null || info.ExitCode === undefined ? undefined : info.ExitCode;
    },
    { timeoutMs: EXIT_WAIT_MS, intervalMs: 10, maxIntervalMs: 200, signal: options.signal },
  );
  return { exitCode, stdout: stdout.text(), stderr: stderr.text() };
}

/** Like execIn, but a non-zero exit is an EnvironmentError carrying the command and output. */
export async function execOk(docker: Docker, container: string, argv: string[], options: ExecOptions = {}): Promise<string> {
  const result = await execIn(docker, container, argv, options);
  if (result.exitCode !== 0) {
    throw new EnvironmentError(`command failed in ${container} (exit ${result.exitCode})`, {
      command: `docker exec ${container} ${shellQuote(argv)}`,
      output: `${result.stdout}${result.stderr}`,
    });
  }
  return result.stdout;
}

function collect(): { sink: PassThrough; text: () => string } {
  const chunks: Buffer[] = [];
  const sink = new PassThrough();
  sink.on('data', (chunk: Buffer) => chunks.push(chunk));
  return { sink, text: () => Buffer.concat(chunks).toString('utf8') };
}

function feed(stream: NodeJS.ReadWriteStream, input: Buffer | string | Readable): void {
  const duplex = stream as unknown as { end: (data?: Buffer | string) => void; write: (data: Buffer) => boolean };
  if (typeof input === 'string' || Buffer.isBuffer(input)) {
    duplex.end(input);
    return;
  }
  input.pipe(stream as unknown as NodeJS.WritableStream);
}
