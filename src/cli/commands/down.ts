// podlab down LAB | --all: remove everything carrying the lab's label, whichever driver made
// it. Idempotent.
import { downLab, driverNamed, listLabs } from '../../drivers/index.js';
import { InputError } from '../../errors.js';
import { labNameOf } from '../lab-ref.js';

export async function downCommand(labArg: string | undefined, options: { all?: boolean; driver?: string }): Promise<void> {
  if (!labArg && !options.all) throw new InputError('podlab down: name a lab or pass --all');
  if (labArg && options.all) throw new InputError('podlab down: name a lab or pass --all, not both');
  const known = options.driver ? await driverNamed(options.driver).list() : await listLabs();
  const labs = options.all ? [...new Set(known.map((lab) => lab.name))] : [labNameOf(labArg!)];
  if (labs.length === 0) console.log('no labs are up');
  await Promise.all(
    labs.map(async (lab) => {
      const started = Date.now();
      const removed = options.driver ? await driverNamed(options.driver).down(lab) : await downLab(lab);
      const seconds = ((Date.now() - started) / 1000).toFixed(1);
      const total = removed.containers + removed.networks + removed.volumes + (removed.objects ?? 0);
      const objects = removed.objects ? `${removed.objects} cluster objects, ` : '';
      console.log(
        total === 0
          ? `lab ${lab}: nothing to remove`
          : `lab ${lab}: removed ${objects}${removed.containers} containers, ${removed.networks} networks, ${removed.volumes} volumes in ${seconds}s`,
      );
    }),
  );
}
