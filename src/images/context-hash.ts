// A build context's identity: sha256 over every file's relative path, mode and bytes. An image
// labelled with the same hash is up to date and is never rebuilt.
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

export function listContextFiles(dir: string): string[] {
  const files: string[] = [];
  const walk = (current: string) => {
    for (const entry of readdirSync(current, { withFileTypes: true })) {
      const path = join(current, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.isFile()) files.push(relative(dir, path));
    }
  };
  walk(dir);
  return files.sort();
}

export function contextHash(dir: string): string {
  const hash = createHash('sha256');
  for (const file of listContextFiles(dir)) {
    const path = join(dir, file);
    hash.update(`${file}\0${statSync(path).mode & 0o111 ? 'x' : '-'}\0`);
    hash.update(readFileSync(path));
    hash.update('\0');
  }
  return hash.digest('hex').slice(0, 24);
}
