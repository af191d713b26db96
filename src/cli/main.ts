// The podlab command line. Commands are thin; errors become exit codes here and only here
// (0 ok, 1 assertion failed, 2 bad input, 3 environment, 130 interrupted).
import { Command, CommanderError, Option } from 'commander';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { closeDrivers, selectCluster, selectEngine } from '../drivers/index.js';
import { asPodlabError, ExitCode, InterruptedError } from '../errors.js';
import { labJsonSchema } from '../lab/json-schema.js';
import { PACKAGE_ROOT } from '../lab/resolve.js';
import { doctorCommand } from './commands/doctor.js';
import { downCommand } from './commands/down.js';
import { execCommand } from './commands/exec.js';
import { getCommand } from './commands/get.js';
import { kubeconfigCommand } from './commands/kubeconfig.js';
import { cacheCleanCommand, imagesBuildCommand } from './commands/images.js';
import { lsCommand } from './commands/ls.js';
import { runCommand, type RunOptions } from './commands/run.js';
import { testCommand, type TestOptions } from './commands/test.js';
import { traceCommand, type TraceOptions } from './commands/trace.js';
import { upCommand, type UpOptions } from './commands/up.js';

export async function main(argv: string[]): Promise<number> {
  const abort = new AbortController();
  let interrupts = 0;
  const onSignal = () => {
    interrupts += 1;
    // The first Ctrl-C aborts and lets teardown run; a second one gives up on cleanup.
    if (interrupts > 1) process.exit(ExitCode.interrupted);
    process.stderr.write('\ninterrupted: removing what was created (Ctrl-C again to quit at once)\n');
    abort.abort(new InterruptedError());
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);

  let code: number = ExitCode.ok;
  const program = buildProgram(abort.signal, (exitCode) => (code = exitCode));
  try {
    await program.parseAsync(argv, { from: 'user' });
  } catch (error) {
    code = report(error, program.opts<{ debug?: boolean }>().debug ?? false);
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    await closeDrivers().catch(() => undefined);
  }
  return abort.signal.aborted ? ExitCode.interrupted : code;
}

