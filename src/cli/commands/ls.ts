// podlab ls: running labs, found by label.
import { DindDriver } from '../../drivers/dind/dind-driver.js';
import { hostEngine } from '../engine.js';
import { formatAge, formatTable } from '../table.js';

export async function lsCommand(options: { output?: string }): Promise<void> {
  const labs = await new DindDriver(await hostEngine()).list();
  if (options.output === 'json') {
    console.log(JSON.stringify(labs, null, 2));
    return;
  }
  if (labs.length === 0) {
    console.log('no labs are up');
    return;
  }
  console.log(
    formatTable(
      ['NAME', 'VARIANT', 'DRIVER', 'NODES', 'AGE'],
      labs.map((lab) => [lab.name, lab.variant || '-', lab.driver, `${lab.running}/${lab.nodes}`, formatAge(lab.createdAt)]),
    ),
  );
}
