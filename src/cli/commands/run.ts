// podlab run LAB... [--variant V | --all-variants] [--keep]: up, test and down for each lab and
// variant, one after the other: the CI entry point. Every lab is checked before the first is
// brought up (bad input exits 2 having created nothing); each is torn down unless --keep, also
// on failure and Ctrl-C. The exit code is the worst of all.
import { DindDriver } from '../../drivers/dind/dind-driver.js';
import { ExitCode, InputError, PodlabError } from '../../errors.js';
import { passed, type LabReport } from '../../probe/results.js';
import { loadLabInput, type LabInput } from '../../plan/lab-input.js';
import { loadLab } from '../../lab/load.js';
import { formatConsoleReport, formatSummary } from '../../report/index.js';
import { hostEngine } from '../engine.js';
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
}

export async function runCommand(labArgs: string[], options: RunOptions, signal: AbortSignal): Promise<number> {
  if (options.variant && options.allVariants) throw new InputError('podlab run: --variant and --all-variants exclude each other');
  const inputs: LabInput[] = labArgs.flatMap((arg) => {
    const variants = options.allVariants ? [undefined, ...loadLab(arg).variantNames] : [options.variant];
    return variants.map((variant) => loadLabInput(arg, variant));
  });
  for (const input of inputs) {
    if (input.lab.driver !== 'dind') throw new InputError(`${input.lab.file}: driver: "${input.lab.driver}" is not available yet; use driver: dind`);
    checkTargets(input);
  }

  const docker = await hostEngine();
  const reports: LabReport[] = [];
  let worst: number = ExitCode.ok;
  for (const input of inputs) {
    if (signal.aborted) break;
    const label = `${input.lab.name}${input.lab.variant ? ` (variant ${input.lab.variant})` : ''}`;
    console.log(`\n=== ${label}`);
    const started = Date.now();
    let report: LabReport;
    try {
      await bringUp(docker, input, signal);
      report = await testLab(docker, input, { filter: options.filter, concurrency: Number(options.concurrency ?? 8), signal });
      if (!report.results.every(passed)) worst = Math.max(worst, ExitCode.assertionFailed);
    } catch (error) {
      if (signal.aborted) throw signal.reason ?? error;
      const code = error instanceof PodlabError ? error.exitCode : ExitCode.environment;
      worst = Math.max(worst, code);
      report = { lab: input.lab.name, variant: input.lab.variant ?? 'default', startedAt: new Date(started).toISOString(), durationMs: Date.now() - started, results: [], error: (error as Error).message };
    } finally {
      if (!options.keep) await new DindDriver(docker).down(input.lab.name);
    }
    reports.push(report);
    console.log(formatConsoleReport(report, { color: Boolean(process.stdout.isTTY) }));
  }
  writeReports(reports, options);
  console.log(formatSummary(reports));
  return worst;
}

