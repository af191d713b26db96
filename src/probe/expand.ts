// Assertions of a lab (and variant) → the probes to run: matrices expanded to one probe per
// source/destination pair, targets resolved against the lab view, expectations picked for the
// variant. Pure; a target that names nothing comes back as a located problem.
import type { AssertionSpec } from './spec.js';
import type { CheckKind, Outcome } from './results.js';
import { describeSource, expandSide, resolveDestination, ResolveError, resolveSource, type Destination, type Source } from './resolve.js';
import { formatTarget, type Target } from './targets.js';
import type { LabView } from './view.js';

/** Defaults chosen short, so that expected failures cost little (cilium's lesson). */
export const DEFAULT_TIMEOUT_MS: Record<CheckKind, number> = { ping: 1000, tcp: 3000, http: 3000, dns: 2000, exec: 10_000 };

export interface Probe {
  name: string;
  /** Position of the assertion in the lab file, for error messages and filters. */
  index: number;
  check: CheckKind;
  spec: AssertionSpec;
  source: Source;
  /** ping/tcp/http: the address aimed at; dns: the expected answer, if any. */
  destination?: Destination;
  from: string;
  to: string;
  expected: Outcome;
  bug?: string;
  timeoutMs: number;
  withinMs?: number;
  matrix?: { name: string; row: string; column: string };
}

export interface ExpandProblem {
  index: number;
  field: string;
  message: string;
}

export function expectationFor(spec: AssertionSpec, variant: string | undefined): Outcome {
  if (typeof spec.expect === 'string') return spec.expect;
  return spec.expect[variant ?? 'default'] ?? spec.expect.default ?? 'pass';
}

export function checkOf(spec: AssertionSpec): CheckKind | 'matrix' {
  for (const check of ['ping', 'tcp', 'http', 'dns', 'exec', 'matrix'] as const) if (spec[check] !== undefined) return check;
  throw new Error(`assertion "${spec.name}" has no check`);
}

/** `driver`: the driver the lab runs on; assertions limited to other drivers are left out. */
export function expandAssertions(specs: AssertionSpec[], view: LabView, variant?: string, driver?: string): { probes: Probe[]; problems: ExpandProblem[] } {
  const probes: Probe[] = [];
  const problems: ExpandProblem[] = [];
  specs.forEach((spec, index) => {
    if (driver !== undefined && spec.drivers !== undefined && !spec.drivers.includes(driver)) return;
    const check = checkOf(spec);
    const common = { spec, index, expected: expectationFor(spec, variant), bug: spec.bug, withinMs: spec.within };
    const attempt = (field: string, work: () => void) => {
      try {
        work();
      } catch (error) {
        if (!(error instanceof ResolveError)) throw error;
        problems.push({ index, field, message: error.message });
      }
    };
    if (check === 'matrix') {
      const matrix = spec.matrix!;
      let rows: Target[] = [];
      let columns: Target[] = [];
      attempt('matrix.from', () => (rows = expandSide(view, matrix.from)));
      attempt('matrix.to', () => (columns = expandSide(view, matrix.to)));
      for (const row of rows) {
        for (const column of columns) {
          if (formatTarget(row) === formatTarget(column)) continue;
          attempt('matrix', () => {
            const source = resolveSource(view, row);
            const destination = resolveDestination(view, matrix.check === 'tcp' ? { ...column, port: matrix.port } as Target : column);
            if (matrix.check === 'tcp') destination.port = matrix.port;
            const from = describeSource(source);
            probes.push({
              ...common,
              name: `${spec.name}: ${from} → ${destination.display}`,
              check: matrix.check,
              source,
              destination,
              from,
              to: destination.display,
              timeoutMs: spec.timeout ?? DEFAULT_TIMEOUT_MS[matrix.check],
              matrix: { name: spec.name, row: from, column: destination.display },
            });
          });
        }
      }
      return;
    }
    attempt('from', () => {
      const source = resolveSource(view, spec.from!);
      let destination: Destination | undefined;
      let to = '';
      if (check === 'ping' || check === 'tcp') {
        attempt(check, () => (destination = resolveDestination(view, spec[check]!)));
        to = destination?.display ?? formatTarget(spec[check]!);
      } else if (check === 'http') {
        attempt('http.to', () => (destination = resolveDestination(view, spec.http!.to)));
        to = `${destination?.display ?? formatTarget(spec.http!.to)}${spec.http!.path === '/' ? '' : spec.http!.path}`;
      } else if (check === 'dns') {
        if (spec.answer) attempt('answer', () => (destination = resolveDestination(view, spec.answer!)));
        to = spec.dns!;
      } else {
        to = spec.exec!.join(' ');
      }
      probes.push({ ...common, name: spec.name, check, source, destination, from: describeSource(source), to, timeoutMs: spec.timeout ?? DEFAULT_TIMEOUT_MS[check] });
    });
  });
  return { probes, problems };
}

/** `--filter TEXT`: the probes whose name (a matrix cell's includes its pair) contains TEXT. */
export function filterProbes(probes: Probe[], text: string | undefined): Probe[] {
  return text ? probes.filter((probe) => probe.name.includes(text)) : probes;
}
