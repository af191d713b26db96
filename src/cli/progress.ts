// Renders steps with listr2: a live tree on a terminal, plain lines with durations otherwise.
// listr2's own SIGINT handler would exit before our teardown runs, so it is turned off and the
// CLI owns Ctrl-C. This is the edge where drivers' steps run: a timeout inside them leaves it
// as the environment error saying what was waited for.
import { Listr, PRESET_TIMER, type ListrTask } from 'listr2';
import type { Step } from '../drivers/steps.js';
import { EnvironmentError } from '../errors.js';
import { RetryTimeout } from '../util/retry.js';

/** Called after each step (and each child step) completes: tests interrupt `up` at every boundary. */
export type StepHook = (title: string) => void | Promise<void>;

export async function runSteps(steps: Step[], signal: AbortSignal, onStepDone?: StepHook): Promise<void> {
  const list = new Listr(toTasks(steps, signal, onStepDone), {
    renderer: process.stdout.isTTY ? 'default' : 'simple',
    fallbackRenderer: 'simple',
    registerSignalListeners: false,
    exitOnError: true,
    rendererOptions: { timer: PRESET_TIMER, collapseSubtasks: false },
    fallbackRendererOptions: { timer: PRESET_TIMER },
  });
  try {
    await list.run();
  } catch (error) {
    if (error instanceof RetryTimeout) throw new EnvironmentError(`timed out waiting for ${error.message}`, { cause: error });
    throw error;
  }
  // A step that finished while Ctrl-C arrived still counts as interrupted: the caller tears down.
  signal.throwIfAborted();
}

function toTasks(steps: Step[], signal: AbortSignal, onStepDone?: StepHook): ListrTask[] {
  return steps.map((step) => ({
    title: step.title,
    task: async (_context, task) => {
      signal.throwIfAborted();
      await step.run?.({ signal, note: (text) => (task.title = `${step.title} ${text}`) });
      const children = (await step.children?.()) ?? [];
      if (children.length === 0) {
        await onStepDone?.(step.title);
        return;
      }
      return task.newListr(toTasks(children, signal, onStepDone), { concurrent: step.concurrent ?? false, exitOnError: true });
    },
  }));
}
