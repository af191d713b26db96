// The script a node runs for the length of one trace (bash, in the node's network namespace):
// start xtables-monitor, insert this trace's TRACE rules, and hold until its stdin closes, then
// stop the monitor and delete exactly the rules carrying this trace's comment. Tying the rules'
// life to stdin means a podlab that dies or is interrupted still removes them (its connection
// closes), and `read -t` bounds their life even if nothing ever closes it. Counters are never
// reset: nothing else in the tables is touched.
import { insertRules, traceComment } from './match.js';
import type { TraceKey } from './types.js';

/** Printed once the rules are in; the monitor already runs then (see the socket wait). */
export const READY_MARK = '@@podlab-trace ready';
export const DONE_MARK = '@@podlab-trace removed';

export interface SessionOptions {
  /** Upper bound on the rules' life, in seconds, if stdin is never closed. */
  maxSeconds: number;
  /** Lets in-flight trace messages reach the monitor after the probe before it stops. */
  settleSeconds: number;
}

const sq = (text: string) => `'${text.replace(/'/g, `'\\''`)}'`;

export function sessionScript(key: TraceKey, options: SessionOptions = { maxSeconds: 15, settleSeconds: 0.15 }): string {
  const comment = traceComment(key);
  return [
    'set -u',
    // Line-buffered, so each trace line leaves as it happens and none is lost when it stops.
    'stdbuf -oL xtables-monitor --trace & mon=$!',
    'cleanup() {',
    `  sleep ${options.settleSeconds}`,
    '  kill $mon 2>/dev/null; wait $mon 2>/dev/null',
    `  { echo '*raw'; iptables-save -t raw | grep -F -- ${sq(comment)} | sed 's/^-A /-D /'; echo COMMIT; } | iptables-restore -w 5 --noflush`,
    `  echo ${sq(DONE_MARK)} "$?"`,
    '}',
    "trap cleanup EXIT; trap 'exit 143' TERM INT HUP",
    // The monitor must listen before the first traced packet: wait for its netlink socket.
    'for i in $(seq 100); do ls -l /proc/$mon/fd 2>/dev/null | grep -q socket: && break; sleep 0.01; done',
    `iptables-restore -w 5 --noflush <<'RULES' || exit 3`,
    insertRules(key).trimEnd(),
    'RULES',
    `echo ${sq(READY_MARK)}`,
    `read -r -t ${options.maxSeconds} _ || true`,
  ].join('\n');
}
