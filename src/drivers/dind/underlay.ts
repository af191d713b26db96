// The lab's "physical" LAN: an internal Docker bridge network, so no lab packet is routed
// beyond this machine. The engine's end of the bridge (.1) is how `host` reaches the lab.
import type Docker from 'dockerode';
import type { DockerHost } from '../../docker/docker-host.js';
import { EnvironmentError } from '../../errors.js';
import { Label } from '../../labels.js';
import { addBridgeRules } from '../common/host-rules.js';
import type { DindPlan } from './plan.js';

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
