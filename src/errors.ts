// Typed errors, mapped to exit codes once, at the CLI entry (SPEC §1).
export const ExitCode = {
  ok: 0,
  assertionFailed: 1,
  badInput: 2,
  environment: 3,
  interrupted: 130,
} as const;

export class PodlabError extends Error {
  readonly exitCode: number;
  constructor(message: string, exitCode: number, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.exitCode = exitCode;
  }
}

/** Bad usage, lab file or manifest: exit 2, nothing created. */
export class InputError extends PodlabError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, ExitCode.badInput, options);
  }
}

/** One problem in a lab file, located as precisely as we can. */
export interface LabIssue {
  file: string;
  line?: number;
  column?: number;
  field: string;
  message: string;
}

export class LabFileError extends InputError {
  readonly issues: LabIssue[];
  constructor(issues: LabIssue[]) {
    super(issues.map(formatLabIssue).join('\n'));
    this.issues = issues;
  }
}

export function formatLabIssue(issue: LabIssue): string {
  const where = issue.line ? `${issue.file}:${issue.line}:${issue.column ?? 1}` : issue.file;
  return issue.field ? `${where}: ${issue.field}: ${issue.message}` : `${where}: ${issue.message}`;
}

/**
 * The environment failed (no engine, image missing, a command in a node failed, a timeout).
 * Carries the command that failed and the tail of its output, so the message can be pasted.
 */
export class EnvironmentError extends PodlabError {
  readonly command?: string;
  readonly output?: string;
  constructor(message: string, options?: { cause?: unknown; command?: string; output?: string }) {
    const details = [
      options?.command ? `  command: ${options.command}` : '',
      options?.output ? `  output (tail):\n${indent(tail(options.output, 15), '    ')}` : '',
    ].filter(Boolean);
    super([message, ...details].join('\n'), ExitCode.environment, options);
    this.command = options?.command;
    this.output = options?.output;
  }
}

export class InterruptedError extends PodlabError {
  constructor() {
    super('interrupted', ExitCode.interrupted);
  }
}

export function tail(text: string, lines: number): string {
  return text.trimEnd().split('\n').slice(-lines).join('\n');
}

function indent(text: string, prefix: string): string {
  return text
    .split('\n')
    .map((line) => prefix + line)
    .join('\n');
}

/** A bug in podlab itself (an invariant broke): exit 3, and the stack only with --debug. */
export class InternalError extends PodlabError {
  constructor(cause: unknown) {
    const message = cause instanceof Error ? cause.message : String(cause);
    super(`this is a podlab bug: ${message}\n  (run again with --debug for the stack, and report it)`, ExitCode.environment, { cause });
  }
}

/**
 * The connection to a remote engine dropped. Waiting cannot bring it back (nothing reconnects
 * behind the caller's back), so retries stop at once instead of running out their timeout.
 */
export class ConnectionLostError extends EnvironmentError {}

/** Whether an error, or one it was caused by, is a lost connection. */
export function isConnectionLost(error: unknown): boolean {
  for (let current = error, depth = 0; current instanceof Error && depth < 5; current = current.cause, depth++) {
    if (current instanceof ConnectionLostError) return true;
  }
  return false;
}

/** `up` failed and so did removing what it had created: both are reported, the first first. */
export class TeardownError extends PodlabError {
  constructor(
    readonly first: unknown,
    readonly teardown: unknown,
    /** The command that removes the rest, as the user would type it. */
    downCommand = 'podlab down LAB',
  ) {
    super(
      `${messageOf(first)}\n  and removing what was created failed too: ${messageOf(teardown)}\n  (${downCommand} removes the rest)`,
      first instanceof PodlabError ? first.exitCode : ExitCode.environment,
      { cause: first },
    );
  }
}

/** An engine API error carries the HTTP status the engine answered with. */
export function isEngineError(error: unknown): error is Error & { statusCode: number } {
  return typeof error === 'object' && error !== null && 'statusCode' in error;
}

/**
 * Every failure as a PodlabError: engine refusals and timeouts are the environment's, anything
 * else is a bug of podlab's.
 */
export function asPodlabError(error: unknown): PodlabError {
  if (error instanceof PodlabError) return error;
  if (isEngineError(error)) return new EnvironmentError(`Docker engine: ${error.message}`, { cause: error });
  if (error instanceof Error && error.name === 'RetryTimeout') return new EnvironmentError(`timed out waiting for ${error.message}`, { cause: error });
  if (error instanceof Error && error.name === 'AbortError') return new InterruptedError();
  return new InternalError(error);
}

/** The exit code of any failure: the one mapping main and `run` share. */
export function exitCodeOf(error: unknown): number {
  return asPodlabError(error).exitCode;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
