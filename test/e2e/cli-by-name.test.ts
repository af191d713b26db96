// Commands find a running lab by its name from any directory (its lab file's absolute path is in
// its labels), and the registry refuses a driver it does not know before creating anything.
import { cpSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, describe, expect, it } from 'vitest';
import { FIXTURES, labResources, podlab, podlabOk, ROOT } from './helpers.js';

const LAB = 'e2e-by-name';

/** The real CLI, run from / so that nothing resolves relative to the repository. */
async function podlabFromRoot(...args: string[]) {
  const result = await execa('node', [join(ROOT, 'bin', 'podlab.js'), ...args], { reject: false, cwd: '/', env: { CI: 'true' } });
  return { exitCode: result.exitCode ?? -1, stdout: result.stdout, stderr: result.stderr };
}

describe('commands by lab name', () => {
  afterAll(async () => {
    await podlab('down', LAB);
  });

  it('test, get and exec work by name from any directory after up from a path outside labs/', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'podlab-by-name-'));
    cpSync(join(FIXTURES, 'labs', 'every-step', 'web.yaml'), join(dir, 'web.yaml'));
    writeFileSync(
      join(dir, 'lab.yaml'),
      [
        `name: ${LAB}`,
        'nodes: [node1]',
        'network: {dns: false}',
        'images: {busybox: podlab/busybox}',
        'manifests: [web.yaml]',
        'assertions:',
        '  - {name: web answers, from: node/node1, tcp: "svc/web:8080", within: 10s}',
        '',
      ].join('\n'),
    );
    await podlabOk('up', join(dir, 'lab.yaml'));
    const tested = await podlabFromRoot('test', LAB);
    expect(tested.exitCode, tested.stderr).toBe(0);
    expect(tested.stdout).toMatch(/1 passed, 0 failed/);
    expect((await podlabFromRoot('get', LAB, 'pods')).stdout).toMatch(/default\s+web\s+1\/1\s+Running/);
    const hostname = await podlabFromRoot('exec', LAB, 'pod/web', '--', 'hostname');
    expect(hostname.exitCode).toBe(0);
    expect(hostname.stdout.trim()).toBe('web');
    expect((await podlabFromRoot('ls')).stdout).toContain(join(dir, 'lab.yaml'));
    await podlabOk('down', LAB);
    expect(await labResources(LAB)).toEqual([]);
  });

  it('an unknown driver is exit 2 listing the known ones, and nothing is created', async () => {
    const before = (await labResources()).sort();
    const dir = mkdtempSync(join(tmpdir(), 'podlab-nope-'));
    writeFileSync(join(dir, 'lab.yaml'), 'name: e2e-nope\ndriver: nope\nnodes: [node1]\n');
    const result = await podlab('up', join(dir, 'lab.yaml'));
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain(`${join(dir, 'lab.yaml')}:2:9: driver: unknown driver "nope"; podlab knows: dind`);
    const flag = await podlab('up', 'flannel-vxlan', '--driver', 'nope');
    expect(flag.exitCode).toBe(2);
    expect(flag.stderr).toMatch(/unknown driver "nope"/);
    expect((await labResources()).sort()).toEqual(before);
  });

  it('--version prints the package version', async () => {
    const result = await podlabOk('--version');
    expect(result.stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
  });
});
