// The lab's manifests for a kind cluster: what the kube driver does to them (lab label, images,
// pinning, spread), with images never pulled: no registry is reachable, so a missing image fails
// at once instead of being fetched, and lab node N means kind's Nth worker.
import { forCluster } from '../kube/manifests.js';

export { parseObjects, upgradeApiVersion } from '../kube/manifests.js';

export interface ManifestContext {
  lab: string;
  images: Record<string, string>;
  /** Lab node name → kind worker name. */
  workers: Map<string, string>;
}

export function forKind(object: Record<string, unknown>, context: ManifestContext): Record<string, unknown> {
  return forCluster(object, { lab: context.lab, images: context.images, nodes: context.workers, pullPolicy: { force: 'Never' } });
}
