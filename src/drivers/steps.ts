// Creation is a list of small named steps (some run their children concurrently). Drivers
// build them; the CLI renders them with listr2, which stays out of the drivers.

export interface StepContext {
  signal: AbortSignal;
  /** Replaces the step's title suffix shown to the user, e.g. a picked subnet. */
  note(text: string): void;
}

export interface Step {
  title: string;
  run?: (context: StepContext) => Promise<void>;
  /** Built when the step starts, so they can depend on what earlier steps found out. */
  children?: () => Step[] | Promise<Step[]>;
  concurrent?: boolean;
}
