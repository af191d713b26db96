// Every bundled lab, in every variant, through everything `up` does before it creates anything:
// loading, the manifests' model, the driver's check and the assertions' targets. A broken lab
// file fails here in seconds, not only in the suite. The kind driver refuses exactly the
// variants that need the classic wiring.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkTargets } from '../../../src/cli/commands/test.js';
import { driverFor } from '../../../src/drivers/index.js';
import { LabFileError } from '../../../src/errors.js';
import { loadLab } from '../../../src/lab/load.js';
import { BUNDLED_LABS } from '../../../src/lab/resolve.js';
import { loadLabInput } from '../../../src/plan/lab-input.js';

const cases = readdirSync(BUNDLED_LABS).flatMap((name) => {
  const file = join(BUNDLED_LABS, name, 'lab.yaml');
  return [undefined, ...loadLab(file).variantNames].map((variant) => ({ name, variant, file, label: `${name}${variant ? ` (${variant})` : ''}` }));
});

/** Variants only dind can build: no overlay, a FORWARD policy, dockerd's MTU, old flanneld flags. */
const DIND_ONLY = ['forward-drop (broken)', 'forward-drop (fixed-flannel)', 'forward-drop (fixed-policy)', 'guestbook (no-overlay)', 'mtu (mtu-mismatch)', 'mysql-myweb (cross-node-drop)', 'no-overlay'];

describe('bundled labs', () => {
  it('there are labs and variants to check', () => {
    expect(cases.length).toBeGreaterThan(20);
  });

  it.each(cases)('$label loads, plans and names only what exists, on dind', ({ file, variant }) => {
    const input = loadLabInput(file, variant);
    expect(driverFor(input).name).toBe(input.lab.driver);
    checkTargets(input);
  });

  it('on kind, exactly the dind-only variants are refused, each naming its field', () => {
    const refused: string[] = [];
    for (const { file, variant, label } of cases) {
      try {
        driverFor(loadLabInput(file, variant, { driver: 'kind' }));
      } catch (error) {
        expect(error, label).toBeInstanceOf(LabFileError);
        expect((error as LabFileError).issues[0]!.line, label).toBeGreaterThan(0);
        refused.push(label);
      }
    }
    expect(refused.sort()).toEqual(DIND_ONLY);
  });
});
