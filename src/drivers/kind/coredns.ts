// CoreDNS of a kind lab answers the cluster's own names and forwards nothing: kind nodes resolve
// through Docker's embedded DNS, which would send any other name off the machine.
export function corefileWithoutForward(corefile: string): string {
  const lines = corefile.split('\n');
  const kept: string[] = [];
  let depth = 0;
  for (const line of lines) {
    if (depth > 0) {
      depth += (line.match(/\{/g)?.length ?? 0) - (line.match(/\}/g)?.length ?? 0);
      continue;
    }
    if (/^\s*forward\s/.test(line)) {
      depth = (line.match(/\{/g)?.length ?? 0) - (line.match(/\}/g)?.length ?? 0);
      continue;
    }
    kept.push(line);
  }
  return kept.join('\n');
}
