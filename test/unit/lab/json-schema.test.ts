// The committed JSON Schema is the one the zod schema generates, accepts every bundled lab (and
// every variant's overlay merged into it), and rejects unknown fields as podlab does.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import Ajv2020 from 'ajv/dist/2020.js';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { labJsonSchema } from '../../../src/lab/json-schema.js';
import { BUNDLED_LABS, PACKAGE_ROOT } from '../../../src/lab/resolve.js';

const COMMITTED = join(PACKAGE_ROOT, 'schemas', 'lab.schema.json');
const validate = new Ajv2020({ allErrors: true, strict: false }).compile(labJsonSchema());
const labs = readdirSync(BUNDLED_LABS).map((name) => ({ name, document: parse(readFileSync(join(BUNDLED_LABS, name, 'lab.yaml'), 'utf8')) as Record<string, unknown> }));

describe('lab JSON Schema', () => {
  it('is committed as generated (regenerate: node bin/podlab.js schema > schemas/lab.schema.json)', () => {
    expect(JSON.parse(readFileSync(COMMITTED, 'utf8'))).toEqual(labJsonSchema());
  });

  it.each(labs)('accepts the bundled lab $name', ({ document }) => {
    expect(validate(document), JSON.stringify(validate.errors)).toBe(true);
  });

  it('every bundled lab points editors at it', () => {
    for (const { name } of labs) {
      expect(readFileSync(join(BUNDLED_LABS, name, 'lab.yaml'), 'utf8').split('\n')[0], name).toBe('# yaml-language-server: $schema=../../schemas/lab.schema.json');
    }
  });

  it('rejects unknown fields, at the top and nested', () => {
    const lab = structuredClone(labs.find((candidate) => candidate.name === 'guestbook')!.document);
    expect(validate({ ...lab, colour: 'blue' })).toBe(false);
    expect(validate({ ...lab, network: { ...(lab.network as object), mtuu: 1400 } })).toBe(false);
    const assertions = lab.assertions as Array<Record<string, unknown>>;
    expect(validate({ ...lab, assertions: [{ ...assertions[0], expext: 'fail' }] })).toBe(false);
  });

  it('accepts a node as a name or as {name, labels}, and nothing else', () => {
    expect(validate({ name: 'n', nodes: ['node1', { name: 'node2', labels: { zone: 'b' } }] })).toBe(true);
    expect(validate({ name: 'n', nodes: ['Node_1'] })).toBe(false);
    expect(validate({ name: 'n', nodes: [{ name: 'node2', zone: 'b' }] })).toBe(false);
  });
});
