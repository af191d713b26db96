// `up`'s failure path with a fake driver: whatever fails, what was created is removed; a removal
// that fails too is reported with the first failure, never instead of it.
import { describe, expect, it } from 'vitest';
import { bringUp } from '../../../src/cli/commands/up.js';
import type { LabDriver, RemoveReport } from '../../../src/drivers/driver.js';
import type { Step } from '../../../src/drivers/steps.js';
import { TeardownError } from '../../../src/errors.js';
import type { LabInput } from '../../../src/plan/lab-input.js';

const input = { lab: { name: 'fake' }, hash: 'h' } as unknown as LabInput;
const NOTHING: RemoveReport = { containers: 0, networks: 0, volumes: 0 };

function fakeDriver(steps: Step[], down: () => Promise<RemoveReport>): LabDriver & { downs: number } {
  const driver = {
    name: 'fake',
    downs: 0,
    diagnose: async () => [],
    check: () => [],
    status: async () => undefined,
    upSteps: () => steps,
    down: async () => {
      driver.downs += 1;
      return down();
    },
    list: async () => [],
    attach: async () => undefined,
  };
  return driver;
}

describe('bringUp', () => {
  it('removes what was created when a step fails, and rethrows that failure', async () => {
    const driver = fakeDriver([{ title: 'breaks', run: async () => Promise.reject(new Error('step failed')) }], async () => NOTHING);
    await expect(bringUp(driver, input, new AbortController().signal)).rejects.toThrow('step failed');
    expect(driver.downs).toBe(1);
  });

  it('reports both failures when the removal fails too', async () => {
    const driver = fakeDriver([{ title: 'breaks', run: async () => Promise.reject(new Error('step failed')) }], async () => Promise.reject(new Error('down failed')));
    const error = await bringUp(driver, input, new AbortController().signal).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(TeardownError);
    expect((error as Error).message).toMatch(/step failed[\s\S]*down failed/);
  });

  it('an abort during the last step still ends in teardown, though the step itself finished', async () => {
    const abort = new AbortController();
    const driver = fakeDriver([{ title: 'last', run: async () => abort.abort(new Error('interrupted')) }], async () => NOTHING);
    await expect(bringUp(driver, input, abort.signal)).rejects.toThrow('interrupted');
    expect(driver.downs).toBe(1);
  });
});
