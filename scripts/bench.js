#!/usr/bin/env node
// Benchmarks, medians printed (not a test; it asserts nothing). Wall time of the CLI as a user
// runs it, images already built.
//   npm run bench                      up/down of 1-, 3- and 6-node flannel labs, median of 5
//   npm run bench -- --lab guestbook   up/down of a bundled lab, warm node stores, median of 5,
//                                      plus one cold run (node image stores emptied first), the
//                                      time the images step took, cold and warm, the test phase
//                                      and `podlab run` end to end
//   npm run bench -- --driver kind     side by side in one run: plain `kind create cluster` with
//                                      podlab's node image and the same node count, `podlab up
//                                      guestbook --driver kind`, `podlab up guestbook` on dind;
//                                      medians of --runs (default 3 here), the ratios, the test
//                                      phase on both drivers, and memory per kind node
//   npm run bench -- --engine ssh      `podlab up guestbook` locally and over ssh to the same
//                                      engine (a loopback sshd), medians of 5 and their ratio
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import Docker from 'dockerode';
import { execa } from 'execa';

const { values } = parseArgs({
  options: { runs: { type: 'string' }, sizes: { type: 'string', default: '1,3,6' }, lab: { type: 'string' }, driver: { type: 'string' }, engine: { type: 'string' } },
});
const runs = Number(values.runs ?? (values.driver === 'kind' ? 3 : 5));
const cli = join(import.meta.dirname, '..', 'bin', 'podlab.js');
const median = (list) => [...list].sort((a, b) => a - b)[Math.floor(list.length / 2)];
const fmt = (seconds) => seconds.toFixed(2);

async function timed(args) {
  const started = process.hrtime.bigint();
  const result = await execa('node', [cli, ...args], { env: { CI: 'true' }, all: true });
  return { seconds: Number(process.hrtime.bigint() - started) / 1e9, output: result.all };
}

/** The duration listr2 printed for the images-into-nodes step, in seconds. */
function imagesStep(output) {
  const match = /images for \d+ pods \[(\d+(?:\.\d+)?)(m?s)\]/.exec(output);
  if (!match) return undefined;
  return match[2] === 'ms' ? Number(match[1]) / 1000 : Number(match[1]);
}

async function emptyStores() {
  const docker = new Docker();
  const { Volumes } = await docker.listVolumes({ filters: JSON.stringify({ label: ['podlab.cache=node-store'] }) });
  await Promise.all((Volumes ?? []).map((volume) => docker.getVolume(volume.Name).remove()));
}

async function benchLab(lab) {
  await execa('node', [cli, 'down', lab]);
  await emptyStores();
  const cold = await timed(['up', lab]);
  await timed(['down', lab]);
  const ups = [];
  const downs = [];
  const images = [];
  for (let run = 0; run < runs; run++) {
    const up = await timed(['up', lab]);
    ups.push(up.seconds);
    images.push(imagesStep(up.output) ?? NaN);
    downs.push((await timed(['down', lab])).seconds);
  }
  console.log(`${lab}: up ${ups.map(fmt).join(' ')} | down ${downs.map(fmt).join(' ')}`);
  console.log(`\n${lab} (seconds, CLI wall time)`);
  console.log(`cold up (empty node stores): ${fmt(cold.seconds)}, images into nodes ${fmt(imagesStep(cold.output) ?? NaN)}`);
  console.log(`warm up, median of ${runs}:    ${fmt(median(ups))}, images into nodes ${fmt(median(images))}`);
  console.log(`down, median of ${runs}:       ${fmt(median(downs))}`);

  // The test phase alone (lab up, probe sidecars made on the first run), and run end to end.
  await timed(['up', lab]);
  const tests = [];
  for (let run = 0; run < runs; run++) tests.push((await timed(['test', lab]).catch((error) => ({ seconds: NaN, error }))).seconds);
  await timed(['down', lab]);
  const whole = [];
  for (let run = 0; run < runs; run++) whole.push((await timed(['run', lab]).catch(() => ({ seconds: NaN }))).seconds);
  console.log(`test phase, median of ${runs}: ${fmt(median(tests))} (first ${fmt(tests[0])}, sidecars created)`);
  console.log(`run (up+test+down), median of ${runs}: ${fmt(median(whole))}`);
}

async function benchSizes() {
  const sizes = values.sizes.split(',').map(Number);
  const dir = mkdtempSync(join(tmpdir(), 'podlab-bench-'));
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
        ups.push((await timed(['up', file])).seconds);
        downs.push((await timed(['down', name])).seconds);
      }
      rows.push({ nodes: size, up: median(ups), down: median(downs) });
      console.log(`${size} node(s): up ${ups.map(fmt).join(' ')} | down ${downs.map(fmt).join(' ')}`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  console.log(`\nmedian of ${runs} (seconds, wall time of the CLI)`);
  console.log('nodes   up      down');
  for (const row of rows) console.log(`${String(row.nodes).padEnd(8)}${fmt(row.up).padEnd(8)}${fmt(row.down)}`);
  if (rows.length > 1) {
    const [first, last] = [rows[0], rows[rows.length - 1]];
    console.log(`per extra node: up +${fmt((last.up - first.up) / (last.nodes - first.nodes))}s`);
  }
}

