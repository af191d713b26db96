// Never touching what podlab did not create: before `up` creates anything, every object the lab
// would create is looked up. One that exists already (without the lab's label, or with another
// lab's) is exit 2 and left alone; a namespace the manifests name is created, labelled, only when
// absent, so `down` (which deletes by label) removes only namespaces podlab made. Pure.
import { Label } from '../../labels.js';
import { describeObject } from './apply.js';

type Json = Record<string, unknown>;

export interface ExistingObject {
  kind: string;
  namespace?: string;
  name: string;
  labels: Record<string, string>;
}

export interface CreationPlan {
  /** In order: absent namespaces first (labelled), then the lab's objects. */
  create: Json[];
  /** Objects that exist already: nothing may be created while there are any. */
  conflicts: string[];
  /** Namespaces the manifests name that exist already and stay the cluster's. */
  borrowed: string[];
}

const meta = (object: Json) => (object.metadata ?? {}) as { name?: string; namespace?: string };
const key = (kind: string, namespace: string | undefined, name: string | undefined) => `${kind}/${namespace ?? ''}/${name ?? ''}`;

export function planCreation(lab: string, objects: Json[], existing: ExistingObject[], namespaces: Set<string>): CreationPlan {
  const found = new Map(existing.map((object) => [key(object.kind, object.namespace, object.name), object]));
  const create: Json[] = [];
  const conflicts: string[] = [];
  const borrowed = new Set<string>();
  const made = new Set<string>();
  const needNamespace = (name: string) => {
    if (namespaces.has(name)) borrowed.add(name);
    else if (!made.has(name)) {
      made.add(name);
      create.push({ apiVersion: 'v1', kind: 'Namespace', metadata: { name, labels: { [Label.lab]: lab } } });
    }
  };
  for (const object of objects) {
    const { name, namespace } = meta(object);
    if (object.kind === 'Namespace') {
      if (namespaces.has(name ?? '')) borrowed.add(name!);
      else if (!made.has(name ?? '')) {
        made.add(name!);
        create.push(object);
      }
      continue;
    }
    if (namespace) needNamespace(namespace);
    const there = found.get(key(String(object.kind), namespace, name));
    if (there) {
      const owner = there.labels[Label.lab];
      conflicts.push(
        owner === lab
          ? `${describeObject(object)} exists already with this lab's label (left by an earlier up: podlab down ${lab})`
          : `${describeObject(object)} exists already ${owner ? `and belongs to lab ${owner}` : `without podlab's label`}: podlab leaves it alone`,
      );
      continue;
    }
    create.push(object);
  }
  return { create, conflicts, borrowed: [...borrowed].sort() };
}

/** Items of `kubectl get -f - -o json`: one object, a List, or nothing. */
export function existingObjects(output: string): ExistingObject[] {
  if (!output.trim()) return [];
  const parsed = JSON.parse(output) as Json;
  const items = parsed.kind === 'List' ? ((parsed.items as Json[] | undefined) ?? []) : [parsed];
  return items.map((item) => {
    const metadata = (item.metadata ?? {}) as { name?: string; namespace?: string; labels?: Record<string, string> };
    return { kind: String(item.kind), namespace: metadata.namespace, name: metadata.name ?? '', labels: metadata.labels ?? {} };
  });
}
