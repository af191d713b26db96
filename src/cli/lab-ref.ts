// Commands on a running lab accept the lab's name or anything `up` accepts (a lab file, a
// directory, a bundled lab), so `podlab down labs/guestbook` and `podlab down guestbook` agree.
// A lab brought up from a file outside labs/ is found by name from any directory: its file's
// absolute path is in its labels.
import { engineOf, findLab } from '../drivers/index.js';
import type { LabDriver, RunningLab } from '../drivers/driver.js';
import { InputError } from '../errors.js';
import type { EngineTarget } from '../docker/engine-url.js';
import { loadLab } from '../lab/load.js';
import { resolveLabFile } from '../lab/resolve.js';
import { loadLabInput, type LabInput, type LabOverrides } from '../plan/lab-input.js';

const LAB_NAME = /^[a-z0-9][a-z0-9-]{0,39}$/;

/**
 * The lab an argument means: a lab file's name and engine (--engine or PODLAB_ENGINE, else its
 * `engine:`), or the argument itself as a name on the chosen engine.
 */
export function labRefOf(arg: string): { name: string; engine: EngineTarget } {
  try {
    const lab = loadLab(arg);
    return { name: lab.name, engine: engineOf(lab) };
  } catch (error) {
    if (LAB_NAME.test(arg)) return { name: arg, engine: engineOf() };
    throw error instanceof InputError ? error : new InputError(String(error));
  }
}

/** The lab name an argument means. */
export function labNameOf(arg: string): string {
  return labRefOf(arg).name;
}

/** The running lab an argument names, or exit 2 saying how to bring it up. */
export async function attachLab(arg: string): Promise<{ driver: LabDriver; lab: RunningLab }> {
  // A running lab's own name wins over a bundled lab or a directory that happens to share it.
  const byName = LAB_NAME.test(arg) ? await findLab(arg) : undefined;
  if (byName) return byName;
  // A lab file's `engine:` says where its lab runs (unless --engine or PODLAB_ENGINE say otherwise).
  const { name, engine } = labRefOf(arg);
  const found = await findLab(name, engine);
  if (!found) throw new InputError(`no lab named "${name}" is up (see podlab ls)`);
  return found;
}

/**
 * The lab file behind an argument: a running lab's own file when the argument is its name (so
 * `podlab test my-lab` works from any directory), otherwise what `up` would load.
 */
export function labInputFor(arg: string, running: RunningLab | undefined, variant?: string, options: LabOverrides = {}): LabInput {
  const file = running && running.name === arg && running.labFile ? running.labFile : arg;
  return loadLabInput(file, variant, options);
}

/** The lab file an argument names; the name of a running lab falls back to the file it came from. */
export async function labFileOf(arg: string): Promise<string> {
  try {
    return resolveLabFile(arg);
  } catch (error) {
    if (!LAB_NAME.test(arg)) throw error;
    const found = await findLab(arg).catch(() => undefined);
    if (found?.lab.labFile) return found.lab.labFile;
    throw error;
  }
}
