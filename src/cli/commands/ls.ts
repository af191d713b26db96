// podlab ls: running labs of every driver, found by label.
import { listLabs } from '../../drivers/index.js';
import { formatAge, formatTable } from '../table.js';

export async function lsCommand(options: { output?: string }): Promise<void> {
  const labs = await listLabs();
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
      ['NAME', 'VARIANT', 'DRIVER', 'NODES', 'AGE', 'LAB FILE'],
      labs.map((lab) => [lab.name, lab.variant || '-', lab.driver, `${lab.running}/${lab.nodes}`, formatAge(lab.createdAt), lab.labFile ?? '-']),
    ),
  );
}
