// execIn against a fake engine that behaves as a slow real one does: the multiplexed stream ends
// late (after the first inspect would already have been answered), and the engine reports the
// exec as running, without an exit code, until a little after the stream ended. Reading the
// exit code before both streams end, or before Running is false, fails these tests. The
// demultiplexing is dockerode's own (its modem, which connects to nothing here).
import { PassThrough } from 'node:stream';
import Docker from 'dockerode';
import { describe, expect, it } from 'vitest';
import { execIn, execOk } from '../../../src/docker/exec.js';
import { shellQuote } from '../../../src/util/shell-quote.js';

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
  /** When the stream ends, after start. */
  endAfterMs: number;
  /** How long after the stream ended the engine still says Running. */
  runningForMs: number;
}

function fakeEngine(options: FakeOptions): { docker: Docker; inspects: Array<{ at: number; running: boolean }> } {
  const inspects: Array<{ at: number; running: boolean }> = [];
  let endedAt: number | undefined;
  const started = Date.now();
  const exec = {
    start: async () => {
      const stream = new PassThrough();
      // Output arrives in pieces, a frame split across writes, and the end comes late.
      const bytes = Buffer.concat(options.frames);
      const half = Math.floor(bytes.length / 2);
      setTimeout(() => stream.write(bytes.subarray(0, half)), 5);
      setTimeout(() => stream.write(bytes.subarray(half)), options.endAfterMs / 2);
      setTimeout(() => {
        endedAt = Date.now();
        stream.end();
      }, options.endAfterMs);
      return stream;
    },
    inspect: async () => {
      const running = endedAt === undefined || Date.now() - endedAt < options.runningForMs;
      inspects.push({ at: Date.now() - started, running });
      return running ? { Running: true, ExitCode: null } : { Running: false, ExitCode: options.exitCode };
    },
  };
  const docker = { getContainer: () => ({ exec: async () => exec }), modem: new Docker().modem } as unknown as Docker;
  return { docker, inspects };
}

describe('execIn', () => {
  it('waits for both streams to end and for Running: false before reading the exit code', async () => {
    const { docker, inspects } = fakeEngine({ frames: [frame(1, 'hello '), frame(2, 'warning\n'), frame(1, 'world\n')], exitCode: 3, endAfterMs: 120, runningForMs: 60 });
    const result = await execIn(docker, 'c', ['sh', '-c', 'x']);
    expect(result).toEqual({ exitCode: 3, stdout: 'hello world\n', stderr: 'warning\n' });
    // It asked only after the stream ended, and kept asking while the engine said Running.
    expect(inspects[0]!.at).toBeGreaterThanOrEqual(115);
    expect(inspects.at(-1)!.running).toBe(false);
  });

  it('keeps every byte of a large output', async () => {
    const line = 'x'.repeat(1000) + '\n';
    const { docker } = fakeEngine({ frames: Array.from({ length: 200 }, () => frame(1, line)), exitCode: 0, endAfterMs: 50, runningForMs: 0 });
    expect((await execIn(docker, 'c', ['cat'])).stdout.length).toBe(200 * line.length);
  });

  it('execOk shows a pasteable command when the exit is not zero', async () => {
    const { docker } = fakeEngine({ frames: [frame(2, 'boom\n')], exitCode: 1, endAfterMs: 10, runningForMs: 0 });
    await expect(execOk(docker, 'node1', ['sh', '-c', "echo 'a b'"])).rejects.toThrow(`docker exec node1 sh -c 'echo '\\''a b'\\'''`);
  });
});

describe('shellQuote', () => {
  it('quotes only what the shell would split or expand', () => {
    expect(shellQuote(['iptables', '-t', 'nat', '-S', 'KUBE-SVC-ABC'])).toBe('iptables -t nat -S KUBE-SVC-ABC');
    expect(shellQuote(['sh', '-c', 'echo $HOME; ls'])).toBe(`sh -c 'echo $HOME; ls'`);
    expect(shellQuote(['printf', "it's", ''])).toBe(`printf 'it'\\''s' ''`);
  });
});
