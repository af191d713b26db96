// Where a lab's network gets its subnet when the lab file names none: the first /24 of a pool
// that clashes with no network of the engine, nor with the lab's pod and service ranges.
import type Docker from 'dockerode';
import { EnvironmentError } from '../../errors.js';
import type { Lab } from '../../lab/load.js';
import { parseCidr, pickFreeSubnet, type Cidr } from '../../net/cidr.js';

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
