// Renders steps with listr2: a live tree on a terminal, plain lines with durations otherwise.
// listr2's own SIGINT handler would exit before our teardown runs, so it is turned off and the
// CLI owns Ctrl-C.
import { Listr, PRESET_TIMER, type ListrTask } from 'listr2';
import type { Step } from '../drivers/steps.js';

export async function runSteps(steps: Step[], signal: AbortSignal): Promise<void> {
  const list = new Listr(toTasks(steps, signal), {
    renderer: process.stdout.isTTY ? 'default' : 'simple',
    fallbackRenderer: 'simple',
    registerSignalListeners: false,
    exitOnError: true,
    rendererOptions: { timer: PRESET_TIMER, collapseSubtasks: false },
    fallbackRendererOptions: { timer: PRESET_TIMER },
  });
  await list.run();
}

function toTasks(steps: Step[], signal: AbortSignal): ListrTask[] {
  return steps.map((step) => ({
    title: step.title,
    task: async (_context, task) => {
      signal.throwIfAborted();
      await step.run?.({ signal, note: (text) => (task.title = `${step.title} ${text}`) });
      const children = step.children?.() ?? [];
      if (children.length === 0) return;
      return task.newListr(toTasks(children, signal), { concurrent: step.concurrent ?? false, exitOnError: true });
    },
  }));
}
