// Every Docker label podlab writes. `down`, `ls` and `get` find lab resources only through
// these labels, never through a local state file that could go stale.
export const Label = {
  /** The lab a resource belongs to; `down` removes everything carrying it. */
  lab: 'podlab.lab',
  /** node | etcd | underlay */
  role: 'podlab.role',
  /** The lab node a container is (role=node). */
  node: 'podlab.node',
  /** The node's position in the lab file, so listings keep the lab's order. */
  nodeIndex: 'podlab.node-index',
  /** The lab's node names in order (on a kind lab's network: kind's workers play them in turn). */
  nodes: 'podlab.nodes',
  variant: 'podlab.variant',
  driver: 'podlab.driver',
  /** The lab file the lab was brought up from, for `ls` and re-running. */
  labFile: 'podlab.lab-file',
  /** Hash of the lab as planned: a second `up` with the same hash has nothing to do. */
  planHash: 'podlab.plan-hash',
  overlay: 'podlab.overlay',
  /** Kept between labs on purpose (images, caches); removed by `podlab cache clean`. */
  cache: 'podlab.cache',
  /** The node image store (a podlab.cache volume) a node container mounts. */
  store: 'podlab.store',
  /** Content hash of an image's build context: unchanged images are never rebuilt. */
  contextHash: 'podlab.context-hash',
} as const;

export type Role = 'node' | 'etcd' | 'underlay';

export function labFilter(lab?: string): { label: string[] } {
  return { label: [lab ? `${Label.lab}=${lab}` : Label.lab] };
}
