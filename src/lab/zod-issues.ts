// zod's issues as located lab-file issues: unknown keys point at the key, others at the value.
import type { z } from 'zod';
import type { LabIssue } from '../errors.js';
import type { FieldPath, YamlSource } from './yaml-source.js';

export function locateZodIssue(
  source: YamlSource,
  issue: z.core.$ZodIssue,
  blame: (path: FieldPath) => FieldPath = (path) => path,
  unknownField = 'unknown field',
): LabIssue[] {
  const path = issue.path.filter((segment): segment is string | number => typeof segment !== 'symbol');
  if (issue.code === 'unrecognized_keys') {
    return issue.keys.map((key) => source.issue(blame([...path, key]), unknownField, true));
  }
  return [source.issue(blame(path), describe(issue))];
}

function describe(issue: z.core.$ZodIssue): string {
  if (issue.code === 'invalid_type') {
    const missing = /received undefined/.test(issue.message);
    return missing ? `required (expected ${issue.expected})` : issue.message.replace(/^Invalid input: /, '');
  }
  if (issue.code === 'invalid_value') return issue.message.replace(/^Invalid option: /, '');
  return issue.message.replace(/^Invalid input: /, '');
}
