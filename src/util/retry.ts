import { isConnectionLost } from '../errors.js';

// The one place podlab waits. Every readiness check goes through `retryUntil`, with a clock
// that tests replace and an AbortSignal that Ctrl-C fires.

export interface Clock {
  now(): number;
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  sleep: (ms, signal) =>
    new Promise((resolve, reject) => {
      if (signal?.aborted) return reject(signal.reason);
      const timer = setTimeout(() => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      }, ms);
      const onAbort = () => {
        clearTimeout(timer);
        reject(signal?.reason);
      };
      signal?.addEventListener('abort', onAbort, { once: true });
    }),
};

export interface RetryOptions {
  /** Give up after this long, measured on the clock. */
  timeoutMs: number;
  /** Pause between attempts; grows by `backoff` up to `maxIntervalMs`. */
  intervalMs?: number;
  backoff?: number;
  maxIntervalMs?: number;
  signal?: AbortSignal;
  clock?: Clock;
}

export class RetryTimeout extends Error {
  readonly attempts: number;
  readonly lastError: unknown;
  constructor(what: string, timeoutMs: number, attempts: number, lastError: unknown) {
    const reason = lastError instanceof Error ? lastError.message : String(lastError ?? 'not ready');
    super(`${what}: not ready after ${(timeoutMs / 1000).toFixed(1)}s (${attempts} attempts): ${reason}`);
    this.name = 'RetryTimeout';
    this.attempts = attempts;
    this.lastError = lastError;
  }
}

/** Thrown by an attempt that knows waiting longer cannot help (the process it waits for died). */
export class GiveUp extends Error {
  constructor(readonly reason: Error) {
    super(reason.message, { cause: reason });
  }
}

/**
 * Calls `attempt` until it returns a value other than `undefined`, then returns that value.
 * A thrown error counts as "not yet" and is kept for the timeout message.
 */
export async function retryUntil<T>(
  what: string,
  attempt: () => Promise<T | undefined>,
  options: RetryOptions,
): Promise<T> {
  const clock = options.clock ?? systemClock;
  const start = clock.now();
  let interval = options.intervalMs ?? 50;
  let attempts = 0;
  let lastError: unknown;
  for (;;) {
    options.signal?.throwIfAborted();
    attempts += 1;
    try {
      const value = await attempt();
      if (value !== undefined) return value;
      lastError = undefined;
    } catch (error) {
      if (error instanceof GiveUp) throw error.reason;
      if (isConnectionLost(error)) throw error;
      lastError = error;
    }
    if (clock.now() - start >= options.timeoutMs) {
      throw new RetryTimeout(what, options.timeoutMs, attempts, lastError);
    }
    await clock.sleep(interval, options.signal);
    interval = Math.min(interval * (options.backoff ?? 1.5), options.maxIntervalMs ?? 500);
  }
}
