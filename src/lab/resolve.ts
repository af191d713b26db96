// What `LAB` on the command line names: a lab file, a directory holding lab.yaml, or the name
// of a bundled lab under labs/.
import { existsSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { InputError } from '../errors.js';

export const PACKAGE_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const BUNDLED_LABS = join(PACKAGE_ROOT, 'labs');

export function resolveLabFile(arg: string, cwd = process.cwd()): string {
  const candidates = [resolve(cwd, arg)];
  if (/^[a-z0-9][a-z0-9-]*$/.test(arg)) candidates.push(join(BUNDLED_LABS, arg));
  for (const candidate of candidates) {
    if (!existsSync(candidate)) continue;
    if (statSync(candidate).isDirectory()) {
      const file = join(candidate, 'lab.yaml');
      if (existsSync(file)) return file;
      continue;
    }
    return candidate;
  }
  throw new InputError(
    `no lab at "${arg}": expected a lab file, a directory holding lab.yaml, or a bundled lab name (see ${BUNDLED_LABS})`,
  );
}
