// podlab doctor: can this machine run labs? Host checks first, then the kernel features a node
// needs, tried for real inside a throwaway node container with the nodes' own confinement.
import { existsSync, readFileSync } from 'node:fs';
import type Docker from 'dockerode';
import { execIn } from '../../docker/exec.js';
import { nodeContainerSpec } from '../../drivers/dind/containers.js';
import { ExitCode } from '../../errors.js';
import { builtHash } from '../../images/build.js';
import { Label } from '../../labels.js';
import { NODE_IMAGE, type DindPlan } from '../../plan/dind-plan.js';
import { hostEngine } from '../engine.js';

interface Check {
  name: string;
  ok: boolean;
  detail?: string;
  fix?: string;
}

// Each line: name, then a command that must succeed in a node.
const NODE_CHECKS: Array<[string, string, string]> = [
  ['vxlan device', 'ip link add podlab-vx type vxlan id 42 dstport 8472 dev eth0 && ip link del podlab-vx', 'a kernel with CONFIG_VXLAN'],
  ['tun device (flannel udp)', 'exec 3<>/dev/net/tun', 'a kernel with CONFIG_TUN and /dev/net/tun on the host'],
  ['bridge netfilter sysctl', 'test -e /proc/sys/net/bridge/bridge-nf-call-iptables', 'modprobe br_netfilter on the host'],
  ['iptables nat', 'iptables -t nat -N PODLAB-T && iptables -t nat -X PODLAB-T', 'a kernel with nf_tables/iptables nat'],
  ['iptables statistic + recent', 'iptables -N PODLAB-T && iptables -A PODLAB-T -m statistic --mode random --probability 0.5 -j RETURN && iptables -A PODLAB-T -m recent --name t --rcheck --seconds 10 -j RETURN && iptables -F PODLAB-T && iptables -X PODLAB-T', 'xt_statistic and xt_recent in the kernel'],
  ['cgroups for nested dockerd', 'test -w /sys/fs/cgroup/memory || test -w /sys/fs/cgroup/cgroup.procs', 'cgroup mounts writable by CAP_SYS_ADMIN'],
];

export async function doctorCommand(): Promise<number> {
  const checks: Check[] = [];
  let docker: Docker | undefined;
  try {
    docker = await hostEngine();
    const version = await docker.version();
    checks.push({ name: 'Docker engine', ok: true, detail: `${version.Version} (API ${version.ApiVersion})` });
  } catch (error) {
    checks.push({ name: 'Docker engine', ok: false, detail: (error as Error).message.split('\n')[0], fix: 'bash scripts/setup' });
  }
  checks.push(fileCheck('/dev/net/tun', 'tun device on the host', 'modprobe tun'));
  checks.push(fileCheck('/proc/sys/net/bridge/bridge-nf-call-iptables', 'br_netfilter on the host', 'modprobe br_netfilter'));
  checks.push(capabilityCheck());
  if (docker) checks.push(...(await nodeChecks(docker)));

  for (const check of checks) {
    const mark = check.ok ? 'ok  ' : 'FAIL';
    console.log(`${mark}  ${check.name}${check.detail ? `: ${check.detail}` : ''}`);
    if (!check.ok && check.fix) console.log(`      fix: ${check.fix}`);
  }
  const failed = checks.filter((check) => !check.ok).length;
  console.log(failed === 0 ? 'this machine can run podlab labs' : `${failed} problem(s) found`);
  return failed === 0 ? ExitCode.ok : ExitCode.environment;
}

function fileCheck(path: string, name: string, fix: string): Check {
  return existsSync(path) ? { name, ok: true } : { name, ok: false, detail: `${path} is missing`, fix };
}

function capabilityCheck(): Check {
  // Nodes get every capability but SYS_RESOURCE, which some kernels' bounding sets lack; that is
  // why nodes are not --privileged. Report what this process may grant.
  const status = existsSync('/proc/self/status') ? readFileSync('/proc/self/status', 'utf8') : '';
  const bounding = /CapBnd:\s*([0-9a-f]+)/.exec(status)?.[1];
  if (!bounding) return { name: 'capabilities', ok: true, detail: 'unknown (no /proc/self/status)' };
  const mask = BigInt(`0x${bounding}`);
  const sysAdmin = (mask >> 21n) & 1n;
  const netAdmin = (mask >> 12n) & 1n;
  const ok = sysAdmin === 1n && netAdmin === 1n;
  const sysResource = ((mask >> 24n) & 1n) === 1n ? 'present' : 'absent (nodes run without it)';
  return { name: 'capabilities', ok, detail: `CAP_SYS_ADMIN and CAP_NET_ADMIN ${ok ? 'present' : 'missing'}; CAP_SYS_RESOURCE ${sysResource}`, fix: 'run podlab as root' };
}

async function nodeChecks(docker: Docker): Promise<Check[]> {
  if ((await builtHash(docker, NODE_IMAGE)) === undefined) {
    return [{ name: 'node kernel features', ok: false, detail: `${NODE_IMAGE} is not built`, fix: 'podlab images build node' }];
  }
  const plan = { network: { name: 'bridge' } } as DindPlan;
  const spec = nodeContainerSpec(plan, {
    name: 'doctor',
    container: `podlab-doctor-${process.pid}`,
    ip: '',
    labels: { [Label.cache]: 'doctor' },
    nodeLabels: {},
  }, `podlab-doctor-${process.pid}`);
  delete spec.NetworkingConfig;
  const container = await docker.createContainer(spec);
  try {
    await container.start();
    return await Promise.all(
      NODE_CHECKS.map(async ([name, command, fix]) => {
        const result = await execIn(docker, spec.name!, ['sh', '-c', command]);
        return result.exitCode === 0
          ? { name: `node: ${name}`, ok: true }
          : { name: `node: ${name}`, ok: false, detail: (result.stderr || result.stdout).trim().split('\n')[0], fix };
      }),
    );
  } finally {
    await container.remove({ force: true, v: true });
    await docker.getVolume(spec.name!).remove().catch(() => undefined);
  }
}
