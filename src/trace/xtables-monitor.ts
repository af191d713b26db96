// Parses `xtables-monitor --trace` (iptables 1.8.9, nf_tables) into visits. Its output, per
// packet and table:
//   PACKET: 2 c902d1d5 IN=docker0 OUT=flannel.1 ... SRC=10.1.6.2 DST=10.1.20.2 LEN=60 TTL=63 ID=47547 DF SPORT=45001 DPORT=80 SYN
//    TRACE: 2 c902d1d5 filter:FORWARD:rule:0xc:ACCEPT  -4 -t filter -A FORWARD -i docker0 ! -o docker0 -j ACCEPT
//    TRACE: 2 c902d1d5 filter:FORWARD:policy:DROP
// The trace id (c902d1d5) groups the TRACE lines of one PACKET line; it is not stable across
// hooks, so visits of one packet are tied together by its IP id instead (see select.ts).
// EVENT and NEWGEN lines (rule changes, when events are monitored too) are skipped.
import type { PacketHeader, RuleStep, Visit } from './types.js';

const PACKET = /^PACKET: (\d+) ([0-9a-f]+) (.*)$/;
const TRACE = /^TRACE: (\d+) ([0-9a-f]+) ([^:\s]+):([^:\s]+):(rule|policy|return)(?::(0x[0-9a-f]+))?(?::([^\s]*))?\s*(.*)$/;

/** nf_tables verdict codes xtables-monitor prints as numbers. */
const VERDICT_CODES: Record<string, string> = {
  '0xffffffff': 'CONTINUE',
  '0xfffffffe': 'BREAK',
  '0xfffffffd': 'JUMP',
  '0xfffffffc': 'GOTO',
  '0xfffffffb': 'RETURN',
};

const FLAG_WORDS = new Set(['DF', 'MF', 'SYN', 'ACK', 'RST', 'FIN', 'PSH', 'URG', 'ECE', 'CWR']);

export function parseMonitor(node: string, text: string): Visit[] {
  const visits: Visit[] = [];
  const open = new Map<string, Visit>();
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    const packet = PACKET.exec(line);
    if (packet) {
      const visit: Visit = { node, traceId: packet[2]!, table: '', hook: '', packet: parsePacket(packet[3]!), steps: [] };
      visits.push(visit);
      open.set(visit.traceId, visit);
      continue;
    }
    const trace = TRACE.exec(line);
    if (!trace) continue;
    const visit = open.get(trace[2]!);
    if (!visit) continue;
    const step = parseStep(trace);
    if (visit.steps.length === 0) {
      visit.table = step.table;
      visit.hook = step.chain;
    }
    visit.steps.push(step);
  }
  return visits.filter((visit) => visit.steps.length > 0);
}

function parseStep(match: RegExpExecArray): RuleStep {
  const [, , , table, chain, kind, , verdictField, rest] = match;
  const [verdictRaw = '', target] = (verdictField ?? '').split(':');
  const verdict = VERDICT_CODES[verdictRaw.toLowerCase()] ?? verdictRaw.toUpperCase();
  const rule = rest?.trim() || undefined;
  return {
    table: table!,
    chain: chain!,
    kind: kind as RuleStep['kind'],
    verdict,
    ...(target ? { target } : {}),
    ...(rule ? { rule } : {}),
  };
}

export function parsePacket(text: string): PacketHeader {
  const fields: Record<string, string> = {};
  const flags: string[] = [];
  for (const token of text.split(/\s+/)) {
    const eq = token.indexOf('=');
    if (eq > 0) fields[token.slice(0, eq)] = token.slice(eq + 1);
    else if (FLAG_WORDS.has(token)) flags.push(token);
  }
  const num = (key: string) => (fields[key] !== undefined && /^\d+$/.test(fields[key]!) ? Number(fields[key]) : undefined);
  return {
    ...(fields.IN ? { in: fields.IN } : {}),
    ...(fields.OUT ? { out: fields.OUT } : {}),
    src: fields.SRC ?? '',
    dst: fields.DST ?? '',
    ...(num('SPORT') !== undefined ? { sport: num('SPORT') } : {}),
    ...(num('DPORT') !== undefined ? { dport: num('DPORT') } : {}),
    ...(num('LEN') !== undefined ? { len: num('LEN') } : {}),
    ...(num('TTL') !== undefined ? { ttl: num('TTL') } : {}),
    ...(num('ID') !== undefined ? { ipId: num('ID') } : {}),
    flags,
  };
}

/** The last step of a visit: what the table decided for the packet at this hook. */
export function finalStep(visit: Visit): RuleStep | undefined {
  return visit.steps[visit.steps.length - 1];
}
