// The driver registry: the one place that maps a lab's `driver:` to an implementation and
// constructs drivers (and the Docker host they run against). The CLI asks here for a driver or
// a running lab and never imports a driver's own modules.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { DockerHost } from '../docker/docker-host.js';
import { formatEngineTarget, parseEngineUrl, type EngineTarget } from '../docker/engine-url.js';
import { LocalDockerHost } from '../docker/local-host.js';
import { SshDockerHost } from '../docker/ssh-host.js';
import { InputError, LabFileError } from '../errors.js';
import { YamlSource } from '../lab/yaml-source.js';
import type { LabInput } from '../plan/lab-input.js';
import { DindDriver } from './dind/dind-driver.js';
import { KindDriver } from './kind/kind-driver.js';
import { KubeDriver } from './kube/kube-driver.js';
import type { DriverIssue, LabDriver, LabSummary, RemoveReport, RunningLab } from './driver.js';

type DriverFactory = (host: DockerHost) => LabDriver;

const FACTORIES: Record<string, DriverFactory> = {
  dind: (host) => new DindDriver(host),
  kind: (host) => new KindDriver(host),
  kube: (host) => new KubeDriver(host),
};

export const DRIVER_NAMES = Object.keys(FACTORIES);
/**
 * What runs on a remote engine: dind, whose nodes are plain containers. kind drives the local
 * kind CLI and kube a cluster of its own, so neither has anything to do with another machine.
 */
const REMOTE_DRIVERS = ['dind'];

const LOCAL: EngineTarget = { kind: 'local' };
/** The engine the command line (--engine) or PODLAB_ENGINE names; it wins over a lab file's. */
let chosenEngine: EngineTarget | undefined;
let engineOptions: EngineOptions = {};
const hosts = new Map<string, DockerHost>();
const drivers = new Map<string, LabDriver>();

export interface EngineOptions {
  /** Record the host key of an ssh engine seen for the first time (a changed key is still refused). */
  acceptNewHostKey?: boolean;
}

/**
 * The engine for this command: `--engine` (value, source "--engine") or else PODLAB_ENGINE. A bad
 * URL is exit 2 naming where it came from, before anything connects.
 */
export function selectEngine(value: string | undefined, options: EngineOptions = {}, env = process.env): void {
  engineOptions = options;
  const [text, source] = value !== undefined ? [value, '--engine'] : [env.PODLAB_ENGINE, 'PODLAB_ENGINE'];
  chosenEngine = text === undefined || text.trim() === '' ? undefined : parseEngineUrl(text, source);
}

/** The engine a lab runs on: the chosen one, else the lab file's `engine:`, else this machine's. */
export function engineOf(lab?: { engine?: string; file: string }): EngineTarget {
  return chosenEngine ?? (lab?.engine ? parseEngineUrl(lab.engine, `${lab.file}: engine`) : LOCAL);
}

/** The machine labs run on: the chosen engine's (local unless --engine or PODLAB_ENGINE say otherwise). */
export function dockerHost(target: EngineTarget = engineOf()): DockerHost {
  const key = formatEngineTarget(target);
  let host = hosts.get(key);
  if (!host) {
    // known_hosts is ~/.ssh/known_hosts unless PODLAB_KNOWN_HOSTS names another (CI, tests);
    // keys come from the agent or PODLAB_SSH_KEY (ssh-auth.ts).
    const knownHostsFile = process.env.PODLAB_KNOWN_HOSTS || undefined;
    host = target.kind === 'local' ? new LocalDockerHost() : new SshDockerHost(target, { knownHostsFile, acceptNewHostKey: engineOptions.acceptNewHostKey });
    hosts.set(key, host);
  }
  return host;
}

/** The drivers that can run labs on an engine. */
export function driverNamesOn(target: EngineTarget = engineOf()): string[] {
  return target.kind === 'local' ? DRIVER_NAMES : REMOTE_DRIVERS;
}

/**
 * The driver of that name on an engine (one instance per process and engine: it tracks what its
 * steps started).
 */
