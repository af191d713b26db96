// podlab test LAB: run the lab's assertions against the running lab (exit 1 if any did not
// meet its expectation). Also the test phase of `podlab run`.
import { readFileSync, writeFileSync } from 'node:fs';
import type Docker from 'dockerode';
import { DindDriver } from '../../drivers/dind/dind-driver.js';
import { runningView } from '../../drivers/dind/lab-view.js';
import { DindProbeExecutor } from '../../drivers/dind/probe-executor.js';
import type { NodeState } from '../../drivers/driver.js';
import { ExitCode, InputError, LabFileError, type LabIssue } from '../../errors.js';
import { Label } from '../../labels.js';
import { YamlSource } from '../../lab/yaml-source.js';
import { expandAssertions, filterProbes, type ExpandProblem } from '../../probe/expand.js';
import { planView } from '../../probe/plan-view.js';
import { passed, type LabReport } from '../../probe/results.js';
import { runProbes } from '../../probe/runner.js';
import type { LabView } from '../../probe/view.js';
import { loadLabInput, type LabInput } from '../../plan/lab-input.js';
import { formatConsoleReport, formatSummary, toJUnit, toJsonReport } from '../../report/index.js';
import { hostEngine } from '../engine.js';

export interface TestOptions {
  variant?: string;
  filter?: string;
  junit?: string;
  json?: string;
  concurrency?: string;
}

export async function testCommand(labArg: string, options: TestOptions, signal: AbortSignal): Promise<number> {
  const docker = await hostEngine();
  let input = loadLabInput(labArg, options.variant);
  const running = await new DindDriver(docker).nodes(input.lab.name);
  if (running.length === 0) {
    throw new InputError(`lab ${input.lab.name} is not up: podlab up ${labArg}${options.variant ? ` --variant ${options.variant}` : ''} first (or use podlab run)`);
  }
  const upVariant = running[0]!.labels[Label.variant] || undefined;
  if (options.variant !== undefined && options.variant !== upVariant) {
    throw new InputError(`lab ${input.lab.name} is up ${upVariant ? `as variant ${upVariant}` : 'without a variant'}, not ${options.variant}`);
  }
  if (upVariant !== options.variant) input = loadLabInput(labArg, upVariant);
  checkTargets(input);
  const report = await testLab(docker, input, { filter: options.filter, concurrency: Number(options.concurrency ?? 8), signal, nodes: running });
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

export async function testLab(
  docker: Docker,
  input: LabInput,
  options: { filter?: string; concurrency?: number; signal: AbortSignal; nodes?: NodeState[] },
): Promise<LabReport> {
  const started = Date.now();
  const nodes = options.nodes ?? (await new DindDriver(docker).nodes(input.lab.name));
  const view: LabView = await runningView(docker, nodes);
  const { probes, problems } = expandAssertions(input.lab.assertions, view, input.lab.variant);
  if (problems.length > 0) throw assertionError(input, problems);
  const selected = filterProbes(probes, options.filter);
  const results = await runProbes(selected, new DindProbeExecutor(docker, input.lab.name, nodes), { concurrency: options.concurrency, signal: options.signal });
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
