// The registry maps `driver:` to an implementation and turns what a driver cannot do into
// lab-file errors (file:line: field), before anything is created. No engine is touched.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DRIVER_NAMES, driverFor, driverNamesOn, engineOf, selectEngine } from '../../../src/drivers/index.js';
import { ExitCode, InputError, LabFileError } from '../../../src/errors.js';
import { loadLabInput } from '../../../src/plan/lab-input.js';

function labFile(text: string): string {
  const file = join(mkdtempSync(join(tmpdir(), 'podlab-registry-')), 'lab.yaml');
  writeFileSync(file, text);
  return file;
}

function issueOf(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(LabFileError);
    return (error as Error).message;
  }
  throw new Error('expected a lab-file error');
}

describe('driver registry', () => {
  it('knows dind', () => {
    expect(DRIVER_NAMES).toContain('dind');
    expect(driverFor(loadLabInput(labFile('name: ok\nnodes: [node1]\n'))).name).toBe('dind');
  });

  it('an unknown driver names file, line and the known drivers', () => {
    const file = labFile('name: bad\nnodes: [node1]\ndriver: nope\n');
    const message = issueOf(() => driverFor(loadLabInput(file)));
    expect(message).toContain(`${file}:3:9: driver: unknown driver "nope"; podlab knows: ${DRIVER_NAMES.join(', ')}`);
  });

  it('--driver overrides the file and is checked the same way', () => {
    const file = labFile('name: ok\nnodes: [node1]\n');
    expect(issueOf(() => driverFor(loadLabInput(file, undefined, { driver: 'nope' })))).toMatch(/unknown driver "nope"/);
  });

  it('the dind driver checks the underlay has room for every node, blaming the field', () => {
    const file = labFile('name: small\nnodes: [a, b, c, d, e, f]\nnetwork:\n  underlay: 10.9.0.0/28\n');
    const message = issueOf(() => driverFor(loadLabInput(file)));
    expect(message).toContain(`${file}:4:13: network.underlay: 10.9.0.0/28 is too small for 6 nodes`);
    expect(message).toContain('(driver dind)');
  });

  it('blames the variant that wrote the field', () => {
    const file = labFile('name: v\nnodes: [a, b, c, d, e, f]\nvariants:\n  tiny:\n    network: {underlay: 10.9.0.0/28}\n');
    expect(issueOf(() => driverFor(loadLabInput(file, 'tiny')))).toContain(`${file}:5:`);
  });
});

describe('engine selection (no connection is made)', () => {
  const remote = { kind: 'ssh', user: 'root', host: '10.0.0.5', port: 22 };
  afterEach(() => selectEngine(undefined, {}, {}));

  it('is local unless --engine, PODLAB_ENGINE or the lab file say otherwise', () => {
    selectEngine(undefined, {}, {});
    expect(engineOf()).toEqual({ kind: 'local' });
    expect(engineOf({ engine: 'ssh://root@10.0.0.5', file: 'lab.yaml' })).toEqual(remote);
  });

  it('--engine wins over PODLAB_ENGINE, which wins over the lab file', () => {
    selectEngine(undefined, {}, { PODLAB_ENGINE: 'ssh://root@10.0.0.5' });
    expect(engineOf({ engine: 'ssh://ops@big-box:2222', file: 'lab.yaml' })).toEqual(remote);
    selectEngine('local', {}, { PODLAB_ENGINE: 'ssh://root@10.0.0.5' });
    expect(engineOf({ engine: 'ssh://ops@big-box:2222', file: 'lab.yaml' })).toEqual({ kind: 'local' });
  });

  it('a bad URL is exit 2 naming where it came from', () => {
    const fromFlag = (() => {
      try {
        selectEngine('tcp://10.0.0.5:2375', {}, {});
      } catch (error) {
        return error;
      }
    })();
    expect(fromFlag).toBeInstanceOf(InputError);
    expect((fromFlag as InputError).exitCode).toBe(ExitCode.badInput);
    expect((fromFlag as Error).message).toMatch(/^--engine: the tcp:\/\/ scheme is not supported/);
    expect(() => selectEngine(undefined, {}, { PODLAB_ENGINE: 'ssh://10.0.0.5' })).toThrow(/^PODLAB_ENGINE: no user/);
  });

  it('a bad engine: in the lab file is a lab-file error at its line', () => {
    const file = labFile('name: far\nnodes: [node1]\nengine: ssh://root:secret@10.0.0.5\n');
    const message = issueOf(() => loadLabInput(file));
    expect(message).toContain(`${file}:3:9: engine: passwords are not accepted in engine URLs`);
    expect(message).not.toContain('secret');
  });

  it('a remote engine runs dind labs only: kind there is exit 2 at engine:, or at driver: with --engine', () => {
    expect(driverNamesOn(remote as never)).toEqual(['dind']);
    const file = labFile('name: far\nnodes: [node1]\ndriver: kind\nengine: ssh://root@10.0.0.5\n');
    expect(issueOf(() => driverFor(loadLabInput(file)))).toContain(`${file}:4:9: engine: the kind driver runs on the local engine only; ssh://root@10.0.0.5:22 runs dind labs`);
    selectEngine('ssh://root@10.0.0.5', {}, {});
    const local = labFile('name: near\nnodes: [node1]\ndriver: kind\n');
    expect(issueOf(() => driverFor(loadLabInput(local)))).toContain(`${local}:3:9: driver: the kind driver runs on the local engine only`);
    expect(driverFor(loadLabInput(labFile('name: ok\nnodes: [node1]\n'))).name).toBe('dind');
  });
});
