// Labs side by side, and nothing left behind: after down, after a failed up, after Ctrl-C
// during up, and after bad input (which must create nothing at all).
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, describe, expect, it } from 'vitest';
import { FIXTURES, labResources, podlab, podlabOk, ROOT } from './helpers.js';
import { retryUntil } from '../../src/util/retry.js';

const fixture = (name: string) => join(FIXTURES, 'labs', name);

describe('lab lifecycle', () => {
  afterAll(async () => {
    for (const lab of ['e2e-side-a', 'e2e-side-b', 'e2e-flanneld-dies', 'e2e-interrupted']) await podlab('down', lab);
  });

  it('runs two labs side by side; down of one leaves the other intact', async () => {
    await Promise.all([podlabOk('up', fixture('side-a.yaml')), podlabOk('up', fixture('side-b.yaml'))]);
    const listing = (await podlabOk('ls')).stdout;
    expect(listing).toMatch(/e2e-side-a\s+-\s+dind\s+1\/1/);
    expect(listing).toMatch(/e2e-side-b\s+-\s+dind\s+1\/1/);
    const bBefore = (await labResources('e2e-side-b')).sort();
    await podlabOk('down', 'e2e-side-a');
    expect(await labResources('e2e-side-a')).toEqual([]);
    expect((await labResources('e2e-side-b')).sort()).toEqual(bBefore);
    await podlabOk('down', fixture('side-b.yaml'));
    expect(await labResources('e2e-side-b')).toEqual([]);
  });

  it('a failed up exits 3 with flanneld\'s log and removes what it created', async () => {
    const result = await podlab('up', fixture('flanneld-dies.yaml'));
    expect(result.exitCode).toBe(3);
    expect(result.stderr).toMatch(/flanneld exited before writing subnet\.env/);
    expect(result.stderr).toMatch(/subnet-lease-renew-margin option, out of acceptable range/);
    expect(await labResources('e2e-flanneld-dies')).toEqual([]);
  });

  it('Ctrl-C during up exits 130 and removes what was created', async () => {
    const child = execa('node', [join(ROOT, 'bin', 'podlab.js'), 'up', fixture('interrupted.yaml')], { reject: false, env: { CI: 'true' } });
    // Interrupt once the lab has started to exist: the worst moment, with creations in flight.
    await retryUntil('lab resources appear', async () => ((await labResources('e2e-interrupted')).length > 0 ? true : undefined), {
      timeoutMs: 30_000,
      intervalMs: 20,
      maxIntervalMs: 20,
    });
    child.kill('SIGINT');
    const result = await child;
    expect(result.exitCode).toBe(130);
    expect(await labResources('e2e-interrupted')).toEqual([]);
  });

  it('bad lab files exit 2 naming file and line, and create nothing', async () => {
    const before = (await labResources()).sort();
    const dir = join(FIXTURES, 'bad-labs');
    const files = readdirSync(dir).filter((file) => file.endsWith('.yaml'));
    const results = await Promise.all(files.map((file) => podlab('up', join(dir, file))));
    results.forEach((result, index) => {
      expect(result.exitCode, files[index]).toBe(2);
      expect(result.stderr, files[index]).toContain(`${join(dir, files[index]!)}:`);
    });
    expect((await labResources()).sort()).toEqual(before);
  });

  it('doctor finds everything a lab needs on this machine', async () => {
    const result = await podlab('doctor');
    expect(result.stdout).toContain('ok    node: vxlan device');
    expect(result.stdout).toContain('this machine can run podlab labs');
    expect(result.exitCode).toBe(0);
  });

  it('never rebuilds an image whose build context is unchanged', async () => {
    const result = await podlabOk('images', 'build', 'etcd', 'busybox');
    expect(result.stdout).toMatch(/podlab\/etcd: up to date/);
    expect(result.stdout).toMatch(/podlab\/busybox: up to date/);
  });

  it('usage errors exit 2', async () => {
    expect((await podlab('up')).exitCode).toBe(2);
    expect((await podlab('frobnicate')).exitCode).toBe(2);
    expect((await podlab('up', 'flannel-vxlan', '--variant', 'nope')).exitCode).toBe(2);
  });
});
