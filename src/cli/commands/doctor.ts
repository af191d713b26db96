// podlab doctor: can this machine run labs? Host checks first, then what each driver needs,
// tried for real where it can be.
import type { DockerHost } from '../../docker/docker-host.js';
import { dockerHost, driverNamed, driverNamesOn } from '../../drivers/index.js';
import type { DoctorCheck } from '../../drivers/driver.js';
import { ExitCode } from '../../errors.js';

export async function doctorCommand(): Promise<number> {
  const checks: DoctorCheck[] = [];
  const host = dockerHost();
  const where = host.target.kind === 'local' ? '' : ` on ${host.description}`;
  let engineUp = false;
  try {
    const version = await (await host.engine()).version();
    checks.push({ name: `Docker engine${where}`, ok: true, detail: `${version.Version} (API ${version.ApiVersion})` });
    engineUp = true;
  } catch (error) {
    checks.push({ name: `Docker engine${where}`, ok: false, detail: (error as Error).message.split('\n')[0], fix: 'bash scripts/setup' });
  }
  // The machine's own checks run where the lab runs: here, or on the remote over ssh.
  checks.push(
    ...(await Promise.all([
      fileCheck(host, '/dev/net/tun', `tun device on the host${where}`, 'modprobe tun'),
      fileCheck(host, '/proc/sys/net/bridge/bridge-nf-call-iptables', `br_netfilter on the host${where}`, 'modprobe br_netfilter'),
      capabilityCheck(host),
    ])),
  );
  if (engineUp) {
    for (const name of driverNamesOn()) checks.push(...(await driverNamed(name).diagnose()));
  }

  for (const check of checks) {
    const mark = check.ok ? 'ok  ' : check.driver ? 'warn' : 'FAIL';
    console.log(`${mark}  ${check.name}${check.detail ? `: ${check.detail}` : ''}`);
    if (!check.ok && check.fix) console.log(`      fix: ${check.fix}`);
  }
  // A missing kind toolchain keeps kind labs from running, not dind labs.
  const failed = checks.filter((check) => !check.ok && !check.driver).length;
  const lacking = [...new Set(checks.filter((check) => !check.ok && check.driver).map((check) => check.driver!))];
  console.log(failed === 0 ? `${where ? host.description : 'this machine'} can run podlab labs${lacking.length > 0 ? ` (not yet on: ${lacking.join(', ')})` : ''}` : `${failed} problem(s) found`);
  return failed === 0 ? ExitCode.ok : ExitCode.environment;
}

async function fileCheck(host: DockerHost, path: string, name: string, fix: string): Promise<DoctorCheck> {
  const exists = (await host.run(['test', '-e', path])).exitCode === 0;
  return exists ? { name, ok: true } : { name, ok: false, detail: `${path} is missing`, fix };
}

async function capabilityCheck(host: DockerHost): Promise<DoctorCheck> {
  // Nodes get every capability but SYS_RESOURCE, which some kernels' bounding sets lack; that is
  // why nodes are not --privileged. Report what this process may grant.
  const status = (await host.run(['cat', '/proc/self/status'])).stdout;
  const bounding = /CapBnd:\s*([0-9a-f]+)/.exec(status)?.[1];
  if (!bounding) return { name: 'capabilities', ok: true, detail: 'unknown (no /proc/self/status)' };
  const mask = BigInt(`0x${bounding}`);
  const sysAdmin = (mask >> 21n) & 1n;
  const netAdmin = (mask >> 12n) & 1n;
  const ok = sysAdmin === 1n && netAdmin === 1n;
  const sysResource = ((mask >> 24n) & 1n) === 1n ? 'present' : 'absent (nodes run without it)';
  return { name: 'capabilities', ok, detail: `CAP_SYS_ADMIN and CAP_NET_ADMIN ${ok ? 'present' : 'missing'}; CAP_SYS_RESOURCE ${sysResource}`, fix: 'run podlab as root' };
}
