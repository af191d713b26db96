// The registry maps `driver:` to an implementation and turns what a driver cannot do into
// lab-file errors (file:line: field), before anything is created. No engine is touched.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DRIVER_NAMES, driverFor } from '../../../src/drivers/index.js';
import { LabFileError } from '../../../src/errors.js';
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
