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
