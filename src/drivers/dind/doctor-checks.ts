// What a dind node needs of the kernel, tried for real inside a throwaway node container with
// the nodes' own confinement (a check on the host would not see what the node is allowed).
import type Docker from 'dockerode';
import { execIn } from '../../docker/exec.js';
import { builtHash } from '../../images/build.js';
import { Label } from '../../labels.js';
import type { DoctorCheck } from '../driver.js';
import { nodeContainerSpec } from './containers.js';
import { NODE_IMAGE, type DindPlan } from './plan.js';

// Each line: name, a command that must succeed in a node, and the fix.
const NODE_CHECKS: Array<[string, string, string]> = [
  ['vxlan device', 'ip link add podlab-vx type vxlan id 42 dstport 8472 dev eth0 && ip link del podlab-vx', 'a kernel with CONFIG_VXLAN'],
  ['tun device (flannel udp)', 'exec 3<>/dev/net/tun', 'a kernel with CONFIG_TUN and /dev/net/tun on the host'],
  ['bridge netfilter sysctl', 'test -e /proc/sys/net/bridge/bridge-nf-call-iptables', 'modprobe br_netfilter on the host'],
  ['iptables nat', 'iptables -t nat -N PODLAB-T && iptables -t nat -X PODLAB-T', 'a kernel with nf_tables/iptables nat'],
  ['iptables statistic + recent', 'iptables -N PODLAB-T && iptables -A PODLAB-T -m statistic --mode random --probability 0.5 -j RETURN && iptables -A PODLAB-T -m recent --name t --rcheck --seconds 10 -j RETURN && iptables -F PODLAB-T && iptables -X PODLAB-T', 'xt_statistic and xt_recent in the kernel'],
  ['cgroups for nested dockerd', 'test -w /sys/fs/cgroup/memory || test -w /sys/fs/cgroup/cgroup.procs', 'cgroup mounts writable by CAP_SYS_ADMIN'],
];

/** `engineFlag`: how the fix names a remote engine (" --engine ssh://…"), empty locally. */
export async function nodeKernelChecks(docker: Docker, engineFlag = ''): Promise<DoctorCheck[]> {
  if ((await builtHash(docker, NODE_IMAGE)) === undefined) {
    const detail = engineFlag ? `${NODE_IMAGE} is not there yet (the first lab sends it)` : `${NODE_IMAGE} is not built`;
    return [{ name: 'node kernel features', ok: false, detail, fix: `podlab images build node${engineFlag}` }];
  }
  const name = `podlab-doctor-${process.pid}`;
  // A node container on the default bridge: the spec wants a plan only for its network's name.
  const plan = { network: { name: 'bridge' } } as Pick<DindPlan, 'network'>;
  const spec = nodeContainerSpec(plan, { name: 'doctor', container: name, ip: '', labels: { [Label.cache]: 'doctor' }, nodeLabels: {} }, name);
  delete spec.NetworkingConfig;
  const container = await docker.createContainer(spec);
  try {
    await container.start();
    return await Promise.all(
      NODE_CHECKS.map(async ([check, command, fix]) => {
        const result = await execIn(docker, name, ['sh', '-c', command]);
        return result.exitCode === 0
          ? { name: `node: ${check}`, ok: true }
          : { name: `node: ${check}`, ok: false, detail: (result.stderr || result.stdout).trim().split('\n')[0], fix };
      }),
    );
  } finally {
    await container.remove({ force: true, v: true });
    await docker.getVolume(name).remove().catch(() => undefined);
  }
}
