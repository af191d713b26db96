// Ctrl-C at every step boundary of `up`, not at a moment a timer happens to pick: the CLI's
// test hook (PODLAB_INTERRUPT_AFTER_STEP=N) sends the process SIGINT as the Nth step completes.
// Whatever ran then, `up` must exit 130 having removed everything it created.
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, describe, expect, it } from 'vitest';
import { FIXTURES, labResources, podlab, ROOT } from './helpers.js';

const LAB = 'e2e-every-step';
const FILE = join(FIXTURES, 'labs', 'every-step', 'lab.yaml');

function upInterruptedAfter(step: number) {
  return execa('node', [join(ROOT, 'bin', 'podlab.js'), 'up', FILE], {
    reject: false,
    env: { CI: 'true', PODLAB_INTERRUPT_AFTER_STEP: String(step) },
  });
}

describe('Ctrl-C at every step boundary of up', () => {
  afterAll(async () => {
    await podlab('down', LAB);
  });

  it('exits 130 and leaves nothing, whichever step had just finished', { timeout: 900_000 }, async () => {
    const hit: string[] = [];
    for (let step = 1; step < 60; step++) {
      const result = await upInterruptedAfter(step);
      const marker = /test hook: interrupting after step \d+: (.*)\)/.exec(result.stderr)?.[1];
      if (!marker) {
        // Fewer steps than this: the lab came up whole, and every boundary has been tried.
        expect(result.exitCode, result.stderr).toBe(0);
        expect(step, 'the lab has more than a handful of steps').toBeGreaterThan(8);
        break;
      }
      hit.push(marker);
      expect(result.exitCode, `after step ${step} (${marker}):\n${result.stdout}\n${result.stderr}`).toBe(130);
      expect(result.stdout, `after step ${step} (${marker})`).not.toMatch(/is up in/);
      expect(await labResources(LAB), `left behind after step ${step} (${marker})`).toEqual([]);
    }
    // The last boundaries are the ones the measured race hit: pod containers and setup commands.
    expect(hit.some((title) => /web/.test(title))).toBe(true);
    expect(hit.at(-1)).toBe('setup commands');
  });
});
