// The lab file's JSON Schema, generated from the one zod schema (schema.ts), for editors: with
// `# yaml-language-server: $schema=…` at the top of a lab file they complete and check fields.
// It describes what a person writes (zod's input side: defaults may be left out), rejects
// unknown fields where podlab does, and is committed as schemas/lab.schema.json (a unit test
// fails when the two drift apart; `podlab schema > schemas/lab.schema.json` regenerates it).
import { z } from 'zod';
import { labSchema } from './schema.js';

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
  return stripUnknownFormats(schema) as Json;
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
