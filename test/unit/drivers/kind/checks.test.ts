// The kind driver's check over every bundled lab and variant: exactly the dind-only scenarios
// (dockerd's FORWARD policy and --mtu, no overlay at all) are refused, each at the fields the lab
// or its variant wrote, with exit 2; everything else is accepted. A lab that gains or loses kind
// support changes this list on purpose. No engine is touched (the check is pure).
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { driverFor } from '../../../../src/drivers/index.js';
import { ExitCode, LabFileError } from '../../../../src/errors.js';
import { loadLab } from '../../../../src/lab/load.js';
import { BUNDLED_LABS } from '../../../../src/lab/resolve.js';
import { loadLabInput } from '../../../../src/plan/lab-input.js';

const DIND_ONLY: Record<string, string> = {
  'forward-drop (broken)': 'variants.broken.network.forwardPolicy',
  'forward-drop (fixed-flannel)': 'variants.fixed-flannel.network.forwardPolicy',
  'forward-drop (fixed-policy)': 'variants.fixed-policy.network.forwardPolicy',
  'guestbook (no-overlay)': 'variants.no-overlay.network.overlay',
  'mtu (mtu-mismatch)': 'variants.mtu-mismatch.network.dockerMTU',
  'mysql-myweb (cross-node-drop)': 'variants.cross-node-drop.network.forwardPolicy',
  'no-overlay': 'network.overlay',
};

const cases = readdirSync(BUNDLED_LABS).flatMap((directory) => {
  const file = join(BUNDLED_LABS, directory, 'lab.yaml');
  return [undefined, ...loadLab(file).variantNames].map((variant) => ({ file, variant, label: `${directory}${variant ? ` (${variant})` : ''}` }));
});

describe('kind driver check on the bundled labs', () => {
  it('covers every dind-only case named here', () => {
    expect(cases.map((each) => each.label)).toEqual(expect.arrayContaining(Object.keys(DIND_ONLY)));
  });

  it.each(cases)('$label', ({ file, variant, label }) => {
    const check = () => driverFor(loadLabInput(file, variant, { driver: 'kind' }));
    const field = DIND_ONLY[label];
    if (field === undefined) {
      expect(check().name).toBe('kind');
      return;
    }
    let caught: unknown;
    try {
      check();
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(LabFileError);
    const error = caught as LabFileError;
    expect(error.exitCode).toBe(ExitCode.badInput);
    // The field that makes it dind-only is blamed first (a variant may write more than one).
    expect(error.issues[0]!.field).toBe(field);
    for (const issue of error.issues) expect(issue.field.startsWith(variant ? `variants.${variant}.` : 'network.')).toBe(true);
  });
});
