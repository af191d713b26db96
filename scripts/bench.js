#!/usr/bin/env node
// Benchmark: median of 5 `podlab up` and `podlab down` (wall time, the CLI as a user runs it)
// for flannel vxlan labs of 1, 3 and 6 nodes, images already built. Prints medians; it is not
// a test and asserts nothing. Usage: npm run bench [-- --runs N --sizes 1,3,6]
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { execa } from 'execa';

const { values } = parseArgs({ options: { runs: { type: 'string', default: '5' }, sizes: { type: 'string', default: '1,3,6' } } });
const runs = Number(values.runs);
const sizes = values.sizes.split(',').map(Number);
const cli = join(import.meta.dirname, '..', 'bin', 'podlab.js');
const dir = mkdtempSync(join(tmpdir(), 'podlab-bench-'));

async function timed(args) {
  const started = process.hrtime.bigint();
  await execa('node', [cli, ...args], { env: { CI: 'true' } });
  return Number(process.hrtime.bigint() - started) / 1e9;
}

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

await execa('node', [cli, 'images', 'build', 'node', 'etcd'], { stdio: 'inherit' });
const rows = [];
try {
  for (const size of sizes) {
    const name = `bench-${size}`;
    const file = join(dir, `${name}.yaml`);
    const nodes = Array.from({ length: size }, (_, index) => `node${index + 1}`);
    writeFileSync(file, `name: ${name}\nnodes: [${nodes.join(', ')}]\nnetwork:\n  flannel:\n    config: {Network: 10.1.0.0/16, Backend: {Type: vxlan}}\n`);
    const ups = [];
    const downs = [];
    for (let run = 0; run < runs; run++) {
      ups.push(await timed(['up', file]));
      downs.push(await timed(['down', name]));
    }
    rows.push({ nodes: size, up: median(ups), down: median(downs) });
    console.log(`${size} node(s): up ${ups.map((s) => s.toFixed(2)).join(' ')} | down ${downs.map((s) => s.toFixed(2)).join(' ')}`);
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}

console.log(`\nmedian of ${runs} (seconds, wall time of the CLI)`);
console.log('nodes   up      down');
for (const row of rows) console.log(`${String(row.nodes).padEnd(8)}${row.up.toFixed(2).padEnd(8)}${row.down.toFixed(2)}`);
if (rows.length > 1) {
  const first = rows[0];
  const last = rows[rows.length - 1];
  console.log(`per extra node: up +${((last.up - first.up) / (last.nodes - first.nodes)).toFixed(2)}s`);
}
