// kube-proxy's job on every node: the rendered rules go in atomically with
// `iptables-restore --noflush` (only KUBE-* chains are declared, so Docker's and flannel's rules
// stay), and the jumps from built-in chains are added only when missing. The services and
// endpoints the rules were made from are kept on the node too, for `podlab get svc|ep`: state
// that lives and dies with the lab instead of a local file that could go stale.
import type Docker from 'dockerode';
import { execIn, execOk } from '../../docker/exec.js';
import { renderJumps } from '../../net/kube-proxy.js';
import { shellQuote } from '../../util/shell-quote.js';

export const CLUSTER_STATE_FILE = '/run/podlab/cluster.json';

/** `iptables -C … || iptables -A …` for every jump: re-running it never duplicates a rule. */
export function jumpScript(jumps: string[][] = renderJumps()): string {
  return jumps
    .map((jump) => {
      const check = shellQuote(jump.map((arg) => (arg === '-I' ? '-C' : arg)));
      return `iptables -w ${check} 2>/dev/null || iptables -w ${shellQuote(jump)}`;
    })
    .join('\n');
}

export async function installServiceRules(docker: Docker, node: string, rules: string, state: unknown, signal?: AbortSignal): Promise<void> {
  await execOk(docker, node, ['iptables-restore', '-w', '--noflush'], { stdin: rules, signal });
  await execOk(docker, node, ['sh', '-ec', jumpScript()], { signal });
  await execOk(docker, node, ['sh', '-c', `mkdir -p /run/podlab && cat > ${CLUSTER_STATE_FILE}`], { stdin: JSON.stringify(state), signal });
}

export async function readClusterState<T>(docker: Docker, node: string): Promise<T | undefined> {
  const result = await execIn(docker, node, ['cat', CLUSTER_STATE_FILE]);
  return result.exitCode === 0 ? (JSON.parse(result.stdout) as T) : undefined;
}
