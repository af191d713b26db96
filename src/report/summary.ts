// One count shared by every writer, so the console's closing line, the JSON summary and the
// JUnit totals can never disagree about what passed.
import { passed, type LabReport } from '../probe/results.js';

export interface Tally {
  passed: number;
  failed: number;
  total: number;
}

/** Results count by `passed()`; a lab that errored counts once more as failed (it tested nothing). */
export function tally(reports: readonly LabReport[]): Tally {
  let ok = 0;
  let failed = 0;
  for (const report of reports) {
    for (const result of report.results) {
      if (passed(result)) ok += 1;
      else failed += 1;
    }
    if (report.error !== undefined) failed += 1;
  }
  return { passed: ok, failed, total: ok + failed };
}
