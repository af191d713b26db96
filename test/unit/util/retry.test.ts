import { describe, expect, it } from 'vitest';
import { retryUntil, RetryTimeout, type Clock } from '../../../src/util/retry.js';

function fakeClock(): Clock & { slept: number[] } {
  let now = 0;
  const slept: number[] = [];
  return {
    slept,
    now: () => now,
    sleep: async (ms) => {
      slept.push(ms);
      now += ms;
    },
  };
}

describe('retryUntil', () => {
  it('returns the first defined value, treating throws as not yet', async () => {
    const clock = fakeClock();
    let calls = 0;
    const value = await retryUntil(
      'thing',
      async () => {
        calls += 1;
        if (calls === 1) throw new Error('booting');
        return calls === 3 ? 'ready' : undefined;
      },
      { timeoutMs: 10_000, intervalMs: 100, clock },
    );
    expect(value).toBe('ready');
    expect(clock.slept).toEqual([100, 150]);
  });

  it('times out with the last error in the message', async () => {
    const clock = fakeClock();
    const attempt = retryUntil('etcd', async () => {
      throw new Error('connection refused');
    }, { timeoutMs: 1000, intervalMs: 200, maxIntervalMs: 200, clock });
    await expect(attempt).rejects.toBeInstanceOf(RetryTimeout);
    await expect(attempt).rejects.toThrow(/etcd: not ready after 1\.0s .*connection refused/);
  });

  it('stops when aborted', async () => {
    const controller = new AbortController();
    controller.abort(new Error('ctrl-c'));
    await expect(retryUntil('x', async () => undefined, { timeoutMs: 1000, signal: controller.signal, clock: fakeClock() })).rejects.toThrow('ctrl-c');
  });
});

describe('GiveUp', () => {
  it('ends the wait at once with the reason', async () => {
    const clock = fakeClock();
    const { GiveUp } = await import('../../../src/util/retry.js');
    await expect(
      retryUntil('flanneld', async () => {
        throw new GiveUp(new Error('flanneld exited'));
      }, { timeoutMs: 60_000, clock }),
    ).rejects.toThrow('flanneld exited');
    expect(clock.slept).toEqual([]);
  });
});
