// Creation is a list of small named steps (some run their children concurrently). Drivers
// build them; the CLI renders them with listr2. Keeping listr2 out of drivers keeps them
// testable and lets benchmarks run the same steps silently.

export interface StepContext {
  signal: AbortSignal;
  /** Replaces the step's title suffix shown to the user, e.g. a picked subnet. */
  note(text: string): void;
}

export interface Step {
  title: string;
  run?: (context: StepContext) => Promise<void>;
  /** Built when the step starts, so they can depend on what earlier steps found out. */
  children?: () => Step[];
  concurrent?: boolean;
}

/** Runs steps without any rendering (benchmarks, tests). Concurrent children all settle before a failure propagates. */
export async function runStepsQuietly(steps: Step[], signal: AbortSignal): Promise<void> {
  for (const step of steps) {
    signal.throwIfAborted();
    await step.run?.({ signal, note: () => {} });
    const children = step.children?.() ?? [];
    if (step.concurrent) {
      const results = await Promise.allSettled(children.map((child) => runStepsQuietly([child], signal)));
      const failed = results.find((result): result is PromiseRejectedResult => result.status === 'rejected');
      if (failed) throw failed.reason;
    } else {
      await runStepsQuietly(children, signal);
    }
  }
}
