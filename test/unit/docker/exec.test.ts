// execIn against a fake engine that behaves as a slow real one does: the multiplexed stream ends
// late (after an early inspect would already have been answered), its last frame arrives
// together with the end, and for a few inspects after that the engine still says Running, with
// an exit code of null (Docker) or 0 (Podman's compatible API: a code that is not one yet).
// Reading the exit code before both streams end, or before Running is false, fails these tests.
// The demultiplexing is dockerode's own (its modem, which connects to nothing here), fed real
// 8-byte frame headers split across chunks.
import { Duplex } from 'node:stream';
import Docker from 'dockerode';
import { describe, expect, it } from 'vitest';
import { execIn, execOk } from '../../../src/docker/exec.js';
import { EnvironmentError } from '../../../src/errors.js';

/** One frame of Docker's multiplexed stream: [stream, 0, 0, 0, size (BE32)] + payload. */
function frame(stream: 1 | 2, text: string): Buffer {
  const payload = Buffer.from(text);
  const header = Buffer.alloc(8);
  header[0] = stream;
  header.writeUInt32BE(payload.length, 4);
  return Buffer.concat([header, payload]);
}

interface FakeOptions {
  frames: Buffer[];
  exitCode: number;
  /** When the stream ends, in ms after start; the second half of the bytes comes with the end. */
  endAfterMs: number;
  /** How many inspects after the stream ended still answer Running: true. */
  runningInspects: number;
  /** Like `cat`: once stdin is closed, echo it back on stdout, then end. Replaces the timed end. */
  echoStdin?: boolean;
}

interface Inspect {
  streamEnded: boolean;
  running: boolean;
}

function fakeEngine(options: FakeOptions): { docker: Docker; inspects: Inspect[]; stream: () => Duplex } {
  const inspects: Inspect[] = [];
  let streamEnded = false;
  let stillRunning = options.runningInspects;
  let stream: Duplex | undefined;
  const stdin: Buffer[] = [];
  const end = (last: Buffer) => {
    streamEnded = true;
    stream!.push(last);
    stream!.push(null);
  };
  const exec = {
    start: async () => {
      stream = new Duplex({
        read() {},
        write(chunk: Buffer, _encoding, done) {
          stdin.push(chunk);
          done();
        },
        final(done) {
          if (options.echoStdin) setTimeout(() => end(frame(1, Buffer.concat(stdin).toString())), 5);
          done();
        },
      });
      if (!options.echoStdin) {
        // Output arrives in pieces, a frame header split across chunks, the rest with the end.
        const bytes = Buffer.concat(options.frames);
        const cut = Math.min(3, bytes.length);
        setTimeout(() => stream!.push(bytes.subarray(0, cut)), 5);
        setTimeout(() => end(bytes.subarray(cut)), options.endAfterMs);
      }
      return stream;
    },
    inspect: async () => {
      const running = !streamEnded || stillRunning-- > 0;
      inspects.push({ streamEnded, running });
      if (!running) return { Running: false, ExitCode: options.exitCode };
      // Docker says null while running; Podman's compatible API says 0, a code that is not one yet.
      return { Running: true, ExitCode: inspects.length % 2 === 0 ? 0 : null };
    },
  };
  const docker = { getContainer: () => ({ exec: async () => exec }), modem: new Docker().modem } as unknown as Docker;
  return { docker, inspects, stream: () => stream! };
}

describe('execIn', () => {
  it('waits for both streams to end and for Running: false before reading the exit code', async () => {
    const { docker, inspects } = fakeEngine({ frames: [frame(1, 'hello '), frame(2, 'warning\n'), frame(1, 'world\n')], exitCode: 3, endAfterMs: 60, runningInspects: 3 });
    const result = await execIn(docker, 'c', ['sh', '-c', 'x']);
    expect(result).toEqual({ exitCode: 3, stdout: 'hello world\n', stderr: 'warning\n' });
    // It asked only once the stream had ended, and kept asking while the engine said Running.
    expect(inspects).toEqual([
      { streamEnded: true, running: true },
      { streamEnded: true, running: true },
      { streamEnded: true, running: true },
      { streamEnded: true, running: false },
    ]);
  });

  it('keeps every byte of a large output on both streams, the last frames arriving with the end', async () => {
    const line = 'x'.repeat(1000) + '\n';
    const frames = Array.from({ length: 200 }, (_, i) => frame(i % 2 === 0 ? 1 : 2, line));
    const { docker } = fakeEngine({ frames, exitCode: 0, endAfterMs: 20, runningInspects: 0 });
    const result = await execIn(docker, 'c', ['cat']);
    expect([result.stdout.length, result.stderr.length]).toEqual([100 * line.length, 100 * line.length]);
  });

  it('feeds stdin and closes it, so a command reading to EOF can finish', async () => {
    const { docker } = fakeEngine({ frames: [], exitCode: 0, endAfterMs: 0, runningInspects: 1, echoStdin: true });
    expect(await execIn(docker, 'c', ['cat'], { stdin: 'line one\nline two\n' })).toEqual({ exitCode: 0, stdout: 'line one\nline two\n', stderr: '' });
  });

  it('stops at once when aborted, without asking for an exit code', async () => {
    const { docker, inspects, stream } = fakeEngine({ frames: [frame(1, 'never\n')], exitCode: 0, endAfterMs: 60_000, runningInspects: 0 });
    const controller = new AbortController();
    setTimeout(() => controller.abort(new Error('interrupted')), 20);
    await expect(execIn(docker, 'c', ['sleep', 'infinity'], { signal: controller.signal })).rejects.toThrow('interrupted');
    expect(inspects).toEqual([]);
    expect(stream().destroyed).toBe(true);
  });
});

describe('execOk', () => {
  it('returns stdout when the exit is zero', async () => {
    const { docker } = fakeEngine({ frames: [frame(1, 'ok\n')], exitCode: 0, endAfterMs: 10, runningInspects: 1 });
    expect(await execOk(docker, 'node1', ['true'])).toBe('ok\n');
  });

  it('shows a pasteable command and the output when the exit is not zero', async () => {
    const { docker } = fakeEngine({ frames: [frame(2, 'boom\n')], exitCode: 1, endAfterMs: 10, runningInspects: 1 });
    const error = await execOk(docker, 'node1', ['sh', '-c', "echo 'a b'"]).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(EnvironmentError);
    expect(error).toMatchObject({ command: `docker exec node1 sh -c 'echo '\\''a b'\\'''`, output: 'boom\n' });
    expect((error as Error).message.split('\n')[0]).toBe('command failed in node1 (exit 1)');
  });
});
