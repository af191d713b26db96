// podlab down LAB | --all: remove everything carrying the lab's label, whichever driver made
// it. Idempotent.
import { downLab, driverNamed, engineOf, listLabs } from '../../drivers/index.js';
import { InputError } from '../../errors.js';
import { labRefOf } from '../lab-ref.js';

export async function downCommand(labArg: string | undefined, options: { all?: boolean; driver?: string }): Promise<void> {
  if (!labArg && !options.all) throw new InputError('podlab down: name a lab or pass --all');
  if (labArg && options.all) throw new InputError('podlab down: name a lab or pass --all, not both');
  // A lab file's own engine: says where to look, as up took it there.
  const ref = labArg ? labRefOf(labArg) : undefined;
  const engine = ref?.engine ?? engineOf();
  const labs = ref ? [ref.name] : [...new Set((options.driver ? await driverNamed(options.driver, engine).list() : await listLabs()).map((lab) => lab.name))];
  if (labs.length === 0) console.log('no labs are up');
  await Promise.all(
    labs.map(async (lab) => {
      const started = Date.now();
      const removed = options.driver ? await driverNamed(options.driver, engine).down(lab) : await downLab(lab, engine);
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
