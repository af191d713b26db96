// podlab up LAB [--variant V]: images on demand, underlay, etcd, nodes, flanneld, dockerd.
// A second `up` of an unchanged, running lab does nothing; a changed or broken one is rebuilt.
// Any failure or Ctrl-C removes everything the lab had created.
import type Docker from 'dockerode';
import { DindDriver } from '../../drivers/dind/dind-driver.js';
import type { Step } from '../../drivers/steps.js';
import { InputError } from '../../errors.js';
import { imageSpec } from '../../images/catalog.js';
import { ensureImage } from '../../images/build.js';
import { applySteps } from '../../drivers/dind/cluster-apply.js';
import { execOk } from '../../docker/exec.js';
import { PROBE_IMAGE } from '../../drivers/dind/probe-executor.js';
import type { DindPlan } from '../../plan/dind-plan.js';
import { loadLabInput, type LabInput } from '../../plan/lab-input.js';
import { hostEngine } from '../engine.js';
import { runSteps } from '../progress.js';
import { printNodes } from './get.js';
import { listPods, printPods } from './get-cluster.js';

export interface UpOptions {
  variant?: string;
}

export async function upCommand(labArg: string, options: UpOptions, signal: AbortSignal): Promise<void> {
  const input = loadLabInput(labArg, options.variant);
  const { lab } = input;
  if (lab.driver !== 'dind') throw new InputError(`${lab.file}: driver: "${lab.driver}" is not available yet; use driver: dind`);
  const docker = await hostEngine();
  const started = Date.now();
  const plan = await bringUp(docker, input, signal);
  if (plan) console.log(`lab ${lab.name}${lab.variant ? ` (variant ${lab.variant})` : ''} is up in ${((Date.now() - started) / 1000).toFixed(1)}s`);
  const driver = new DindDriver(docker);
  await printNodes(driver, lab.name, 'wide');
  if (input.cluster) printPods(await listPods(await driver.nodes(lab.name)), 'table');
}

/** Brings the lab up; resolves with the plan, or undefined when it was already up as asked. */
export async function bringUp(docker: Docker, input: LabInput, signal: AbortSignal): Promise<DindPlan | undefined> {
  const { lab, cluster } = input;
  const driver = new DindDriver(docker);
  const current = await driver.current(lab.name);
  if (current?.complete && current.hash === input.hash) {
    console.log(`lab ${lab.name} is already up as asked: nothing to do`);
    return undefined;
  }
  if (current) {
    console.log(`lab ${lab.name} is up but ${current.complete ? 'was made from another lab file or variant' : 'incomplete'}: recreating it`);
    await driver.down(lab.name);
  }

  let plan: DindPlan | undefined;
  const steps: Step[] = [
    {
      title: 'images',
      concurrent: true,
      children: () =>
        ['node', ...(lab.network.overlay === 'flannel' ? ['etcd'] : []), ...(lab.assertions.length > 0 ? ['probe'] : [])].map((name) => ({
          title: `podlab/${name}`,
          run: async ({ note }) => note(`(${await ensureImage(docker, imageSpec(name)!)})`),
        })),
    },
    {
      title: 'underlay network',
      run: async ({ note }) => {
        plan = await driver.prepare(lab, input.hash);
        note(`${plan.network.name} ${plan.network.subnet} (internal)`);
      },
    },
    { title: 'lab', children: () => driver.upSteps(plan!) },
    ...(cluster
      ? [{ title: 'manifests', children: () => applySteps(docker, plan!, cluster, input.clusterCIDR, lab.assertions.length > 0 ? [PROBE_IMAGE] : [], (promise) => driver.track(promise)) }]
      : []),
    ...(lab.setup.length > 0
      ? [
          {
            title: 'setup commands',
            run: async ({ signal }: { signal: AbortSignal }) => {
              for (const step of lab.setup) {
                const nodes = step.node === 'all' ? plan!.nodes : plan!.nodes.filter((node) => node.name === step.node);
                await Promise.all(nodes.map((node) => driver.track(execOk(docker, node.container, ['sh', '-c', step.run], { signal }))));
              }
            },
          },
        ]
      : []),
  ];
  try {
    await runSteps(steps, signal);
    return plan;
  } catch (error) {
    await driver.settle();
    await driver.down(lab.name);
    throw signal.aborted ? (signal.reason ?? error) : error;
  }
}
