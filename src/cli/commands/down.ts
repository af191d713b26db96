// podlab down LAB | --all: remove everything carrying the lab's label. Idempotent.
import { DindDriver } from '../../drivers/dind/dind-driver.js';
import { labNames } from '../../drivers/dind/remove.js';
import { InputError } from '../../errors.js';
import { hostEngine } from '../engine.js';
import { labNameOf } from '../lab-ref.js';

export async function downCommand(labArg: string | undefined, options: { all?: boolean }): Promise<void> {
  if (!labArg && !options.all) throw new InputError('podlab down: name a lab or pass --all');
  if (labArg && options.all) throw new InputError('podlab down: name a lab or pass --all, not both');
  const docker = await hostEngine();
  const driver = new DindDriver(docker);
  const running = await labNames(docker);
  const labs = options.all ? running : [labNameOf(labArg!, running)];
  if (labs.length === 0) console.log('no labs are up');
  await Promise.all(
    labs.map(async (lab) => {
      const started = Date.now();
      const removed = await driver.down(lab);
      const seconds = ((Date.now() - started) / 1000).toFixed(1);
      const total = removed.containers + removed.networks + removed.volumes;
      console.log(
        total === 0
          ? `lab ${lab}: nothing to remove`
          : `lab ${lab}: removed ${removed.containers} containers, ${removed.networks} networks, ${removed.volumes} volumes in ${seconds}s`,
      );
    }),
  );
}
