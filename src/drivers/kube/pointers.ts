// Where a kube lab lives: the kubeconfig and context `up` was given, kept under podlab's cache so
// that `get`, `exec`, `test` and `down` find the lab by name. Only a pointer: what the lab is,
// whether it runs and what it holds is read from the cluster, by label, every time.
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { podlabCacheDir } from '../../docker/local-host.js';
import type { ClusterTarget } from './kubectl.js';

const dir = () => join(podlabCacheDir(), 'kube');

export function rememberCluster(lab: string, target: ClusterTarget): void {
  mkdirSync(dir(), { recursive: true });
  writeFileSync(join(dir(), `${lab}.json`), JSON.stringify({ kubeconfig: target.kubeconfig, context: target.context }));
}

export function clusterOf(lab: string): ClusterTarget | undefined {
  try {
    return JSON.parse(readFileSync(join(dir(), `${lab}.json`), 'utf8')) as ClusterTarget;
  } catch {
    return undefined;
  }
}

export function forgetCluster(lab: string): void {
  rmSync(join(dir(), `${lab}.json`), { force: true });
}

/** Every cluster some lab was brought up on, once each. */
export function knownClusters(): ClusterTarget[] {
  let files: string[] = [];
  try {
    files = readdirSync(dir()).filter((file) => file.endsWith('.json'));
  } catch {
    return [];
  }
  const targets = new Map<string, ClusterTarget>();
  for (const file of files) {
    const target = clusterOf(file.slice(0, -'.json'.length));
    if (target) targets.set(`${target.kubeconfig}\n${target.context ?? ''}`, target);
  }
  return [...targets.values()];
}
