// Container specs for the lab's etcd and nodes. A node has its own network stack, dockerd and
// iptables; it cannot be --privileged here (the kernel's bounding set lacks CAP_SYS_RESOURCE),
// so it gets every other capability with the confinements lifted instead.
import type Docker from 'dockerode';
import { Label } from '../../labels.js';
import { ETCD_IMAGE, NODE_IMAGE, type DindPlan, type NodePlan } from './plan.js';

export function etcdContainerSpec(plan: DindPlan, etcd: NonNullable<DindPlan['etcd']>): Docker.ContainerCreateOptions {
  return {
    name: etcd.container,
    Image: ETCD_IMAGE,
    Cmd: etcd.args,
    Labels: etcd.labels,
    HostConfig: {
      NetworkMode: plan.network.name,
      // The lab's state lives as long as the lab: keep etcd's data in memory.
      Tmpfs: { '/var/lib/etcd': 'rw' },
    },
    NetworkingConfig: { EndpointsConfig: { [plan.network.name]: { IPAMConfig: { IPv4Address: etcd.ip } } } },
  };
}

/**
 * What a container needs to run a dockerd of its own, short of --privileged (which fails where the
 * bounding set lacks CAP_SYS_RESOURCE). `store`: the volume holding its /var/lib/docker.
 */
export function nestedDockerHostConfig(store: string): Docker.HostConfig {
  return {
    CapAdd: ['ALL'],
    CapDrop: ['SYS_RESOURCE'],
    SecurityOpt: ['seccomp=unconfined', 'apparmor=unconfined'],
    // What `--security-opt systempaths=unconfined` means to the CLI: no masked or read-only /proc paths.
    MaskedPaths: [],
    ReadonlyPaths: [],
    Devices: [{ PathOnHost: '/dev/net/tun', PathInContainer: '/dev/net/tun', CgroupPermissions: 'rwm' }],
    // A private cgroup namespace: the container's init mounts fresh cgroup hierarchies rooted at
    // its own cgroup, so its dockerd's containers nest beneath it.
    ...({ CgroupnsMode: 'private' } as Docker.HostConfig),
    Init: true,
    Mounts: [{ Type: 'volume', Source: store, Target: '/var/lib/docker' }],
  };
}

/** `store`: the volume holding the node's /var/lib/docker (its images survive the lab). */
export function nodeContainerSpec(plan: Pick<DindPlan, 'network'>, node: NodePlan, store: string): Docker.ContainerCreateOptions {
  return {
    name: node.container,
    Hostname: node.name,
    Image: NODE_IMAGE,
    Labels: { ...node.labels, [Label.store]: store },
    HostConfig: { NetworkMode: plan.network.name, ...nestedDockerHostConfig(store) },
    NetworkingConfig: { EndpointsConfig: { [plan.network.name]: { IPAMConfig: { IPv4Address: node.ip } } } },
  };
}
