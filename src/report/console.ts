// Plain-text report for a terminal or a CI log. Colors are optional and only ever wrap the
// status word, so the text reads the same with them stripped.
import type { AssertionResult, LabReport, Status } from '../probe/results.js';
import { tally } from './summary.js';

export interface ConsoleOptions {
  color?: boolean;
}

const STATUS_WIDTH = 5; // the longest status, XFAIL / XPASS

// XPASS is a failure (the lab stopped reproducing its bug), so it is red like FAIL.
const STATUS_COLOR: Record<Status, string> = {
  PASS: '\u001b[32m',
  FAIL: '\u001b[31m',
  XFAIL: '\u001b[33m',
  XPASS: '\u001b[31m',
};
const RESET = '\u001b[0m';

/**
 * Names, targets and details come from labs and probe output; a stray newline or escape
 * sequence would break the one-line-per-result layout or drive the terminal, so control
 * characters are shown as \xNN instead.
 */
function printable(text: string): string {
  return text.replace(/[\u0000-\u001f\u007f]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
}

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(2)}s`;
}

function metExpectation(status: Status): boolean {
  return status === 'PASS' || status === 'XFAIL';
}

export function formatResultLine(result: AssertionResult, options: ConsoleOptions = {}): string {
  // Pad before coloring: escape codes have no width, padding them would misalign the lines.
  const padded = result.status.padEnd(STATUS_WIDTH);
  const status = options.color ? padded.replace(result.status, STATUS_COLOR[result.status] + result.status + RESET) : padded;
  let line =
    `${status} ${printable(result.name)}  ${printable(result.from)} → ${printable(result.to)}` +
    `  expected ${result.expected}, got ${result.outcome}  ${seconds(result.durationMs)}`;
  if (result.bug !== undefined && (result.status === 'XFAIL' || result.status === 'XPASS')) {
    line += ` [bug: ${printable(result.bug)}]`;
  }
  if (!metExpectation(result.status)) line += ` — ${printable(result.detail)}`;
  return line;
}

/** A result's trace (`trace: on-failure`) under its line, indented, each line made printable on its own. */
export function formatResultTrace(result: AssertionResult): string {
  if (!result.trace) return '';
  return result.trace.rendered.split('\n').map((line) => `\n    ${printable(line)}`).join('');
}

/** A matrix as the console draws it: `cells[r][c]` is "ok" or "--" (with "!" when the expectation was missed), or "" where no probe ran. */
export interface MatrixGrid {
  name: string;
  rows: string[];
  columns: string[];
  cells: string[][];
}

/** One grid per matrix name, in first-seen order; rows first-seen, columns in the rows' order. */
export function matrixGrids(results: AssertionResult[]): MatrixGrid[] {
  const grids = new Map<string, { rows: string[]; columns: string[]; cells: Map<string, string> }>();
  for (const result of results) {
    if (!result.matrix) continue;
    const { name, row, column } = result.matrix;
    let grid = grids.get(name);
    if (!grid) grids.set(name, (grid = { rows: [], columns: [], cells: new Map() }));
    if (!grid.rows.includes(row)) grid.rows.push(row);
    if (!grid.columns.includes(column)) grid.columns.push(column);
    const mark = (result.outcome === 'pass' ? 'ok' : '--') + (metExpectation(result.status) ? '' : '!');
    grid.cells.set(`${row}\u0000${column}`, mark);
  }
  return [...grids].map(([name, grid]) => {
    const columns = inRowOrder(grid.rows, grid.columns);
    // A cell with no result (a sparse matrix, or a row's own column) stays blank rather than guessing.
    const cells = grid.rows.map((row) => columns.map((column) => grid.cells.get(`${row}\u0000${column}`) ?? ''));
    return { name, rows: grid.rows, columns, cells };
  });
}

/** One grid (a multi-line string) per matrix name, in first-seen order. */
export function formatMatrix(results: AssertionResult[]): string[] {
  return matrixGrids(results).map((grid) => {
    const rows = grid.rows.map(printable);
    const columns = grid.columns.map(printable);
    const rowWidth = Math.max(...rows.map((row) => row.length));
    // At least as wide as the widest mark ("ok!") so short column names still line up.
    const widths = columns.map((column) => Math.max(column.length, 3));
    const line = (first: string, cells: string[]) =>
      `  ${first.padEnd(rowWidth)}  ${cells.map((cell, i) => cell.padEnd(widths[i]!)).join('  ')}`.trimEnd();
    return [printable(grid.name), line('', columns), ...grid.cells.map((cells, r) => line(rows[r]!, cells))].join('\n');
  });
}

/**
 * Columns that are also rows come in the rows' order, so the diagonal is the diagonal (each row
 * skips itself, which would otherwise shift the first-seen column order); the others follow,
 * first-seen. A tcp matrix names its columns with the port (`pod/web:80`), its rows without.
 */
function inRowOrder(rows: string[], columns: string[]): string[] {
  const rowOf = (column: string) => rows.indexOf(rows.includes(column) ? column : column.replace(/:\d+$/, ''));
  const matched = columns.filter((column) => rowOf(column) >= 0).sort((a, b) => rowOf(a) - rowOf(b));
  return [...matched, ...columns.filter((column) => rowOf(column) < 0)];
}

/** Exactly `N passed, N failed`: CI greps this line, so nothing else goes on it. */
export function formatSummary(reports: LabReport[]): string {
  const { passed, failed } = tally(reports);
  return `${passed} passed, ${failed} failed`;
}

/** One lab's section, without the closing summary (the caller prints one over all labs). */
export function formatConsoleReport(report: LabReport, options: ConsoleOptions = {}): string {
  const indent = (block: string) => block.replace(/^(?=.)/gm, '  ');
  const lines = [`lab ${printable(report.lab)} (variant ${printable(report.variant)})`, ...report.results.map((r) => indent(formatResultLine(r, options) + formatResultTrace(r)))];
  const sections = [lines.join('\n'), ...formatMatrix(report.results).map(indent)];
  if (report.error !== undefined) {
    // The only multi-line text here: setup errors often carry a command's stderr.
    const error = indent(`error: ${report.error.split('\n').map(printable).join('\n  ')}`);
    // A lab that never got to its assertions has nothing to separate the error from.
    if (report.results.length === 0) sections[0] += `\n${error}`;
    else sections.push(error);
  }
  return sections.join('\n\n');
}