/** The kind toolchain's binaries, as podlab itself finds them. */
async function kindToolchain() {
  const { ensureToolchain } = await import('../dist/images/toolchain.js');
  return ensureToolchain();
}

async function benchKind() {
  const lab = values.lab ?? 'guestbook';
  const tools = await kindToolchain();
  const { kindNodeTag } = await import('../dist/images/kind-catalog.js');
  const { loadLab } = await import('../dist/lab/load.js');
  const nodes = loadLab(lab).nodes.length;
  const dir = mkdtempSync(join(tmpdir(), 'podlab-bench-kind-'));
  const config = join(dir, 'kind.yaml');
  const image = kindNodeTag();
  writeFileSync(config, JSON.stringify({ kind: 'Cluster', apiVersion: 'kind.x-k8s.io/v1alpha4', networking: { disableDefaultCNI: true }, nodes: [{ role: 'control-plane', image }, ...Array.from({ length: nodes }, () => ({ role: 'worker', image }))] }));
  const kindBin = tools.get('kind');
  const plain = [];
  const kindUps = [];
  const dindUps = [];
  const kindTests = [];
  const dindTests = [];
  let memory = '';
  // The plain cluster gets a network of its own with the rule that drops what would leave its
  // bridge, as podlab's kind labs have: nothing of a benchmark leaves the machine either.
  await execa('docker', ['network', 'create', '--label', 'podlab.bench=kind', 'podlab-bench-plain']);
  const bridge = `br-${(await execa('docker', ['network', 'inspect', '-f', '{{.Id}}', 'podlab-bench-plain'])).stdout.slice(0, 12)}`;
  const dropRule = ['DOCKER-USER', '-i', bridge, '!', '-o', bridge, '-j', 'DROP'];
  await execa('iptables', ['-w', '-I', ...dropRule]);
  const plainEnv = { KIND_EXPERIMENTAL_DOCKER_NETWORK: 'podlab-bench-plain' };
  try {
    for (let run = 0; run < runs; run++) {
      // A plain cluster on kind's own network: the peer podlab's kind lab is compared with.
      const started = process.hrtime.bigint();
      await execa(kindBin, ['create', 'cluster', '--name', 'podlab-bench-plain', '--config', config, '--kubeconfig', join(dir, 'kubeconfig')], { all: true, env: plainEnv });
      plain.push(Number(process.hrtime.bigint() - started) / 1e9);
      await execa(kindBin, ['delete', 'cluster', '--name', 'podlab-bench-plain', '--kubeconfig', join(dir, 'kubeconfig')]);

      kindUps.push((await timed(['up', lab, '--driver', 'kind'])).seconds);
      kindTests.push((await timed(['test', lab]).catch(() => ({ seconds: NaN }))).seconds);
      if (run === 0) memory = (await execa('docker', ['stats', '--no-stream', '--format', '{{.Name}} {{.MemUsage}}'])).stdout.split('\n').filter((line) => line.startsWith(`${lab}-`)).join('\n  ');
      await timed(['down', lab]);

      dindUps.push((await timed(['up', lab])).seconds);
      dindTests.push((await timed(['test', lab]).catch(() => ({ seconds: NaN }))).seconds);
      await timed(['down', lab]);
      console.log(`run ${run + 1}: plain kind create ${fmt(plain.at(-1))} | podlab kind up ${fmt(kindUps.at(-1))} | podlab dind up ${fmt(dindUps.at(-1))}`);
    }
  } finally {
    await execa(kindBin, ['delete', 'cluster', '--name', 'podlab-bench-plain', '--kubeconfig', join(dir, 'kubeconfig')], { reject: false });
    await execa('iptables', ['-w', '-D', ...dropRule], { reject: false });
    await execa('docker', ['network', 'rm', 'podlab-bench-plain'], { reject: false });
    rmSync(dir, { recursive: true, force: true });
  }
  console.log(`\n${lab}, 1 control plane + ${nodes} workers, median of ${runs} (seconds, wall time)`);
  console.log(`plain kind create cluster (no CNI, no apps): ${fmt(median(plain))}`);
  console.log(`podlab up ${lab} --driver kind:            ${fmt(median(kindUps))}  (${(median(kindUps) / median(plain)).toFixed(2)}x the plain create; target <= 1.3x)`);
  console.log(`podlab up ${lab} (dind):                   ${fmt(median(dindUps))}  (kind/dind ${(median(kindUps) / median(dindUps)).toFixed(1)}x)`);
  console.log(`test phase: kind ${fmt(median(kindTests))}, dind ${fmt(median(dindTests))} (${(median(kindTests) / median(dindTests)).toFixed(2)}x; target <= 1.5x)`);
  console.log(`memory per kind node (first run):\n  ${memory}`);
}

await execa('node', [cli, 'images', 'build'], { stdio: 'inherit' });
if (values.engine === 'ssh') await (await import('./bench-ssh.js')).benchSsh({ lab: values.lab, runs });
else if (values.driver === 'kind') await benchKind();
else if (values.lab) await benchLab(values.lab);
else await benchSizes();
