// Shared by the end-to-end tests: the real CLI, the real engine, and label-based leak checks.
import { join } from 'node:path';
import Docker from 'dockerode';
import { execa } from 'execa';
import { execIn } from '../../src/docker/exec.js';
import { labRules } from '../../src/drivers/common/host-rules.js';
import { loadImageIntoNodes } from '../../src/drivers/dind/node-images.js';
import { LocalDockerHost } from '../../src/docker/local-host.js';
import { requireEngine } from './engine-guard.js';
import type { PodState } from '../../src/drivers/dind/pods.js';

// Every file that imports these helpers fails with a clear sentence when no engine answers.
requireEngine();

export const ROOT = join(import.meta.dirname, '..', '..');
export const FIXTURES = join(ROOT, 'test', 'fixtures');
export const docker = new Docker();
/** The machine as the drivers see it, for helpers that reach into nodes' own engines. */
export const machine = new LocalDockerHost();

export interface CliResult {
  exitCode: number;
  stdout: string;
  stderr: string;
}

export async function podlab(...args: string[]): Promise<CliResult> {
  const result = await execa('node', [join(ROOT, 'bin', 'podlab.js'), ...args], { reject: false, cwd: ROOT, env: { CI: 'true' } });
  return { exitCode: result.exitCode ?? -1, stdout: result.stdout, stderr: result.stderr };
}

/** podlab that must succeed; its output is shown when it does not. */
export async function podlabOk(...args: string[]): Promise<CliResult> {
  const result = await podlab(...args);
  if (result.exitCode !== 0) throw new Error(`podlab ${args.join(' ')} exited ${result.exitCode}\n${result.stdout}\n${result.stderr}`);
  return result;
}

/**
 * Every container, network and volume carrying the lab's label (or any lab's, without a name),
 * and the host firewall rule podlab adds for the lab's bridge.
 */
export async function labResources(lab?: string): Promise<string[]> {
  const rules = labRules((await execa('iptables', ['-w', '-S', 'DOCKER-USER'], { reject: false })).stdout, lab);
  const filters = JSON.stringify({ label: [lab ? `podlab.lab=${lab}` : 'podlab.lab'] });
  const [containers, networks, volumes] = await Promise.all([
    docker.listContainers({ all: true, filters }),
    docker.listNetworks({ filters }),
    docker.listVolumes({ filters }),
  ]);
  return [
    ...containers.map((c) => `container ${c.Names[0]}`),
    ...networks.map((n) => `network ${n.Name}`),
    ...(volumes.Volumes ?? []).map((v) => `volume ${v.Name}`),
    ...rules.map((rule) => `iptables DOCKER-USER ${rule.join(' ')}`),
  ];
}

export async function inNode(lab: string, node: string, command: string): Promise<{ exitCode: number; stdout: string; stderr: string }> {
  return execIn(docker, `podlab-${lab}-${node}`, ['sh', '-c', command]);
}

export async function nodeIP(lab: string, node: string): Promise<string> {
  const info = await docker.getContainer(`podlab-${lab}-${node}`).inspect();
  return Object.values(info.NetworkSettings.Networks)[0]!.IPAddress;
}

/**
 * Starts a busybox container in a node's own dockerd: an echo server on port 5000 that also
 * answers ping. Resolves with its IP on the node's docker0.
 */
export async function startEchoServer(ip: string, name: string): Promise<string> {
  const engine = machine.nodeEngine(ip);
  const container = await engine.createContainer({ name, Image: 'podlab/busybox', Cmd: ['nc', '-ll', '-p', '5000', '-e', 'cat'] });
  await container.start();
  return (await container.inspect()).NetworkSettings.IPAddress;
}

export async function runInNodeDocker(ip: string, command: string[]): Promise<{ exitCode: number; output: string }> {
  const engine = machine.nodeEngine(ip);
  const container = await engine.createContainer({ Image: 'podlab/busybox', Cmd: command });
  try {
    await container.start();
    const { StatusCode } = await container.wait();
    const logs = await container.logs({ stdout: true, stderr: true });
    return { exitCode: StatusCode, output: demux(logs) };
  } finally {
    await container.remove({ force: true });
  }
}

export async function loadBusybox(lab: string, nodes: string[]): Promise<void> {
  await loadImageIntoNodes(machine, 'podlab/busybox', await Promise.all(nodes.map((node) => nodeIP(lab, node))));
}

function demux(buffer: Buffer): string {
  // Docker log frames: 8-byte header (stream, 0, 0, 0, size BE32), then the payload.
  let text = '';
  for (let offset = 0; offset + 8 <= buffer.length; ) {
    const size = buffer.readUInt32BE(offset + 4);
    text += buffer.subarray(offset + 8, offset + 8 + size).toString('utf8');
    offset += 8 + size;
  }
  return text;
}

export async function pods(lab: string): Promise<PodState[]> {
  return JSON.parse((await podlabOk('get', lab, 'pods', '-o', 'json')).stdout) as PodState[];
}

export async function services(lab: string): Promise<Array<{ name: string; clusterIP: string; endpoints: Array<Array<{ ip: string; port: number }>> }>> {
  return JSON.parse((await podlabOk('get', lab, 'svc', '-o', 'json')).stdout);
}

/** A shell command in a pod's first container, through the real CLI. */
export async function inPod(lab: string, pod: string, command: string): Promise<CliResult> {
  return podlab('exec', lab, `pod/${pod}`, '--', 'sh', '-c', command);
}
