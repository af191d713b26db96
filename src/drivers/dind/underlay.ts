// The lab's "physical" LAN: an internal Docker bridge network, so no lab packet is routed
// beyond this machine. The engine's end of the bridge (.1) is how `host` reaches the lab.
import type Docker from 'dockerode';
import { EnvironmentError } from '../../errors.js';
import type { Lab } from '../../lab/load.js';
import { parseCidr, pickFreeSubnet, type Cidr } from '../../net/cidr.js';
import type { DindPlan } from './plan.js';
import { Label } from '../../labels.js';
import type { DockerHost } from '../../docker/docker-host.js';
import { addBridgeRules } from '../common/host-rules.js';

/** Where automatic underlays come from (the SPEC's example lab uses 172.31.0.0/24). */
export const UNDERLAY_POOL = parseCidr('172.31.0.0/16')!;

/** Every subnet the engine's networks use now. */
export async function subnetsInUse(docker: Docker): Promise<Cidr[]> {
  const networks = await docker.listNetworks();
  return networks.flatMap((network) =>
    (network.IPAM?.Config ?? []).map((config) => (config.Subnet ? parseCidr(config.Subnet, false) : undefined)).filter((cidr): cidr is Cidr => !!cidr),
  );
}

/** The lab's own underlay, or the first free /24 of the pool that clashes with nothing. */
export function chooseUnderlay(lab: Lab, inUse: Cidr[]): Cidr {
  if (lab.network.underlay) return parseCidr(lab.network.underlay)!;
  const avoid = [...inUse, parseCidr(lab.network.serviceCIDR)!];
  if (lab.network.overlay === 'flannel') avoid.push(parseCidr(lab.network.flannel.config.Network)!);
  const free = pickFreeSubnet(UNDERLAY_POOL, 24, avoid);
  if (!free) throw new EnvironmentError('no free /24 left in 172.31.0.0/16 for the underlay; set network.underlay in the lab file');
  return free;
}

export async function createUnderlay(host: DockerHost, network: DindPlan['network']): Promise<void> {
  const docker = await host.engine();
  let created: Docker.Network;
  try {
    created = await docker.createNetwork({
      Name: network.name,
      Driver: 'bridge',
      Internal: true,
      CheckDuplicate: true,
      IPAM: { Driver: 'default', Config: [{ Subnet: network.subnet, Gateway: network.gateway }] },
      Options: { 'com.docker.network.driver.mtu': String(network.mtu) },
      Labels: network.labels,
    });
  } catch (error) {
    throw new EnvironmentError(`cannot create the underlay network ${network.name} (${network.subnet})`, {
      cause: error,
      output: (error as Error).message,
    });
  }
  const bridge = `br-${created.id.slice(0, 12)}`;
  if (!(await addBridgeRules(host, bridge, network.labels[Label.lab]!, ['accept-within']))) {
    process.emitWarning(`could not add the DOCKER-USER rule for ${bridge}: pod traffic routed across the underlay (host-gw) may be dropped by the host`);
  }
}
