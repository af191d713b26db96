// The driver registry: the one place that maps a lab's `driver:` to an implementation and
// constructs drivers (and the Docker host they run against). The CLI asks here for a driver or
// a running lab and never imports a driver's own modules.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { DockerHost } from '../docker/docker-host.js';
import { LocalDockerHost } from '../docker/local-host.js';
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

let machine: DockerHost | undefined;
const drivers = new Map<string, LabDriver>();

/** The machine labs run on (the local engine). */
export function dockerHost(): DockerHost {
  machine ??= new LocalDockerHost();
  return machine;
}

/** The driver of that name (one instance per process: it tracks what its steps started). */
export function driverNamed(name: string): LabDriver {
  const factory = FACTORIES[name];
  if (!factory) throw new InputError(`unknown driver "${name}"; podlab knows: ${DRIVER_NAMES.join(', ')}`);
  let driver = drivers.get(name);
  if (!driver) {
    driver = factory(dockerHost());
    drivers.set(name, driver);
  }
  return driver;
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
  const driver = driverNamed(lab.driver);
  const issues = driver.check(input);
  if (issues.length > 0) throw labIssues(input, issues.map((issue) => ({ ...issue, message: `${issue.message} (driver ${lab.driver})` })));
  return driver;
}

/** Every running lab of every driver this machine can see. */
export async function listLabs(): Promise<LabSummary[]> {
  const lists = await Promise.all(DRIVER_NAMES.map((name) => driverNamed(name).list()));
  return lists.flat().sort((a, b) => a.name.localeCompare(b.name));
}

/** The running lab of that name, whichever driver runs it. */
export async function findLab(name: string): Promise<{ driver: LabDriver; lab: RunningLab } | undefined> {
  for (const driverName of DRIVER_NAMES) {
    const driver = driverNamed(driverName);
    const lab = await driver.attach(name);
    if (lab) return { driver, lab };
  }
  return undefined;
}

export async function closeDrivers(): Promise<void> {
  await machine?.close();
}

function labIssues(input: LabInput, issues: DriverIssue[]): LabFileError {
  const source = YamlSource.parse(input.lab.file, readFileSync(input.lab.file, 'utf8'));
  const variant = input.lab.variant;
  // Blame the variant when it wrote the field, as lab loading does.
  const blame = (path: DriverIssue['path']) => (variant && source.has(['variants', variant, ...path]) ? ['variants', variant, ...path] : path);
  return new LabFileError(issues.map((issue) => source.issue(blame(issue.path), issue.message)));
}

/** Removes a lab whichever driver made it (by label; idempotent): what each driver removed. */
export async function downLab(name: string): Promise<RemoveReport> {
  const total: RemoveReport = { containers: 0, networks: 0, volumes: 0 };
  for (const driverName of DRIVER_NAMES) {
    const driver = driverNamed(driverName);
    if (!(await driver.list()).some((lab) => lab.name === name)) continue;
    const removed = await driver.down(name);
    total.containers += removed.containers;
    total.networks += removed.networks;
    total.volumes += removed.volumes;
    if (removed.objects !== undefined) total.objects = (total.objects ?? 0) + removed.objects;
  }
  return total;
}
