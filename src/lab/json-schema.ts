// The lab file's JSON Schema, generated from the one zod schema (schema.ts), for editors: with
// `# yaml-language-server: $schema=…` at the top of a lab file they complete and check fields.
// It describes what a person writes (zod's input side: defaults may be left out), rejects
// unknown fields where podlab does, and is committed as schemas/lab.schema.json (a unit test
// fails when the two drift apart; `npm run schema` regenerates it).
import { z } from 'zod';
import { isPlainObject } from './merge.js';
import { labSchema, VARIANT_KEYS } from './schema.js';

type Json = Record<string, unknown>;

const NODE_NAME_PATTERN = '^[a-z0-9]([a-z0-9-]{0,30}[a-z0-9])?$';

export function labJsonSchema(): Json {
  const generated = z.toJSONSchema(labSchema, { io: 'input', unrepresentable: 'any' }) as Json;
  const schema: Json = {
    $schema: generated.$schema,
    title: 'podlab lab file',
    description: 'A podlab lab: nodes, network, manifests, setup commands, assertions and variants (see SPEC §2).',
    ...withoutKeys(generated, ['$schema']),
  };
  const properties = schema.properties as Json;
  // A node is written as its name or as {name, labels}; zod's preprocess hides the first form.
  const nodes = properties.nodes as Json;
  nodes.items = { anyOf: [{ type: 'string', pattern: NODE_NAME_PATTERN }, nodes.items] };
  // zod sees a variant as any map (load.ts checks it once merged); editors get its real shape.
  const variants = properties.variants as Json;
  variants.additionalProperties = {
    type: 'object',
    description: 'An overlay deep-merged over the lab: maps merge key by key, lists are replaced whole.',
    properties: Object.fromEntries(VARIANT_KEYS.map((key) => [key, overlaySchema(properties[key])])),
    additionalProperties: false,
  };
  return stripUnknownFormats(schema) as Json;
}

/**
 * What a variant may write for a field: any part of a map (the rest comes from the lab, so
 * nothing is required and no default applies), while a list replaces the lab's whole, so its
 * items stay complete.
 */
function overlaySchema(schema: unknown): unknown {
  if (!isPlainObject(schema)) return schema;
  const { required: _required, default: _default, ...rest } = schema;
  const overlay: Json = { ...rest };
  if (isPlainObject(rest.properties)) {
    overlay.properties = Object.fromEntries(Object.entries(rest.properties).map(([key, inner]) => [key, overlaySchema(inner)]));
  }
  for (const key of ['anyOf', 'oneOf', 'allOf']) {
    if (Array.isArray(rest[key])) overlay[key] = rest[key].map(overlaySchema);
  }
  return overlay;
}

function withoutKeys(object: Json, keys: string[]): Json {
  return Object.fromEntries(Object.entries(object).filter(([key]) => !keys.includes(key)));
}

/** zod writes `format: "starts_with"` beside the pattern that already says it; validators reject unknown formats. */
function stripUnknownFormats(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(stripUnknownFormats);
  if (typeof value !== 'object' || value === null) return value;
  return Object.fromEntries(
    Object.entries(value)
      .filter(([key, inner]) => !(key === 'format' && inner === 'starts_with'))
      .map(([key, inner]) => [key, stripUnknownFormats(inner)]),
  );
}
