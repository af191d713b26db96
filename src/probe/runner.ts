// Runs probes concurrently (bounded), each until it meets its expectation or its `within` is
// up, and turns them into results with evidence. Where a probe runs is the executor's business
// (the dind driver's, or a fake in unit tests of this logic).
import { probeArgv, evaluate, type CommandResult } from './commands.js';
import type { Probe } from './expand.js';
import type { Source } from './resolve.js';
import { statusOf, type AssertionResult, type Evidence, type Outcome } from './results.js';
import { retryUntil, RetryTimeout, systemClock, type Clock } from '../util/retry.js';

export interface ExecutedCommand extends CommandResult {
  /** The command as a person would paste it to run it again. */
  command: string;
}

export interface ProbeExecutor {
  /** Runs a probe tool in the source's network namespace (pod, node or host). */
  probe(source: Source, argv: string[], timeoutMs: number, signal: AbortSignal): Promise<ExecutedCommand>;
  /** Runs a command in the source itself: the pod's first container, the node, the host. */
  exec(source: Source, argv: string[], timeoutMs: number, signal: AbortSignal): Promise<ExecutedCommand>;
}

export interface RunOptions {
  concurrency?: number;
  signal?: AbortSignal;
  clock?: Clock;
}

const OUTPUT_TAIL = 600;

export async function runProbes(probes: Probe[], executor: ProbeExecutor, options: RunOptions = {}): Promise<AssertionResult[]> {
  const signal = options.signal ?? new AbortController().signal;
  const results: AssertionResult[] = new Array(probes.length);
  let next = 0;
  const worker = async () => {
    while (next < probes.length) {
      const index = next++;
      results[index] = await runProbe(probes[index]!, executor, signal, options.clock ?? systemClock);
    }
  };
  await Promise.all(Array.from({ length: Math.min(options.concurrency ?? 8, probes.length) }, worker));
  return results;
}

async function runProbe(probe: Probe, executor: ProbeExecutor, signal: AbortSignal, clock: Clock): Promise<AssertionResult> {
  const started = clock.now();
  let attempts = 0;
  let last: { command: ExecutedCommand; outcome: Outcome; detail: string; durationMs: number } | undefined;
  const attempt = async () => {
    attempts += 1;
    const began = clock.now();
    const command = await runOnce(probe, executor, signal);
    const verdict = evaluate(probe, command);
    last = { command, ...verdict, durationMs: clock.now() - began };
    return verdict.outcome === probe.expected ? last : undefined;
  };
  if (probe.withinMs === undefined) {
    await attempt();
  } else {
    try {
      await retryUntil(probe.name, attempt, { timeoutMs: probe.withinMs, intervalMs: 250, maxIntervalMs: 1000, signal, clock });
    } catch (error) {
      if (!(error instanceof RetryTimeout)) throw error;
    }
  }
  const { command, outcome, detail, durationMs } = last!;
  const evidence: Evidence = {
    command: command.command,
    exitCode: command.exitCode,
    output: `${command.stdout}${command.stderr}`.trim().slice(-OUTPUT_TAIL),
    durationMs,
    attempts,
  };
  return {
    name: probe.name,
    check: probe.check,
    from: probe.from,
    to: probe.to,
    expected: probe.expected,
    outcome,
    status: statusOf(probe.expected, outcome, probe.bug),
    ...(probe.bug ? { bug: probe.bug } : {}),
    detail,
    evidence,
    durationMs: clock.now() - started,
    ...(probe.matrix ? { matrix: probe.matrix } : {}),
  };
}

async function runOnce(probe: Probe, executor: ProbeExecutor, signal: AbortSignal): Promise<ExecutedCommand> {
  // The command's own timeouts bound it; the guard adds a margin for the exec round trip.
  const guardMs = probe.timeoutMs * (probe.spec.count ?? 1) + 5000;
  return probe.check === 'exec'
    ? executor.exec(probe.source, probeArgv(probe), guardMs, signal)
    : executor.probe(probe.source, probeArgv(probe), guardMs, signal);
}
