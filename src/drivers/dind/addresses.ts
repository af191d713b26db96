// Where things sit on a lab's underlay. Fixed host numbers keep addresses predictable from the
// lab file alone: the engine's bridge (the "host") is .1, etcd .2, nodes .11, .12, ...
import { hostAddress, type Cidr } from '../../net/cidr.js';

export const GATEWAY_HOST = 1;
export const ETCD_HOST = 2;
export const FIRST_NODE_HOST = 11;

export function gatewayAddress(underlay: Cidr): string {
  return hostAddress(underlay, GATEWAY_HOST);
}

export function etcdAddress(underlay: Cidr): string {
  return hostAddress(underlay, ETCD_HOST);
}

export function nodeAddress(underlay: Cidr, index: number): string {
  return hostAddress(underlay, FIRST_NODE_HOST + index);
}