function buildProgram(signal: AbortSignal, setExit: (code: number) => void): Command {
  const program = new Command('podlab')
    .description('real multi-node container-network labs on one machine')
    .exitOverride()
    .enablePositionalOptions()
    .configureOutput({ outputError: (text, write) => write(text) })
    .showHelpAfterError('(podlab --help lists the commands)')
    .version(packageVersion(), '-V, --version', 'print podlab\'s version')
    .option('--debug', 'show stack traces of failures')
    // --kubeconfig/--context name the cluster of kube labs for every command that has them.
    // up and run load a lab file: there the kube driver's check names a missing one as a field.
    .hook('preAction', (_program, action) => {
      const { kubeconfig, context, engine, acceptNewHostKey } = action.opts<{ kubeconfig?: string; context?: string; engine?: string; acceptNewHostKey?: boolean }>();
      selectEngine(engine, { acceptNewHostKey });
      if ((kubeconfig && context) || !['up', 'run'].includes(action.name())) selectCluster({ kubeconfig, context });
    });

  program
    .command('up')
    .description('create the lab (idempotent: an unchanged running lab is left as it is)')
    .argument('<lab>', 'lab file, directory holding lab.yaml, or bundled lab name')
    .option('--variant <name>', 'apply a named variant of the lab')
    .option('--driver <name>', 'run the lab on this driver instead of its own driver:')
    .option('--kubeconfig <file>', 'driver kube: the cluster\'s kubeconfig (with --context)')
    .option('--context <name>', 'driver kube: the kubeconfig\'s context, named explicitly')
    .option('--dry-run', 'print what up would create (driver kube), create nothing')
    .addOption(engineOption())
    .addOption(acceptNewHostKeyOption())
    .action((lab: string, options: UpOptions) => upCommand(lab, options, signal));

  program
    .command('test')
    .description('run the lab\'s assertions against the running lab (exit 1 if any misses its expectation)')
    .argument('<lab>', 'lab file, directory holding lab.yaml, or bundled lab name')
    .option('--variant <name>', 'the variant the lab is up as (default: the one it runs)')
    .option('--filter <text>', 'only assertions whose name contains this')
    .option('--junit <file>', 'write a JUnit XML report')
    .option('--json <file>', 'write a JSON report')
    .option('--concurrency <n>', 'probes at once', '8')
    .option('--driver <name>', 'the driver the lab runs on (checked)')
    .option('--kubeconfig <file>', 'driver kube: the cluster\'s kubeconfig (with --context)')
    .option('--context <name>', 'driver kube: the kubeconfig\'s context, named explicitly')
    .option('--trace-failures', 'trace every failed or XFAIL assertion (as trace: on-failure does for one)')
    .addOption(engineOption())
    .addOption(acceptNewHostKeyOption())
    .action(async (lab: string, options: TestOptions) => setExit(await testCommand(lab, options, signal)));

  program
    .command('run')
    .description('up, test and down each lab (and variant): the CI entry point')
    .argument('<labs...>', 'lab files, directories or bundled lab names')
    .option('--variant <name>', 'run this variant')
    .option('--all-variants', 'run the lab as written and every variant')
    .option('--keep', 'leave the labs up afterwards')
    .option('--driver <name>', 'run the labs on this driver instead of their own driver:')
    .option('--kubeconfig <file>', 'driver kube: the cluster\'s kubeconfig (with --context)')
    .option('--context <name>', 'driver kube: the kubeconfig\'s context, named explicitly')
    .option('--filter <text>', 'only assertions whose name contains this')
    .option('--junit <file>', 'write a JUnit XML report')
    .option('--json <file>', 'write a JSON report')
    .option('--concurrency <n>', 'probes at once', '8')
    .option('--trace-failures', 'trace every failed or XFAIL assertion (as trace: on-failure does for one)')
    .addOption(engineOption())
    .addOption(acceptNewHostKeyOption())
    .action(async (labs: string[], options: RunOptions) => setExit(await runCommand(labs, options, signal)));

  program
    .command('trace')
    .description('send one probe from FROM to TO and show where it went, node by node, and where it died')
    .argument('<lab>', 'lab name, lab file or bundled lab')
    .argument('<from>', 'pod/NAME[.NS][#N], node/NAME or host')
    .argument('<to>', 'pod/…, svc/…, node/…, host, an IP or a DNS name, with :PORT for tcp/udp')
    .addOption(new Option('--proto <proto>', 'default: tcp with a port, icmp without').choices(['tcp', 'udp', 'icmp']))
    .addOption(new Option('-o, --output <format>', 'output format').choices(['json']))
    .addOption(engineOption())
    .addOption(acceptNewHostKeyOption())
    .action(async (lab: string, from: string, to: string, options: TraceOptions) => setExit(await traceCommand(lab, from, to, options, signal)));

  program
    .command('down')
    .description('remove everything the lab created')
    .argument('[lab]', 'lab name, lab file or bundled lab')
    .option('--all', 'remove every podlab lab')
    .option('--driver <name>', 'only labs of this driver')
    .option('--kubeconfig <file>', 'driver kube: the cluster\'s kubeconfig (with --context)')
    .option('--context <name>', 'driver kube: the kubeconfig\'s context, named explicitly')
    .addOption(engineOption())
    .addOption(acceptNewHostKeyOption())
    .action((lab: string | undefined, options: { all?: boolean; driver?: string }) => downCommand(lab, options));

  program
    .command('kubeconfig')
    .description('print the path of the lab\'s kubeconfig (kind labs), for your own kubectl')
    .argument('<lab>', 'lab name, lab file or bundled lab')
    .action((lab: string) => kubeconfigCommand(lab));

  program
    .command('ls')
    .description('running labs: name, variant, driver, nodes, age')
    .addOption(new Option('-o, --output <format>', 'output format').choices(['json']))
    .addOption(engineOption())
    .addOption(acceptNewHostKeyOption())
    .action((options: { output?: string }) => lsCommand(options));

  program
    .command('get')
    .description('kubectl-like tables of the lab\'s objects')
    .argument('<lab>', 'lab name, lab file or bundled lab')
    .argument('<kind>', 'nodes | pods | svc | ep')
    .option('-o, --output <format>', 'wide | json')
    .addOption(engineOption())
    .addOption(acceptNewHostKeyOption())
    .action((lab: string, kind: string, options: { output?: string }) => getCommand(lab, kind, options));

  program
    .command('exec')
    .description('run a command in a node or a pod: podlab exec LAB NODE|pod/NAME [-c CONTAINER] -- CMD...')
    .argument('<lab>', 'lab name, lab file or bundled lab')
    .argument('<target>', 'node name (or node/NAME), or pod/NAME[.NAMESPACE][#N] (a pod, or the Nth pod of a controller)')
    .argument('[command...]', 'the command, after --')
    .option('-c, --container <name>', 'the pod\'s container (default: its first)')
    .passThroughOptions()
    .addOption(engineOption())
    .addOption(acceptNewHostKeyOption())
    .action(async (lab: string, target: string, command: string[], options: { container?: string }) => setExit(await execCommand(lab, target, command, options)));

  const images = program.command('images').description('the images labs run');
  images
    .command('build')
    .description('build podlab\'s images (debian:bookworm-slim made with debootstrap when it cannot be pulled)')
    .argument('[names...]', 'node, etcd, busybox (default: all)')
    .option('--force', 'rebuild even when the build context is unchanged')
    .addOption(engineOption())
    .addOption(acceptNewHostKeyOption())
    .action((names: string[], options: { force?: boolean }) => imagesBuildCommand(names, options));

  program
    .command('cache')
    .description('what podlab keeps between labs')
    .command('clean')
    .description('remove podlab\'s images and caches (labs are untouched)')
    .action(() => cacheCleanCommand());

  program
    .command('schema')
    .description('print the JSON Schema of lab files (for editors: see schemas/lab.schema.json)')
    .action(() => console.log(JSON.stringify(labJsonSchema(), null, 2)));

  program
    .command('doctor')
    .description('check the Docker engine, kernel features and capabilities labs need')
    .addOption(engineOption())
    .addOption(acceptNewHostKeyOption())
    .action(async () => setExit(await doctorCommand()));

  return program;
}

/** Every command that touches a Docker engine takes the engine to use (as DOCKER_HOST would). */
function engineOption(): Option {
  return new Option('--engine <url>', 'the Docker engine: local or ssh://user@host[:port] (default: PODLAB_ENGINE, else the lab file\'s engine:, else local)');
}

function acceptNewHostKeyOption(): Option {
  return new Option('--accept-new-host-key', 'ssh engine: record the host key of a host not in known_hosts yet (a changed key is still refused)');
}

function packageVersion(): string {
  return (JSON.parse(readFileSync(join(PACKAGE_ROOT, 'package.json'), 'utf8')) as { version: string }).version;
}

/** Prints a failure once and returns its exit code; stacks only with --debug. */
function report(error: unknown, debug: boolean): number {
  if (error instanceof CommanderError) {
    if (error.code === 'commander.helpDisplayed' || error.code === 'commander.version' || error.exitCode === 0) return ExitCode.ok;
    return ExitCode.badInput;
  }
  const failure = asPodlabError(error);
  if (!(failure instanceof InterruptedError)) console.error(`podlab: ${failure.message}`);
  if (debug) console.error((failure.cause instanceof Error ? failure.cause : failure).stack);
  return failure.exitCode;
}
