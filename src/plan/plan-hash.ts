// What a lab asks for, as a short hash: `up` of an unchanged, complete lab does nothing, and a
// lab brought up from another file, variant or driver is recreated.
import { createHash } from 'node:crypto';
import type { Lab } from '../lab/load.js';

export function labPlanHash(lab: Lab, manifestsText = ''): string {
  const essence = { name: lab.name, variant: lab.variant ?? '', driver: lab.driver, nodes: lab.nodes, kube: lab.kube, network: lab.network, images: lab.images, setup: lab.setup, manifestsText };
  return createHash('sha256').update(JSON.stringify(essence)).digest('hex').slice(0, 16);
}
