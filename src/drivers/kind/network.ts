// A kind lab's own Docker network (kind joins it through KIND_EXPERIMENTAL_DOCKER_NETWORK). It
// cannot be --internal: kind publishes the API server's port through it. So the host gets two
// rules for its bridge: accept within it (host-gw routes pod traffic across it) and drop what
// would leave it for any other interface. The network carries the lab's labels: `ls`, `status`
// and `down` find a kind lab by them.
import type Docker from 'dockerode';
import type { DockerHost } from '../../docker/docker-host.js';
import { EnvironmentError } from '../../errors.js';
import type { Lab } from '../../lab/load.js';
import { formatCidr, hostAddress, parseCidr, type Cidr } from '../../net/cidr.js';
import { addBridgeRules } from '../common/host-rules.js';
import { chooseUnderlay, subnetsInUse } from '../common/underlay-pool.js';

export interface KindNetwork {
  name: string;
  subnet: string;
  gateway: string;
  /** The lab's etcd sits at .2, before kind's nodes take addresses from .3 on. */
  etcdIP: string;
}

export async function createKindNetwork(host: DockerHost, lab: Lab, name: string, labels: Record<string, string>): Promise<KindNetwork> {
  const docker = await host.engine();
  const conflicts: Cidr[] = [];
  for (let attempt = 1; ; attempt++) {
    const subnet = chooseUnderlay(lab, [...(await subnetsInUse(docker)), ...conflicts]);
    const network = { name, subnet: formatCidr(subnet), gateway: hostAddress(subnet, 1), etcdIP: hostAddress(subnet, 2) };
    try {
      await create(docker, network, lab.network.mtu, labels);
    } catch (error) {
      const raced = !lab.network.underlay && /overlap/i.test(String((error as Error).message)) && attempt < 5;
      if (!raced) throw new EnvironmentError(`cannot create the lab network ${name} (${network.subnet})`, { cause: error, output: (error as Error).message });
      conflicts.push(parseCidr(network.subnet)!);
      continue;
    }
    const bridge = `br-${(await docker.getNetwork(name).inspect()).Id.slice(0, 12)}`;
    if (!(await addBridgeRules(host, bridge, labels['podlab.lab']!, ['drop-leaving', 'accept-within']))) {
      throw new EnvironmentError(`cannot add the host's DOCKER-USER rules for ${bridge}: a kind lab must not be able to reach beyond this machine (run podlab as root)`);
    }
    return network;
  }
}

async function create(docker: Docker, network: KindNetwork, mtu: number, labels: Record<string, string>): Promise<void> {
  await docker.createNetwork({
    Name: network.name,
    Driver: 'bridge',
    CheckDuplicate: true,
    IPAM: { Driver: 'default', Config: [{ Subnet: network.subnet, Gateway: network.gateway }] },
    // kind's own network sets these; without ip-masquerade nothing routed off the bridge is
    // NATed either (and the DROP rule stops it first).
    Options: { 'com.docker.network.driver.mtu': String(mtu), 'com.docker.network.bridge.enable_ip_masquerade': 'false' },
    Labels: labels,
  });
}
