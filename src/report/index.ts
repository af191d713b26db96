export { formatConsoleReport, formatMatrix, formatResultLine, formatSummary, type ConsoleOptions } from './console.js';
export { toJsonReport } from './json.js';
export { toJUnit } from './junit.js';
export { tally, type Tally } from './summary.js';
