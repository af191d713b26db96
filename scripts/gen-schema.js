#!/usr/bin/env node
// Regenerates schemas/lab.schema.json from the built zod schema (dist), byte for byte what
// `podlab schema` prints. Run through `npm run schema`, which builds first; the unit test in
// test/unit/lab/json-schema.test.ts fails until the committed copy matches again.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { labJsonSchema } from '../dist/lab/json-schema.js';

const file = join(import.meta.dirname, '..', 'schemas', 'lab.schema.json');
writeFileSync(file, `${JSON.stringify(labJsonSchema(), null, 2)}\n`);
console.log(`wrote ${file}`);
