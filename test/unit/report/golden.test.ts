// Byte-for-byte comparisons with files a person checked. After an intended format change,
// regenerate them with `UPDATE_GOLDENS=1 npx vitest run test/unit/report`, then read the diff.
import { readFileSync, writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { formatConsoleReport, formatSummary, toJsonReport, toJUnit } from '../../../src/report/index.js';
import { sampleReports } from './sample.js';

const fixtures = new URL('../../fixtures/report/', import.meta.url);

function expectGolden(file: string, actual: string): void {
  const path = new URL(file, fixtures);
  if (process.env.UPDATE_GOLDENS === '1') writeFileSync(path, actual);
  expect(actual).toBe(readFileSync(path, 'utf8'));
}

describe('golden reports', () => {
  it('console: each lab, then one summary line', () => {
    // What `podlab test` prints: the labs' sections, then the closing line CI reads.
    const text = `${sampleReports.map((report) => formatConsoleReport(report)).join('\n\n')}\n\n${formatSummary(sampleReports)}\n`;
    expectGolden('sample.console.txt', text);
  });

  it('json', () => {
    expectGolden('sample.json', toJsonReport(sampleReports));
  });

  it('junit', () => {
    expectGolden('sample.junit.xml', toJUnit(sampleReports));
  });
});
