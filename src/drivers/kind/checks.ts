// What a kind lab cannot be: the classic wiring the dind driver builds by hand (dockerd started
// from flannel's subnet.env, an iptables FORWARD policy set after it, flanneld flags of old
// flannel) has no counterpart in a kind cluster, whose nodes run containerd and flannel as a CNI.
import type { Lab } from '../../lab/load.js';
import type { DriverIssue } from '../driver.js';

export function checkForKind(lab: Lab): DriverIssue[] {
  const issues: DriverIssue[] = [];
  const { network } = lab;
  if (network.overlay === 'none') {
    issues.push({ path: ['network', 'overlay'], message: 'a kind cluster needs a CNI: overlay none (every node handing out the same docker0 range) exists only on dind' });
  }
  if (network.forwardPolicy !== undefined) {
    issues.push({ path: ['network', 'forwardPolicy'], message: 'kind nodes have no dockerd that resets the FORWARD policy; this scenario exists only on dind' });
  }
  if (network.dockerMTU !== undefined) {
    issues.push({ path: ['network', 'dockerMTU'], message: 'kind nodes run containerd, not dockerd: there is no --mtu to set; use dind' });
  }
  if (network.flannel.args.length > 0) {
    issues.push({ path: ['network', 'flannel', 'args'], message: 'extra flanneld flags belong to the classic wiring of dind labs; flannel runs as kind\'s CNI with its own flags' });
  }
  if (network.flannel.config.SubnetLen !== undefined && network.flannel.config.SubnetLen > 28) {
    issues.push({ path: ['network', 'flannel', 'config', 'SubnetLen'], message: 'kind nodes need a pod subnet of /28 or larger' });
  }
  return issues;
}