export function driverNamed(name: string, target: EngineTarget = engineOf()): LabDriver {
  const factory = FACTORIES[name];
  if (!factory) throw new InputError(`unknown driver "${name}"; podlab knows: ${DRIVER_NAMES.join(', ')}`);
  if (!driverNamesOn(target).includes(name)) throw new InputError(remoteDriverMessage(name, target));
  const key = `${formatEngineTarget(target)} ${name}`;
  let driver = drivers.get(key);
  if (!driver) {
    driver = factory(dockerHost(target));
    drivers.set(key, driver);
  }
  return driver;
}

function remoteDriverMessage(name: string, target: EngineTarget): string {
  return `the ${name} driver runs on the local engine only; ${formatEngineTarget(target)} runs ${REMOTE_DRIVERS.join(', ')} labs`;
}

/**
 * The cluster the command line names (--kubeconfig, --context) for kube labs, over the one a lab
 * was brought up on; a relative kubeconfig is taken from the working directory.
 */
export function selectCluster(target: { kubeconfig?: string; context?: string }): void {
  if (!target.kubeconfig && !target.context) return;
  if (!target.kubeconfig || !target.context) throw new InputError('--kubeconfig and --context go together: podlab never uses a kubeconfig\'s current context');
  (driverNamed('kube') as KubeDriver).select({ kubeconfig: resolve(target.kubeconfig), context: target.context });
}

/**
 * The driver for a loaded lab, after its check: an unknown driver or a field the driver cannot
 * honour is a lab-file error (file:line: field), exit 2, before anything is created.
 */
export function driverFor(input: LabInput): LabDriver {
  const { lab } = input;
  if (!FACTORIES[lab.driver]) {
    throw labIssues(input, [{ path: ['driver'], message: `unknown driver "${lab.driver}"; podlab knows: ${DRIVER_NAMES.join(', ')}` }]);
  }
  const engine = engineOf(lab);
  if (!driverNamesOn(engine).includes(lab.driver)) {
    throw labIssues(input, [{ path: chosenEngine ? ['driver'] : ['engine'], message: remoteDriverMessage(lab.driver, engine) }]);
  }
  const driver = driverNamed(lab.driver, engine);
  const issues = driver.check(input);
  if (issues.length > 0) throw labIssues(input, issues.map((issue) => ({ ...issue, message: `${issue.message} (driver ${lab.driver})` })));
  return driver;
}

/** Every running lab of every driver this machine can see. */
export async function listLabs(): Promise<LabSummary[]> {
  const lists = await Promise.all(driverNamesOn().map((name) => driverNamed(name).list()));
  return lists.flat().sort((a, b) => a.name.localeCompare(b.name));
}

/** The running lab of that name, whichever driver runs it. */
export async function findLab(name: string, engine: EngineTarget = engineOf()): Promise<{ driver: LabDriver; lab: RunningLab } | undefined> {
  for (const driverName of driverNamesOn(engine)) {
    const driver = driverNamed(driverName, engine);
    const lab = await driver.attach(name);
    if (lab) return { driver, lab };
  }
  return undefined;
}

export async function closeDrivers(): Promise<void> {
  const open = [...hosts.values()];
  hosts.clear();
  drivers.clear();
  await Promise.all(open.map((host) => host.close()));
}

function labIssues(input: LabInput, issues: DriverIssue[]): LabFileError {
  const source = YamlSource.parse(input.lab.file, readFileSync(input.lab.file, 'utf8'));
  const variant = input.lab.variant;
  // Blame the variant when it wrote the field, as lab loading does.
  const blame = (path: DriverIssue['path']) => (variant && source.has(['variants', variant, ...path]) ? ['variants', variant, ...path] : path);
  return new LabFileError(issues.map((issue) => source.issue(blame(issue.path), issue.message)));
}

/** Removes a lab whichever driver made it (by label; idempotent): what each driver removed. */
export async function downLab(name: string, engine: EngineTarget = engineOf()): Promise<RemoveReport> {
  const total: RemoveReport = { containers: 0, networks: 0, volumes: 0 };
  for (const driverName of driverNamesOn(engine)) {
    const driver = driverNamed(driverName, engine);
    if (!(await driver.list()).some((lab) => lab.name === name)) continue;
    const removed = await driver.down(name);
    total.containers += removed.containers;
    total.networks += removed.networks;
    total.volumes += removed.volumes;
    if (removed.objects !== undefined) total.objects = (total.objects ?? 0) + removed.objects;
  }
  return total;
}
