// JUnit XML in the shape Jenkins, GitLab and GitHub test reporters read (the Ant junit task's
// format). One <testsuite> per lab and variant, one <testcase> per assertion.
import { passed, type AssertionResult, type LabReport } from '../probe/results.js';
import { tally } from './summary.js';

/**
 * Characters XML 1.0 cannot carry at all, not even as &#..; references: C0 controls other
 * than tab/newline/return, U+FFFE/U+FFFF and unpaired surrogates. Probe output can contain
 * any of them (binary replies, terminal bells), and one would make the whole file unreadable.
 */
const ILLEGAL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]|\p{Cs}/gu;

function text(value: string): string {
  return value.replace(ILLEGAL, '').replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** Attribute values also escape quotes, and tab/newline/return, which parsers would turn into spaces. */
function attr(value: string): string {
  return text(value)
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;')
    .replace(/\t/g, '&#9;')
    .replace(/\n/g, '&#10;')
    .replace(/\r/g, '&#13;');
}

function seconds(ms: number): string {
  return (ms / 1000).toFixed(3);
}

/** What a person needs to re-run or judge the check, shown by CI next to the test. */
function evidence(result: AssertionResult): string {
  const e = result.evidence;
  return [
    `${result.from} → ${result.to}`,
    `expected ${result.expected}, got ${result.outcome}`,
    `command: ${e.command}`,
    `exit code: ${e.exitCode}`,
    `attempts: ${e.attempts}`,
    // Most passing probes print nothing; say so rather than leave a dangling label.
    e.output === '' ? 'output: (none)' : `output:\n${e.output}`,
  ].join('\n') + traced(result);
}

/** `trace: on-failure`: the verdict and the whole trace, so a CI failure says why. */
function traced(result: AssertionResult): string {
  return result.trace ? `\ntrace:\n${result.trace.rendered}` : '';
}

function testcase(report: LabReport, result: AssertionResult): string {
  const open = `    <testcase classname="${attr(classname(report))}" name="${attr(result.name)}" time="${seconds(result.durationMs)}">`;
  let body: string;
  // XFAIL and XPASS always name a bug (statusOf gives them only to assertions with one).
  if (passed(result)) {
    const reproduces = result.status === 'XFAIL' ? `reproduces bug: ${result.bug}\n` : '';
    body = `      <system-out>${text(reproduces + evidence(result))}</system-out>`;
  } else {
    const stopped = result.status === 'XPASS' ? `no longer reproduces bug: ${result.bug}\n` : '';
    body = `      <failure message="${attr(result.trace ? `${result.detail} (trace: ${result.trace.verdict})` : result.detail)}" type="${result.status}">${text(stopped + evidence(result))}</failure>`;
  }
  return [open, body, '    </testcase>'].join('\n');
}

function classname(report: LabReport): string {
  return `podlab.${report.lab}.${report.variant}`;
}

function testsuite(report: LabReport): string {
  const failures = report.results.filter((r) => !passed(r)).length;
  const errors = report.error !== undefined ? 1 : 0;
  const cases = report.results.map((result) => testcase(report, result));
  if (report.error !== undefined) {
    // Whatever the lab's time was not spent in assertions went into bringing it up.
    const spent = report.results.reduce((sum, r) => sum + r.durationMs, 0);
    const firstLine = report.error.split('\n', 1)[0] ?? '';
    cases.push(
      [
        `    <testcase classname="${attr(classname(report))}" name="lab setup" time="${seconds(Math.max(0, report.durationMs - spent))}">`,
        `      <error message="${attr(firstLine)}" type="LabError">${text(report.error)}</error>`,
        '    </testcase>',
      ].join('\n'),
    );
  }
  const open =
    `  <testsuite name="${attr(`${report.lab}[${report.variant}]`)}" tests="${report.results.length + errors}"` +
    ` failures="${failures}" errors="${errors}" skipped="0" time="${seconds(report.durationMs)}"` +
    ` timestamp="${attr(report.startedAt)}">`;
  return [open, ...cases, '  </testsuite>'].join('\n');
}

export function toJUnit(reports: LabReport[]): string {
  const { total } = tally(reports);
  const failures = reports.reduce((sum, r) => sum + r.results.filter((x) => !passed(x)).length, 0);
  const errors = reports.filter((r) => r.error !== undefined).length;
  const time = reports.reduce((sum, r) => sum + r.durationMs, 0);
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="podlab" tests="${total}" failures="${failures}" errors="${errors}" time="${seconds(time)}">`,
    ...reports.map(testsuite),
    '</testsuites>',
    '',
  ].join('\n');
}
