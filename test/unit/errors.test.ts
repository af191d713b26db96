import { describe, expect, it } from 'vitest';
import { asPodlabError, EnvironmentError, exitCodeOf, InputError, InternalError, InterruptedError, TeardownError } from '../../src/errors.js';
import { RetryTimeout } from '../../src/util/retry.js';

describe('one error contract', () => {
  it('maps every failure to its exit code', () => {
    expect(exitCodeOf(new InputError('bad'))).toBe(2);
    expect(exitCodeOf(new EnvironmentError('gone'))).toBe(3);
    expect(exitCodeOf(new InterruptedError())).toBe(130);
    expect(exitCodeOf(Object.assign(new Error('no such container'), { statusCode: 404 }))).toBe(3);
    expect(exitCodeOf(new RetryTimeout('dockerd answers', 1000, 3, new Error('ECONNREFUSED')))).toBe(3);
    expect(exitCodeOf(new TypeError('x is undefined'))).toBe(3);
  });

  it('says what was waited for when a wait times out', () => {
    const error = asPodlabError(new RetryTimeout('node1: dockerd answers', 45_000, 90, new Error('ECONNREFUSED')));
    expect(error).toBeInstanceOf(EnvironmentError);
    expect(error.message).toMatch(/^timed out waiting for node1: dockerd answers: not ready after 45\.0s/);
  });

  it('calls a programming error a podlab bug, keeping the cause for --debug', () => {
    const bug = new TypeError("Cannot read properties of undefined (reading 'ip')");
    const error = asPodlabError(bug);
    expect(error).toBeInstanceOf(InternalError);
    expect(error.message).toMatch(/this is a podlab bug: Cannot read properties/);
    expect(error.cause).toBe(bug);
  });

  it('a failed teardown after a failed up reports both, the first first, with its exit code', () => {
    const error = new TeardownError(new InputError('the first failure'), new Error('engine went away'));
    expect(error.message.indexOf('the first failure')).toBeLessThan(error.message.indexOf('engine went away'));
    expect(error.exitCode).toBe(2);
  });
});
