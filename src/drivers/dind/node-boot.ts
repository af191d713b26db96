// One node from started container to ready dockerd: flanneld leases a subnet and writes
// subnet.env, dockerd starts with --bip/--mtu/--ip-masq from it (as mk-docker-opts.sh would),
// then the FORWARD policy is set if the lab asks for one.
import type Docker from 'dockerode';
import { execIn, execOk } from '../../docker/exec.js';
import { EnvironmentError, tail } from '../../errors.js';
import { dockerOptsFromSubnetEnv, parseSubnetEnv, type SubnetEnv } from '../../net/flannel.js';
import type { DindPlan, NodePlan } from './plan.js';
import { GiveUp, retryUntil, RetryTimeout } from '../../util/retry.js';
import { nodeDockerHosts } from './node-engine.js';

const FLANNEL_TIMEOUT_MS = 30_000;
const DOCKERD_TIMEOUT_MS = 45_000;

/** flanneld of two nodes may pick the same free subnet at once; the loser exits instead of retrying. */
const LEASE_RACE = /subnet already exists/;
const LEASE_ATTEMPTS = 3;

export async function startFlanneld(docker: Docker, node: NodePlan, signal: AbortSignal): Promise<SubnetEnv> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await startFlanneldOnce(docker, node, signal, attempt < LEASE_ATTEMPTS);
    } catch (error) {
      if (!(error instanceof LeaseRace)) throw error;
    }
  }
}

/** Lost a lease race: start flanneld again (it picks another subnet). */
class LeaseRace extends Error {}

async function startFlanneldOnce(docker: Docker, node: NodePlan, signal: AbortSignal, mayRetry: boolean): Promise<SubnetEnv> {
  await execOk(docker, node.container, ['podlab-node', 'start-flanneld', ...(node.flanneldArgs ?? [])], { signal });
  return withLogOnTimeout(docker, node, '/var/log/flanneld.log', () =>
    retryUntil(
      `${node.name}: flanneld writes /run/flannel/subnet.env`,
      async () => {
        const result = await execIn(docker, node.container, ['cat', '/run/flannel/subnet.env'], { signal });
        if (result.exitCode === 0) return parseSubnetEnv(result.stdout);
        const alive = await execIn(docker, node.container, ['podlab-node', 'running', 'flanneld'], { signal });
        if (alive.exitCode === 0) return undefined;
        const log = await execIn(docker, node.container, ['tail', '-n', '5', '/var/log/flanneld.log'], { signal });
        if (mayRetry && LEASE_RACE.test(log.stdout)) throw new GiveUp(new LeaseRace(`${node.name}: flanneld lost a lease race`));
        throw new GiveUp(new EnvironmentError(`${node.name}: flanneld exited before writing subnet.env`));
      },
      { timeoutMs: FLANNEL_TIMEOUT_MS, signal },
    ),
  );
}

/** dockerd's command line: flannel's options, or Docker's default bridge with the underlay MTU. */
export function dockerdArgs(plan: DindPlan, node: NodePlan, subnetEnv?: SubnetEnv): string[] {
  const network = subnetEnv ? dockerOptsFromSubnetEnv(subnetEnv) : [`--mtu=${plan.network.mtu}`];
  const mtu = plan.dockerMTU;
  return [...nodeDockerHosts(node.ip), ...(mtu ? network.map((arg) => (arg.startsWith('--mtu=') ? `--mtu=${mtu}` : arg)) : network)];
}

export async function startDockerd(docker: Docker, engine: Docker, node: NodePlan, args: string[], signal: AbortSignal): Promise<void> {
  await execOk(docker, node.container, ['podlab-node', 'start-dockerd', ...args], { signal });
  await withLogOnTimeout(docker, node, '/var/log/dockerd.log', () =>
    retryUntil(`${node.name}: dockerd answers`, async () => ((await engine.ping()) ? true : undefined), {
      timeoutMs: DOCKERD_TIMEOUT_MS,
      intervalMs: 100,
      signal,
    }),
  );
}

export async function setForwardPolicy(docker: Docker, node: NodePlan, policy: 'ACCEPT' | 'DROP', signal: AbortSignal): Promise<void> {
  await execOk(docker, node.container, ['iptables', '-P', 'FORWARD', policy], { signal });
}

async function withLogOnTimeout<T>(docker: Docker, node: NodePlan, log: string, wait: () => Promise<T>): Promise<T> {
  try {
    return await wait();
  } catch (error) {
    if (!(error instanceof RetryTimeout) && !(error instanceof EnvironmentError)) throw error;
    const logText = await execIn(docker, node.container, ['tail', '-n', '20', log]).catch(() => undefined);
    throw new EnvironmentError(error.message, {
      cause: error,
      command: `docker exec ${node.container} cat ${log}`,
      output: logText ? tail(logText.stdout, 20) : undefined,
    });
  }
}
