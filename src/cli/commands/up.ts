// podlab up LAB [--variant V] [--driver D]: the driver's steps (images, network, nodes,
// manifests, setup commands). A second `up` of an unchanged, running lab does nothing; a changed
// or broken one is rebuilt. Any failure or Ctrl-C removes everything the lab had created,
// whichever step was running when it came.
import { driverFor, engineOf } from '../../drivers/index.js';
import { engineFlag } from '../../docker/engine-url.js';
import type { LabDriver } from '../../drivers/driver.js';
import { InputError, TeardownError } from '../../errors.js';
import { loadLabInput, type LabInput } from '../../plan/lab-input.js';
import { printNodes, printPods } from '../print.js';
import { runSteps, type StepHook } from '../progress.js';

export interface UpOptions {
  variant?: string;
  driver?: string;
  kubeconfig?: string;
  context?: string;
  dryRun?: boolean;
}

export async function upCommand(labArg: string, options: UpOptions, signal: AbortSignal): Promise<void> {
  const input = loadLabInput(labArg, options.variant, { driver: options.driver, kube: { kubeconfig: options.kubeconfig, context: options.context } });
  const driver = driverFor(input);
  const { lab } = input;
  if (options.dryRun) {
    if (!driver.dryRun) throw new InputError(`--dry-run: the ${driver.name} driver cannot say what it would create`);
    const where = await driver.connect?.(input);
    if (where) console.log(where);
    for (const line of await driver.dryRun(input)) console.log(line);
    return;
  }
  const started = Date.now();
  const created = await bringUp(driver, input, signal, stepHookFromEnv());
  await whileUp(driver, lab.name, signal, created, async () => {
    if (created) console.log(`lab ${lab.name}${lab.variant ? ` (variant ${lab.variant})` : ''} is up in ${((Date.now() - started) / 1000).toFixed(1)}s`);
    const running = await driver.attach(lab.name);
    if (!running) return;
    printNodes(await running.nodes(), 'wide');
    if (input.cluster) printPods(await running.pods(), 'table');
  });
}

/**
 * Brings the lab up; resolves true when it created the lab, false when the lab was already up
 * as asked. On failure or abort it removes what was created and rethrows (both failures when
 * the removal fails too).
 */
export async function bringUp(driver: LabDriver, input: LabInput, signal: AbortSignal, onStepDone?: StepHook): Promise<boolean> {
  const { lab } = input;
  // Drivers of clusters podlab did not make say which cluster, before anything is read or made.
  const where = await driver.connect?.(input);
  if (where) console.log(where);
  const current = await driver.status(lab.name);
  if (current?.complete && current.hash === input.hash) {
    console.log(`lab ${lab.name} is already up as asked: nothing to do`);
    return false;
  }
  if (current) {
    console.log(`lab ${lab.name} is up but ${current.complete ? 'was made from another lab file, variant or driver' : 'incomplete'}: recreating it`);
    await driver.down(lab.name);
  }
  try {
    await runSteps(driver.upSteps(input), signal, onStepDone);
    return true;
  } catch (error) {
    const first = signal.aborted ? (signal.reason ?? error) : error;
    try {
      await driver.down(lab.name);
    } catch (teardownError) {
      throw new TeardownError(first, teardownError, `podlab down ${lab.name}${engineFlag(engineOf(lab))}`);
    }
    throw first;
  }
}

/**
 * Runs what follows a successful `up` (printing, testing); a Ctrl-C meanwhile still removes the
 * lab this command created, as the interrupt message promises.
 */
export async function whileUp(driver: LabDriver, lab: string, signal: AbortSignal, created: boolean, work: () => Promise<void>): Promise<void> {
  try {
    await work();
  } finally {
    if (signal.aborted && created) await driver.down(lab);
  }
}

/**
 * PODLAB_INTERRUPT_AFTER_STEP=N: the process interrupts itself (SIGINT, as Ctrl-C would) when
 * the Nth step completes. The end-to-end test of Ctrl-C safety uses it to hit every step
 * boundary exactly, instead of racing a timer.
 */
function stepHookFromEnv(): StepHook | undefined {
  const target = Number(process.env.PODLAB_INTERRUPT_AFTER_STEP);
  if (!Number.isInteger(target) || target < 1) return undefined;
  let done = 0;
  return async (title) => {
    done += 1;
    if (done !== target) return;
    process.stderr.write(`(test hook: interrupting after step ${done}: ${title})\n`);
    // Resolves once the signal has been handled (the CLI's own handler runs first), so the
    // interrupt lands exactly at this boundary.
    // (Signal watchers do not keep Node's loop alive: a timer does, until the signal is in.)
    const keepAlive = setTimeout(() => undefined, 10_000);
    const handled = new Promise((resolve) => process.once('SIGINT', resolve));
    process.kill(process.pid, 'SIGINT');
    await handled;
    clearTimeout(keepAlive);
  };
}
