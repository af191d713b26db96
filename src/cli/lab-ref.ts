// Commands on a running lab accept the lab's name or anything `up` accepts (a lab file, a
// directory, a bundled lab), so `podlab down labs/guestbook` and `podlab down guestbook` agree.
import { InputError } from '../errors.js';
import { loadLab } from '../lab/load.js';

export function labNameOf(arg: string, running: string[]): string {
  if (running.includes(arg)) return arg;
  try {
    return loadLab(arg).name;
  } catch (error) {
    if (/^[a-z0-9][a-z0-9-]{0,39}$/.test(arg)) return arg;
    throw error instanceof InputError ? error : new InputError(String(error));
  }
}
