// Lab file → validated Lab: YAML with positions, schema, variant overlay, cross-field checks.
// Every problem is reported with file, line and field (exit 2) before anything is created.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { LabFileError, type LabIssue } from '../errors.js';
import { checkLab } from './checks.js';
import { deepMerge, isPlainObject } from './merge.js';
import { resolveLabFile } from './resolve.js';
import { labSchema, VARIANT_KEYS, type LabDocument } from './schema.js';
import { YamlSource, type FieldPath } from './yaml-source.js';
import { locateZodIssue } from './zod-issues.js';

export interface Lab extends Omit<LabDocument, 'variants'> {
  file: string;
  dir: string;
  /** The variant applied, if any. */
  variant?: string;
  variantNames: string[];
}

export function loadLab(arg: string, options: { variant?: string; cwd?: string } = {}): Lab {
  const file = resolveLabFile(arg, options.cwd);
  return parseLab(file, readFileSync(file, 'utf8'), options.variant);
}

/** Pure core of loadLab: the text of a lab file, its path (for messages and relative paths). */
export function parseLab(file: string, text: string, variant?: string): Lab {
  const source = YamlSource.parse(file, text);
  if (!isPlainObject(source.value)) {
    throw new LabFileError([source.issue([], 'expected a mapping with name, nodes, network, ...')]);
  }
  const raw = source.value;
  const base = validate(source, raw, (path) => path);

  const variants = base.variants;
  const issues: LabIssue[] = [];
  const labs = new Map<string, LabDocument>();
  for (const [name, overlay] of Object.entries(variants)) {
    const unknown = Object.keys(overlay).filter((key) => !(VARIANT_KEYS as readonly string[]).includes(key));
    for (const key of unknown) {
      issues.push(source.issue(['variants', name, key], `unknown field; a variant may set ${VARIANT_KEYS.join(', ')}`, true));
    }
    if (unknown.length > 0) continue;
    // Over the validated base, so defaults the base relies on (flannel's Network, say) are
    // there for a variant that changes only part of them.
    // Assertions come from the file itself: the validated ones are already parsed.
    const merged = deepMerge({ ...withoutVariants(base), assertions: raw.assertions ?? [] }, overlay);
    // A problem in the merged lab is blamed on the variant when the variant wrote that field.
    const blame = (path: FieldPath) => (source.has(['variants', name, ...path]) ? ['variants', name, ...path] : path);
    try {
      labs.set(name, validate(source, merged, blame));
    } catch (error) {
      if (error instanceof LabFileError) issues.push(...error.issues);
      else throw error;
    }
  }
  issues.push(...checkExpectationKeys(source, raw, Object.keys(variants)));
  if (issues.length > 0) throw new LabFileError(issues);

  if (variant !== undefined && !labs.has(variant)) {
    const known = Object.keys(variants);
    throw new LabFileError([
      source.issue(
        known.length > 0 ? ['variants'] : [],
        `no variant "${variant}"; ${known.length > 0 ? `this lab has: ${known.join(', ')}` : 'this lab has no variants'}`,
      ),
    ]);
  }
  const chosen = variant === undefined ? base : labs.get(variant)!;
  const { variants: _ignored, ...lab } = chosen;
  checkManifests(source, lab, variant);
  return { ...lab, file, dir: dirname(file), variant, variantNames: Object.keys(variants) };
}

/** `expect: {default: pass, no-overlay: fail}` may only name variants the lab has. */
function checkExpectationKeys(source: YamlSource, raw: Record<string, unknown>, variants: string[]): LabIssue[] {
  const issues: LabIssue[] = [];
  const lists: Array<[FieldPath, unknown]> = [[['assertions'], raw.assertions]];
  for (const name of variants) lists.push([['variants', name, 'assertions'], (raw.variants as Record<string, Record<string, unknown>>)[name]?.assertions]);
  for (const [path, list] of lists) {
    if (!Array.isArray(list)) continue;
    list.forEach((assertion: { expect?: unknown }, index) => {
      if (!isPlainObject(assertion?.expect)) return;
      for (const key of Object.keys(assertion.expect)) {
        if (key !== 'default' && !variants.includes(key)) {
          issues.push(source.issue([...path, index, 'expect', key], `no variant "${key}"; expected default${variants.length ? ` or ${variants.join(', ')}` : ''}`, true));
        }
      }
    });
  }
  return issues;
}

function withoutVariants(lab: LabDocument): Omit<LabDocument, 'variants'> {
  const { variants: _ignored, ...rest } = lab;
  return rest;
}

function validate(source: YamlSource, value: unknown, blame: (path: FieldPath) => FieldPath): LabDocument {
  const result = labSchema.safeParse(value);
  const issues: LabIssue[] = [];
  if (!result.success) {
    for (const issue of result.error.issues) issues.push(...locateZodIssue(source, issue, blame));
  } else {
    for (const problem of checkLab(result.data)) {
      // Blame the first of the problem's fields that the file actually writes.
      const paths = [problem.path, ...(problem.alsoPaths ?? [])].map(blame);
      issues.push(source.issue(paths.find((path) => source.has(path)) ?? paths[0]!, problem.message));
    }
  }
  if (issues.length > 0) throw new LabFileError(issues);
  return (result as { data: LabDocument }).data;
}

function checkManifests(source: YamlSource, lab: Omit<LabDocument, 'variants'>, variant?: string): void {
  const issues: LabIssue[] = [];
  lab.manifests.forEach((manifest, index) => {
    const path = resolve(dirname(source.file), manifest);
    if (!existsSync(path)) {
      const field = variant && source.has(['variants', variant, 'manifests']) ? ['variants', variant, 'manifests', index] : ['manifests', index];
      issues.push(source.issue(field, `no such file: ${path}`));
    }
  });
  if (issues.length > 0) throw new LabFileError(issues);
}
