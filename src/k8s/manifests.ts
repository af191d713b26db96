// Manifest files → typed Kubernetes objects in apply order (files in the lab's order, documents
// in file order), each validated with file:line errors. Also the checks kubectl's server would
// make: known kind and apiVersion, selectors that match their template, unique names, and
// namespaces that exist before objects are put in them.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { LabFileError, type LabIssue } from '../errors.js';
import type { Lab } from '../lab/load.js';
import { YamlSource } from '../lab/yaml-source.js';
import { locateZodIssue } from '../lab/zod-issues.js';
import { KIND_VERSIONS, objectSchemas, type K8sObject, type Kind } from './schema.js';

export interface Applied {
  object: K8sObject;
  source: YamlSource;
}

export const BUILTIN_NAMESPACES = ['default', 'kube-system'];

export function loadManifests(lab: Pick<Lab, 'dir' | 'manifests'>): Applied[] {
  return lab.manifests.flatMap((manifest) => {
    const file = resolve(lab.dir, manifest);
    return parseManifests(file, readFileSync(file, 'utf8'));
  });
}

export function parseManifests(file: string, text: string): Applied[] {
  const applied: Applied[] = [];
  const issues: LabIssue[] = [];
  for (const source of YamlSource.parseAll(file, text)) {
    const raw = source.value as { kind?: unknown; apiVersion?: unknown } | null;
    if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
      issues.push(source.issue([], 'expected a Kubernetes object (a mapping with apiVersion, kind, metadata)'));
      continue;
    }
    const kind = raw.kind;
    if (typeof kind !== 'string' || !(kind in objectSchemas)) {
      issues.push(source.issue(['kind'], `${kind === undefined ? 'missing' : `kind "${String(kind)}" is not supported`}; podlab applies ${Object.keys(objectSchemas).join(', ')}`));
      continue;
    }
    const versions = KIND_VERSIONS[kind]!;
    if (typeof raw.apiVersion !== 'string' || !versions.includes(raw.apiVersion)) {
      issues.push(source.issue(['apiVersion'], `${kind} is applied with apiVersion ${versions.join(' or ')}, not ${String(raw.apiVersion)}`));
      continue;
    }
    const result = objectSchemas[kind as Kind].safeParse(raw);
    if (!result.success) {
      for (const issue of result.error.issues) issues.push(...locateZodIssue(source, issue, undefined, 'unknown or unsupported field'));
      continue;
    }
    applied.push({ object: result.data as K8sObject, source });
  }
  if (issues.length > 0) throw new LabFileError(issues);
  return applied;
}

/** Cross-object checks over everything the lab applies, in order. */
export function checkObjects(applied: Applied[]): void {
  const issues: LabIssue[] = [];
  const namespaces = new Set(BUILTIN_NAMESPACES);
  const names = new Set<string>();
  for (const { object, source } of applied) {
    const key = `${object.kind}/${object.metadata.namespace}/${object.metadata.name}`;
    if (object.kind === 'Namespace') {
      namespaces.add(object.metadata.name);
    } else if (!namespaces.has(object.metadata.namespace)) {
      issues.push(source.issue(['metadata', 'namespace'], `namespace "${object.metadata.namespace}" does not exist yet; apply a Namespace object before it`));
    }
    if (names.has(key)) issues.push(source.issue(['metadata', 'name'], `${object.kind} "${object.metadata.name}" is applied twice in namespace ${object.metadata.namespace}`));
    names.add(key);
    if (object.kind === 'ReplicationController' || object.kind === 'ReplicaSet' || object.kind === 'Deployment') {
      const selector = controllerSelector(object);
      const labels = object.spec.template.metadata.labels;
      const unmatched = Object.entries(selector).filter(([label, value]) => labels[label] !== value);
      if (Object.keys(selector).length === 0) {
        issues.push(source.issue(['spec', 'template', 'metadata', 'labels'], 'the pod template needs labels for the controller to select its pods'));
      } else if (unmatched.length > 0) {
        issues.push(source.issue(['spec', 'selector'], `selector ${formatLabels(selector)} does not match the template's labels ${formatLabels(labels)}`));
      }
    }
  }
  if (issues.length > 0) throw new LabFileError(issues);
}

/** A controller's selector; an RC without one selects its template's labels, as Kubernetes does. */
export function controllerSelector(object: Extract<K8sObject, { kind: 'ReplicationController' | 'ReplicaSet' | 'Deployment' }>): Record<string, string> {
  if (object.kind === 'ReplicationController') return object.spec.selector ?? object.spec.template.metadata.labels;
  return object.spec.selector?.matchLabels ?? object.spec.template.metadata.labels;
}

export function formatLabels(labels: Record<string, string>): string {
  return Object.entries(labels)
    .map(([key, value]) => `${key}=${value}`)
    .join(',');
}
