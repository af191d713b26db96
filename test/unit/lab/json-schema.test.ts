// The committed JSON Schema is the one the zod schema generates; it accepts every bundled lab
// and every lab the e2e tests use (variants included), and it accepts and rejects what podlab's
// own loader does: unknown fields anywhere, in variants too, are errors in the editor as well.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { LabFileError } from '../../../src/errors.js';
import { labJsonSchema } from '../../../src/lab/json-schema.js';
import { parseLab } from '../../../src/lab/load.js';
import { BUNDLED_LABS, PACKAGE_ROOT } from '../../../src/lab/resolve.js';

const COMMITTED = join(PACKAGE_ROOT, 'schemas', 'lab.schema.json');
const FIXTURE_LABS = join(PACKAGE_ROOT, 'test', 'fixtures', 'labs');
// Strict: a keyword ajv does not know (a zod-only format, say) is an error, not silently ignored.
const validate = new Ajv2020({ allErrors: true, strict: true, allowUnionTypes: true }).compile(labJsonSchema());

const read = (file: string) => ({ file, text: readFileSync(file, 'utf8') });
const bundled = readdirSync(BUNDLED_LABS).map((name) => ({ name, ...read(join(BUNDLED_LABS, name, 'lab.yaml')) }));
// A fixture is a directory holding lab.yaml or a lab file of its own.
const fixtures = readdirSync(FIXTURE_LABS).map((entry) => {
  const path = join(FIXTURE_LABS, entry);
  return { name: entry, ...read(statSync(path).isDirectory() ? join(path, 'lab.yaml') : path) };
});

/** The schema's verdict, with ajv's errors for the failure message. */
function schemaAccepts(document: unknown): { accepted: boolean; errors: string } {
  const accepted = validate(document);
  return { accepted, errors: JSON.stringify(validate.errors ?? []) };
}

/** podlab's own verdict on the same document (YAML is a superset of JSON), every variant included. */
function podlabAccepts(document: unknown): boolean {
  try {
    parseLab('/nowhere/lab.yaml', JSON.stringify(document));
    return true;
  } catch (error) {
    if (error instanceof LabFileError) return false;
    throw error;
  }
}

const base = { name: 'demo', nodes: ['node1', 'node2'] };

describe('lab JSON Schema', () => {
  it('is committed as generated (regenerate it: npm run schema)', () => {
    expect(JSON.parse(readFileSync(COMMITTED, 'utf8'))).toEqual(labJsonSchema());
  });

  it.each(bundled)('accepts the bundled lab $name, its variants included', ({ text }) => {
    const { accepted, errors } = schemaAccepts(parse(text));
    expect(accepted, errors).toBe(true);
  });

  it.each(fixtures)('accepts the e2e fixture lab $name', ({ text }) => {
    const { accepted, errors } = schemaAccepts(parse(text));
    expect(accepted, errors).toBe(true);
  });

  it('every bundled lab points editors at it on its first line', () => {
    for (const { name, text } of bundled) {
      expect(text.split('\n')[0], name).toBe('# yaml-language-server: $schema=../../schemas/lab.schema.json');
    }
  });

  it('every fixture lab in a directory points editors at it on its first line', () => {
    for (const { name, text, file } of fixtures.filter((fixture) => fixture.file.endsWith('/lab.yaml'))) {
      expect(text.split('\n')[0], name).toBe('# yaml-language-server: $schema=../../../../schemas/lab.schema.json');
      expect(statSync(join(file, '..', '../../../../schemas/lab.schema.json')).isFile()).toBe(true);
    }
  });

  // Each document once through the schema and once through podlab's loader: they must agree.
  const verdicts: Array<{ what: string; document: unknown; accepted: boolean }> = ([
    ['a minimal lab', base, true],
    ['a node as a name or as {name, labels}', { ...base, nodes: ['node1', { name: 'node2', labels: { zone: 'b' } }] }, true],
    ['flannel config keys podlab passes through to flannel', { ...base, network: { flannel: { config: { Network: '10.1.0.0/16', Backend: { Type: 'vxlan', VNI: 4 } } } } }, true],
    ['a variant that sets only part of a map', { ...base, variants: { udp: { network: { flannel: { config: { Backend: { Type: 'udp' } } } } } } }, true],
    ['a variant that replaces a list', { ...base, variants: { solo: { nodes: ['node1'], network: { overlay: 'none' } } } }, true],
    ['an unknown top-level field', { ...base, colour: 'blue' }, false],
    ['an unknown field in network', { ...base, network: { mtuu: 1400 } }, false],
    ['an unknown field in an assertion', { ...base, assertions: [{ name: 'a', from: 'host', ping: 'node/node1', expext: 'fail' }] }, false],
    ['an unknown field in a node', { ...base, nodes: [{ name: 'node2', zone: 'b' }] }, false],
    ['a node name with capitals', { ...base, nodes: ['Node_1'] }, false],
    ['no nodes', { ...base, nodes: [] }, false],
    ['an unknown field at the top of a variant', { ...base, variants: { udp: { netwrk: { overlay: 'none' } } } }, false],
    ['a field a variant may not set', { ...base, variants: { renamed: { name: 'other' } } }, false],
    ['an unknown field deep in a variant', { ...base, variants: { udp: { network: { flannel: { prefixx: '/x' } } } } }, false],
    ['a bad value in a variant', { ...base, variants: { flat: { network: { overlay: 'calico' } } } }, false],
    ['a CIDR', { ...base, network: { underlay: '172.30.0.0/24', serviceCIDR: '10.96.0.0/12' } }, true],
    ['a CIDR that is not one', { ...base, network: { underlay: 'lan' } }, false],
    ['a CIDR in a variant that is not one', { ...base, variants: { wide: { network: { serviceCIDR: '10.96/12' } } } }, false],
    ['an ssh engine', { ...base, engine: 'ssh://root@10.0.0.5:2222' }, true],
    ['an engine that is not a string', { ...base, engine: 22 }, false],
    ['engine in a variant (where a lab runs is not a variant of it)', { ...base, variants: { far: { engine: 'ssh://root@10.0.0.5' } } }, false],
    ['an incomplete list item in a variant', { ...base, variants: { more: { nodes: [{ labels: { zone: 'a' } }] } } }, false],
  ] as Array<[string, unknown, boolean]>).map(([what, document, accepted]) => ({ what, document, accepted }));

  it.each(verdicts)('$what: schema and podlab both accept it: $accepted', ({ document, accepted: expected }) => {
    const { accepted, errors } = schemaAccepts(document);
    expect(accepted, errors).toBe(expected);
    expect(podlabAccepts(document)).toBe(expected);
  });
});
