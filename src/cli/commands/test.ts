// podlab test LAB: run the lab's assertions against the running lab (exit 1 if any did not
// meet its expectation). Also the test phase of `podlab run`.
import { readFileSync, writeFileSync } from 'node:fs';
import type { RunningLab } from '../../drivers/driver.js';
import { ExitCode, InputError, LabFileError, type LabIssue } from '../../errors.js';
import { YamlSource } from '../../lab/yaml-source.js';
import type { LabInput } from '../../plan/lab-input.js';
import { expandAssertions, filterProbes, type ExpandProblem } from '../../probe/expand.js';
import { planView } from '../../probe/plan-view.js';
import { passed, type LabReport } from '../../probe/results.js';
import { runProbes } from '../../probe/runner.js';
import { formatConsoleReport, formatSummary, toJUnit, toJsonReport } from '../../report/index.js';
import { attachLab, labInputFor } from '../lab-ref.js';
import { traceFailures } from '../trace-failures.js';

export interface TestOptions {
  variant?: string;
  filter?: string;
  junit?: string;
  json?: string;
  concurrency?: string;
  driver?: string;
  traceFailures?: boolean;
}

export async function testCommand(labArg: string, options: TestOptions, signal: AbortSignal): Promise<number> {
  const { lab: running } = await attachLab(labArg).catch((error) => {
    throw error instanceof InputError ? new InputError(`${error.message}: podlab up ${labArg}${options.variant ? ` --variant ${options.variant}` : ''} first (or use podlab run)`) : error;
  });
  if (options.driver !== undefined && options.driver !== running.driver) {
    throw new InputError(`lab ${running.name} runs on the ${running.driver} driver, not ${options.driver}`);
  }
  const upVariant = running.variant;
  if (options.variant !== undefined && options.variant !== upVariant) {
    throw new InputError(`lab ${running.name} is up ${upVariant ? `as variant ${upVariant}` : 'without a variant'}, not ${options.variant}`);
  }
  const input = labInputFor(labArg, running, upVariant, { driver: running.driver });
  checkTargets(input);
  const report = await testLab(running, input, { filter: options.filter, concurrency: Number(options.concurrency ?? 8), traceFailures: options.traceFailures, signal });
  console.log(formatConsoleReport(report, { color: Boolean(process.stdout.isTTY) }));
  console.log(formatSummary([report]));
  writeReports([report], options);
  return report.results.every(passed) && !report.error ? ExitCode.ok : ExitCode.assertionFailed;
}

/** Targets that name nothing in the planned lab are bad input, found before anything runs. */
export function checkTargets(input: LabInput): void {
  const { problems } = expandAssertions(input.lab.assertions, planView(input.lab, input.cluster), input.lab.variant);
  if (problems.length > 0) throw assertionError(input, problems);
}

export async function testLab(running: RunningLab, input: LabInput, options: { filter?: string; concurrency?: number; traceFailures?: boolean; signal: AbortSignal }): Promise<LabReport> {
  const started = Date.now();
  const view = await running.view();
  const { probes, problems } = expandAssertions(input.lab.assertions, view, input.lab.variant, running.driver);
  if (problems.length > 0) throw assertionError(input, problems);
  const selected = filterProbes(probes, options.filter);
  const probed = await runProbes(selected, await running.probes(), { concurrency: options.concurrency, signal: options.signal });
  // After every probe, not beside them: a trace's monitors and TRACE rules stay out of the probes' way.
  const results = await traceFailures(running, selected, probed, { all: options.traceFailures ?? false, view, signal: options.signal });
  return { lab: input.lab.name, variant: input.lab.variant ?? 'default', startedAt: new Date(started).toISOString(), durationMs: Date.now() - started, results };
}

export function writeReports(reports: LabReport[], options: { junit?: string; json?: string }): void {
  if (options.junit) writeFileSync(options.junit, toJUnit(reports));
  if (options.json) writeFileSync(options.json, toJsonReport(reports));
}

function assertionError(input: LabInput, problems: ExpandProblem[]): LabFileError {
  const source = YamlSource.parse(input.lab.file, readFileSync(input.lab.file, 'utf8'));
  const issues: LabIssue[] = problems.map((problem) => {
    const name = input.lab.assertions[problem.index]!.name;
    const path = ['assertions', problem.index, ...problem.field.split('.')];
    return source.issue(path, `assertion "${name}": ${problem.message}`);
  });
  return new LabFileError(issues);
}
