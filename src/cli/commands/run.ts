// podlab run LAB... [--variant V | --all-variants] [--keep] [--driver D]: up, test and down for
// each lab and variant, one after the other: the CI entry point. Every lab is checked before the
// first is brought up (bad input exits 2 having created nothing); each is torn down unless
// --keep, also on failure and Ctrl-C. The exit code is the worst of all.
import { driverFor } from '../../drivers/index.js';
import { asPodlabError, EnvironmentError, ExitCode, InputError, LabFileError } from '../../errors.js';
import { loadLab } from '../../lab/load.js';
import { passed, type LabReport } from '../../probe/results.js';
import { formatConsoleReport, formatSummary } from '../../report/index.js';
import { labFileOf, labInputFor } from '../lab-ref.js';
import { bringUp } from './up.js';
import { checkTargets, testLab, writeReports } from './test.js';

export interface RunOptions {
  variant?: string;
  allVariants?: boolean;
  keep?: boolean;
  junit?: string;
  json?: string;
  filter?: string;
  concurrency?: string;
  driver?: string;
  kubeconfig?: string;
  context?: string;
  traceFailures?: boolean;
}

export async function runCommand(labArgs: string[], options: RunOptions, signal: AbortSignal): Promise<number> {
  if (options.variant && options.allVariants) throw new InputError('podlab run: --variant and --all-variants exclude each other');
  const jobs = [];
  const skipped: string[] = [];
  for (const arg of labArgs) {
    const file = await labFileOf(arg);
    const variants = options.allVariants ? [undefined, ...loadLab(file).variantNames] : [options.variant];
    for (const variant of variants) {
      const input = labInputFor(file, undefined, variant, { driver: options.driver, kube: { kubeconfig: options.kubeconfig, context: options.context } });
      try {
        jobs.push({ input, driver: driverFor(input) });
      } catch (error) {
        // Sweeping every variant onto another driver: what that driver cannot build is skipped,
        // with its reason; asked for by name, it is bad input.
        if (!(options.allVariants && options.driver && error instanceof LabFileError)) throw error;
        skipped.push(`${input.lab.name}${variant ? ` (variant ${variant})` : ''} skipped on ${options.driver}:\n    ${error.message.replace(/\n/g, '\n    ')}`);
        continue;
      }
      checkTargets(input);
    }
  }
  for (const line of skipped) console.log(`=== ${line}`);

  const reports: LabReport[] = [];
  let worst: number = ExitCode.ok;
  for (const { input, driver } of jobs) {
    if (signal.aborted) break;
    const label = `${input.lab.name}${input.lab.variant ? ` (variant ${input.lab.variant})` : ''}`;
    console.log(`\n=== ${label}`);
    const started = Date.now();
    let report: LabReport;
    try {
      await bringUp(driver, input, signal);
      const running = await driver.attach(input.lab.name);
      if (!running) throw new EnvironmentError(`lab ${input.lab.name} was brought up but its driver cannot find it`);
      report = await testLab(running, input, { filter: options.filter, concurrency: Number(options.concurrency ?? 8), traceFailures: options.traceFailures, signal });
      if (!report.results.every(passed)) worst = Math.max(worst, ExitCode.assertionFailed);
    } catch (error) {
      if (signal.aborted) throw signal.reason ?? error;
      const failure = asPodlabError(error);
      worst = Math.max(worst, failure.exitCode);
      report = { lab: input.lab.name, variant: input.lab.variant ?? 'default', startedAt: new Date(started).toISOString(), durationMs: Date.now() - started, results: [], error: failure.message };
    } finally {
      if (!options.keep || signal.aborted) await driver.down(input.lab.name);
    }
    reports.push(report);
    console.log(formatConsoleReport(report, { color: Boolean(process.stdout.isTTY) }));
  }
  writeReports(reports, options);
  const summary = formatSummary(reports);
  console.log(skipped.length > 0 ? `${summary}, ${skipped.length} skipped` : summary);
  return worst;
}
