// Every bundled lab, in every variant, through everything that needs no engine: loading (schema,
// variant overlay, cross-field checks), the manifests' model and plan, and the assertions'
// targets, as `podlab test` checks them before it probes. A broken lab file fails here in
// seconds, not only in the suite. Only the pure core is imported (lab, plan input, k8s, probe,
// report): no driver, so this test does not move when drivers do.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadLab } from '../../../src/lab/load.js';
import { BUNDLED_LABS } from '../../../src/lab/resolve.js';
import { loadLabInput } from '../../../src/plan/lab-input.js';
import { expandAssertions } from '../../../src/probe/expand.js';
import { planView } from '../../../src/probe/plan-view.js';
import type { AssertionResult } from '../../../src/probe/results.js';
import { matrixGrids } from '../../../src/report/console.js';

const labs = readdirSync(BUNDLED_LABS).map((directory) => ({ directory, file: join(BUNDLED_LABS, directory, 'lab.yaml') }));
const cases = labs.flatMap(({ directory, file }) =>
  [undefined, ...loadLab(file).variantNames].map((variant) => ({ directory, variant, file, label: `${directory}${variant ? ` (${variant})` : ''}` })),
);

/** What `podlab test` expands before it probes (its checkTargets), on the planned lab. */
function expand(file: string, variant: string | undefined) {
  const input = loadLabInput(file, variant);
  return { input, ...expandAssertions(input.lab.assertions, planView(input.lab, input.cluster), input.lab.variant) };
}

describe('bundled labs', () => {
  it.each(labs)('$directory is named as its directory, so `podlab up NAME` and the running lab agree', ({ directory, file }) => {
    expect(loadLab(file).name).toBe(directory);
  });

  it.each(cases)('$label loads, plans, and its assertions name only what exists', ({ file, variant }) => {
    const { input, probes, problems } = expand(file, variant);
    expect(input.lab.variant).toBe(variant);
    expect(problems).toEqual([]);
    // Every bundled lab demonstrates something: each variant has assertions that expand to probes.
    expect(probes.length).toBeGreaterThan(0);
    // The plan puts every pod on one of the lab's own nodes.
    const nodes = input.lab.nodes.map((node) => node.name);
    for (const pod of input.cluster?.pods ?? []) expect(nodes, `${pod.namespace}/${pod.name}`).toContain(pod.node);
    expect(input.cluster === undefined).toBe(input.lab.manifests.length === 0);
  });

  it.each(cases)('$label draws its matrices square: a row meets itself only on the diagonal', ({ file, variant }) => {
    const { probes } = expand(file, variant);
    const results = probes.filter((probe) => probe.matrix).map((probe) => ({ ...probe, outcome: 'pass', status: 'PASS', durationMs: 0, detail: '' }) as unknown as AssertionResult);
    for (const grid of matrixGrids(results)) {
      // No probe runs from a target to itself, so its cell is the blank one; anywhere else, the
      // columns are out of the rows' order.
      const blanks = grid.cells.flatMap((cells, r) => cells.flatMap((cell, c) => (cell === '' ? [[r, c]] : [])));
      expect(blanks.filter(([r, c]) => r !== c), `${grid.name}: ${grid.columns.join(' ')}`).toEqual([]);
    }
  });
});
