// `podlab run`, the CI entry point: every variant of the guestbook up, tested and down with a
// JUnit report; a wrong assertion exits 1 and still tears down; a target naming nothing exits 2
// before anything exists; the 3-node lab's full pod ping matrix with its host row.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FIXTURES, labResources, podlab, ROOT } from './helpers.js';

const out = mkdtempSync(join(tmpdir(), 'podlab-run-'));

describe('podlab run', () => {
  it('runs the guestbook in every variant and writes one JUnit testcase per expanded assertion', async () => {
    const junit = join(out, 'guestbook.xml');
    const json = join(out, 'guestbook.json');
    const result = await podlab('run', 'labs/guestbook', '--all-variants', '--junit', junit, '--json', json);
    expect(result.exitCode, result.stdout.slice(-3000) + result.stderr).toBe(0);
    expect(result.stdout).toMatch(/^\d+ passed, 0 failed$/m);
    const xml = readFileSync(junit, 'utf8');
    const report = JSON.parse(readFileSync(json, 'utf8')) as { labs: Array<{ variant: string; results: Array<{ status: string }> }> };
    expect(report.labs.map((lab) => lab.variant)).toEqual(['default', 'no-overlay', 'flannel-udp']);
    const expanded = report.labs.reduce((sum, lab) => sum + lab.results.length, 0);
    expect(xml.match(/<testcase /g)).toHaveLength(expanded);
    expect(xml.match(/<testsuite /g)).toHaveLength(3);
    expect(report.labs[1]!.results.filter((r) => r.status === 'XFAIL').length).toBeGreaterThanOrEqual(2);
    execFileSync('xmllint', ['--noout', '--schema', join(ROOT, 'test', 'fixtures', 'report', 'junit.xsd'), junit], { stdio: 'pipe' });
    expect(await labResources('guestbook')).toEqual([]);
  }, 600_000);

  it('exits 1 for an assertion that misses its expectation, and still tears the lab down', async () => {
    const result = await podlab('run', join(FIXTURES, 'labs', 'wrong-assertion.yaml'));
    expect(result.exitCode).toBe(1);
    expect(result.stdout).toMatch(/FAIL\s+host cannot ping node1 \(wrong on purpose\)/);
    expect(result.stdout).toMatch(/^1 passed, 1 failed$/m);
    expect(await labResources('e2e-wrong-assertion')).toEqual([]);
  });

  it('exits 2 for an assertion naming a missing pod, before creating anything', async () => {
    const before = await labResources();
    const result = await podlab('run', join(FIXTURES, 'labs', 'missing-pod.yaml'));
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toMatch(/missing-pod\.yaml:\d+:\d+: assertions\[0\]\.from: assertion "from a pod that does not exist": pod\/ghost: no pod or controller named "ghost"/);
    expect(await labResources()).toEqual(before);
  });

  it('runs the 3-node lab\'s full pod ping matrix, host row expected to fail', async () => {
    const json = join(out, 'vxlan.json');
    const result = await podlab('run', 'flannel-vxlan', '--json', json);
    expect(result.exitCode, result.stdout.slice(-3000)).toBe(0);
    const [lab] = (JSON.parse(readFileSync(json, 'utf8')) as { labs: Array<{ results: Array<{ name: string; from: string; outcome: string; status: string; matrix?: unknown }> }> }).labs;
    const cells = lab!.results.filter((r) => r.matrix);
    expect(cells.filter((r) => r.from !== 'host')).toHaveLength(6);
    expect(cells.filter((r) => r.from !== 'host').every((r) => r.outcome === 'pass')).toBe(true);
    expect(cells.filter((r) => r.from === 'host')).toHaveLength(3);
    expect(cells.filter((r) => r.from === 'host').every((r) => r.outcome === 'fail' && r.status === 'PASS')).toBe(true);
    expect(result.stdout).toContain('pod mesh');
  });
});

describe('a scenario that stops reproducing its bug', () => {
  it('is an XPASS: run exits 1 and still tears down', async () => {
    const result = await podlab('run', join(FIXTURES, 'labs', 'xpass'), '--variant', 'broken');
    expect(result.stdout).toMatch(/XPASS\s+across nodes, pod to pod/);
    expect(result.exitCode).toBe(1);
    expect(await labResources('e2e-xpass')).toEqual([]);
  });
});
