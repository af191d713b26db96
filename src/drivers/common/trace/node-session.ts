// One node's part of a trace: the session script (src/trace/session-script.ts) running in the
// node container through a `docker exec` whose stdin stays open. `ready` resolves once the
// monitor runs and the TRACE rules are in; `stop()` closes stdin, which makes the script stop
// the monitor and delete its rules, and resolves with the monitor's output once the script
// says the rules are gone. If podlab dies instead, the closed connection closes stdin too.
import { PassThrough } from 'node:stream';
import type Docker from 'dockerode';
import { EnvironmentError } from '../../../errors.js';
import { DONE_MARK, READY_MARK } from '../../../trace/session-script.js';

export interface NodeSession {
  node: string;
  ready: Promise<void>;
  /** Idempotent. Resolves with everything the monitor printed (without the script's marks). */
  stop(): Promise<string>;
}

export async function startSession(docker: Docker, node: string, container: string, script: string, readyTimeoutMs: number): Promise<NodeSession> {
  const exec = await docker.getContainer(container).exec({ Cmd: ['bash', '-c', script], AttachStdin: true, AttachStdout: true, AttachStderr: true });
  const stream = await exec.start({ hijack: true, stdin: true });
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  docker.modem.demuxStream(stream, stdout, stderr);
  let out = '';
  let err = '';
  let readyResolve!: () => void;
  let readyReject!: (error: Error) => void;
  const ready = new Promise<void>((resolve, reject) => {
    readyResolve = resolve;
    readyReject = reject;
  });
  const ended = new Promise<void>((resolve) => {
    stream.on('end', resolve);
    stream.on('close', resolve);
    stream.on('error', () => resolve());
  });
  stdout.on('data', (chunk: Buffer) => {
    out += chunk.toString('utf8');
    if (out.includes(READY_MARK)) readyResolve();
  });
  stderr.on('data', (chunk: Buffer) => (err += chunk.toString('utf8')));
  const failed = (why: string) =>
    new EnvironmentError(`trace on ${node}: ${why}`, { command: `docker exec -i ${container} bash -c '<trace session>'`, output: `${out}${err}` });
  void ended.then(() => readyReject(failed('the session ended before its TRACE rules were in')));
  const timer = setTimeout(() => readyReject(failed(`not ready within ${readyTimeoutMs} ms`)), readyTimeoutMs);
  void ready.finally(() => clearTimeout(timer)).catch(() => undefined);

  let stopping: Promise<string> | undefined;
  const stop = () => {
    stopping ??= (async () => {
      // Half-close: the script's `read` sees end of input, cleans up, prints DONE_MARK, exits.
      (stream as unknown as { end: () => void }).end();
      const limit = new Promise<void>((resolve) => setTimeout(resolve, 8000).unref());
      await Promise.race([ended, limit]);
      if (!out.includes(DONE_MARK)) throw failed('the TRACE rules were not confirmed removed');
      if (!new RegExp(`${DONE_MARK} 0`).test(out)) throw failed('removing the TRACE rules failed');
      return out
        .split('\n')
        .filter((line) => !line.startsWith('@@podlab-trace'))
        .join('\n');
    })();
    return stopping;
  };
  return { node, ready, stop };
}
