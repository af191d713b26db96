import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { LabReport } from '../../../src/probe/results.js';
import { toJUnit } from '../../../src/report/junit.js';
import { sampleReports } from './sample.js';

const schema = fileURLToPath(new URL('../../fixtures/report/junit.xsd', import.meta.url));

/** Validates with xmllint; returns its complaints ('' when valid). */
function schemaErrors(xml: string): string {
  const run = spawnSync('xmllint', ['--noout', '--schema', schema, '-'], { input: xml, encoding: 'utf8' });
  // A missing validator must not pass for a valid file: fail and say how to get it.
  if (run.error && (run.error as NodeJS.ErrnoException).code === 'ENOENT') {
    throw new Error('xmllint not found: run scripts/setup (it installs libxml2-utils)');
  }
  if (run.error) throw run.error;
  return run.status === 0 ? '' : run.stderr || `xmllint exited ${run.status}`;
}

function attribute(xml: string, element: string, name: string): string[] {
  return [...xml.matchAll(new RegExp(`<${element} [^>]*\\b${name}="([^"]*)"`, 'g'))].map((m) => m[1]!);
}

describe('toJUnit', () => {
  it('validates against the JUnit schema CI readers accept', () => {
    expect(schemaErrors(toJUnit(sampleReports))).toBe('');
  });

  it('the schema rejects what CI readers would not take', () => {
    // Proves the validation above can fail: no classname, and a count that is not a number.
    const broken = toJUnit(sampleReports).replace(/ classname="[^"]*"/, '').replace('tests="8"', 'tests="eight"');
    const errors = schemaErrors(broken);
    expect(errors).toMatch(/classname/);
    expect(errors).toMatch(/eight/);
  });

  it('stays well formed whatever the probe printed', () => {
    const nasty = '\u0000\u0001\u0008\u000b\u000c\u000e\u001f\ufffe\ud800 ]]> <![CDATA[ &amp; </failure> "\'\t\r\n';
    const [lab] = sampleReports;
    const report: LabReport = {
      ...lab!,
      lab: 'odd & <lab>',
      variant: '"v\'',
      results: lab!.results.map((r) => ({ ...r, name: nasty, detail: nasty, bug: nasty, evidence: { ...r.evidence, output: nasty, command: nasty } })),
      error: nasty,
    };
    const xml = toJUnit([report]);
    expect(schemaErrors(xml)).toBe('');
    expect(xml).not.toMatch(/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/);
    // Newlines in attributes are kept as references, not folded into spaces by the parser.
    expect(xml).toContain('message=" ]]&gt; &lt;![CDATA[ &amp;amp; &lt;/failure&gt; &quot;&apos;&#9;&#13;&#10;"');
  });

  it('counts: failures are FAIL and XPASS, a lab that errored is one error', () => {
    const xml = toJUnit(sampleReports);
    expect(attribute(xml, 'testsuites', 'tests')).toEqual(['9']);
    expect(attribute(xml, 'testsuites', 'failures')).toEqual(['3']);
    expect(attribute(xml, 'testsuites', 'errors')).toEqual(['1']);
    expect(attribute(xml, 'testsuite', 'tests')).toEqual(['8', '1']);
    expect(attribute(xml, 'testsuite', 'failures')).toEqual(['3', '0']);
    expect(attribute(xml, 'testsuite', 'errors')).toEqual(['0', '1']);
    expect(attribute(xml, 'failure', 'type')).toEqual(['FAIL', 'XPASS', 'FAIL']);
    expect(xml.match(/<testcase /g)).toHaveLength(9);
    expect(xml).toContain('<testcase classname="podlab.nginx-service.ipvs" name="lab setup"');
  });

  it('times are seconds with three decimals', () => {
    const xml = toJUnit(sampleReports);
    expect(attribute(xml, 'testsuites', 'time')).toEqual(['42.857']);
    for (const time of attribute(xml, 'testcase', 'time')) expect(time).toMatch(/^\d+\.\d{3}$/);
  });

  it('an empty run is still a valid document', () => {
    const xml = toJUnit([]);
    expect(schemaErrors(xml)).toBe('');
    expect(xml).toContain('<testsuites name="podlab" tests="0" failures="0" errors="0" time="0.000">');
  });
});
