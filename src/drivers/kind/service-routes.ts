// Whether kube-proxy on every kind worker has written its rules for a set of ClusterIPs, read
// from the workers' own tables: a rule matching `-d <ClusterIP>/32` exists once kube-proxy knows
// the Service, whether it DNATs (nat KUBE-SERVICES) or, without endpoints yet, rejects (filter
// KUBE-SERVICES). Either way a connection then gets an answer instead of vanishing.
import type Docker from 'dockerode';
import { execIn } from '../../docker/exec.js';
import { retryUntil } from '../../util/retry.js';

const ROUTED_TIMEOUT_MS = 60_000;

/** The ClusterIPs no rule of an iptables-save listing matches as a destination. */
export function unroutedClusterIPs(iptablesSave: string, clusterIPs: string[]): string[] {
  return clusterIPs.filter((ip) => !iptablesSave.includes(` -d ${ip}/32 `));
}

export async function untilWorkersRoute(docker: Docker, workers: string[], clusterIPs: string[], signal: AbortSignal): Promise<void> {
  await retryUntil(
    `kube-proxy on every worker routing ${clusterIPs.join(', ')}`,
    async () => {
      const missing = await Promise.all(
        workers.map(async (worker) => {
          const saved = await execIn(docker, worker, ['iptables-save'], { signal });
          const unrouted = unroutedClusterIPs(saved.stdout, clusterIPs);
          return unrouted.length > 0 ? `${worker}: ${unrouted.join(', ')}` : undefined;
        }),
      );
      const waiting = missing.filter(Boolean);
      if (waiting.length > 0) throw new Error(`no rules yet on ${waiting.join('; ')}`);
      return true;
    },
    { timeoutMs: ROUTED_TIMEOUT_MS, intervalMs: 100, maxIntervalMs: 500, signal },
  );
}
