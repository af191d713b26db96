// `host` probes on a kube lab run from the machine podlab runs on, whose default route may lead
// anywhere: a probe runs only when every address it names is one of the lab's own (its nodes,
// pods, services), and a probe naming none (a DNS name the machine's resolver would send out) is
// refused. Pure.

const IPV4 = /\b\d{1,3}(?:\.\d{1,3}){3}\b/g;

/** Why this probe may not run from the host, or undefined when it may. */
export function hostProbeRefusal(argv: string[], labAddresses: Set<string>): string | undefined {
  const named = argv.flatMap((arg) => arg.match(IPV4) ?? []);
  if (named.length === 0) return 'a host probe on a kube lab must aim at a lab address (a node, pod or service), not a name the machine would resolve';
  const foreign = named.filter((ip) => !labAddresses.has(ip));
  if (foreign.length > 0) return `a host probe on a kube lab only reaches the lab's own addresses; ${foreign.join(', ')} is not one`;
  return undefined;
}
