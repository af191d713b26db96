// podlab trace LAB FROM TO[:PORT] [--proto tcp|udp|icmp] [-o json]: one probe from FROM to TO,
// followed through every node it crossed. A trace that was made exits 0 whatever its verdict
// (a drop is the answer asked for, not a failure of the command).
import type { RunningLab, TraceRequest } from '../../drivers/driver.js';
import { ExitCode, InputError } from '../../errors.js';
import { ResolveError, resolveSource } from '../../probe/resolve.js';
import { parseTarget, TargetSyntaxError } from '../../probe/targets.js';
import type { LabView } from '../../probe/view.js';
import { traceTarget } from '../../trace/destination.js';
import { renderTrace, traceJson } from '../../trace/render.js';
import type { Proto, Trace } from '../../trace/types.js';
import { attachLab } from '../lab-ref.js';

export interface TraceOptions {
  proto?: Proto;
  output?: 'json';
}

export async function traceCommand(labArg: string, from: string, to: string, options: TraceOptions, signal: AbortSignal): Promise<number> {
  const { lab } = await attachLab(labArg);
  const trace = await traceLab(lab, from, to, options.proto, signal);
  console.log(options.output === 'json' ? traceJson(trace) : renderTrace(trace));
  return ExitCode.ok;
}

/** The trace of one probe in a running lab; a driver without tracing is bad input, before anything runs. */
export async function traceLab(lab: RunningLab, from: string, to: string, proto: Proto | undefined, signal: AbortSignal): Promise<Trace> {
  if (!lab.trace) throw new InputError(`lab ${lab.name} runs on the ${lab.driver} driver, which cannot trace yet (podlab trace works on dind and kind labs, whose nodes it can enter)`);
  return lab.trace(traceRequest(await lab.view(), from, to, proto), signal);
}

/** FROM and TO resolved against the running lab; whatever names nothing is exit 2, saying what. */
export function traceRequest(view: LabView, from: string, to: string, proto?: Proto): TraceRequest {
  const source = asInput('FROM', () => resolveSource(view, parseTarget(from)));
  const destination = asInput('TO', () => traceTarget(view, to));
  // nc needs a port; without one the probe could not be sent at all.
  if ((proto === 'tcp' || proto === 'udp') && destination.port === undefined) {
    throw new InputError(`TO: ${to}: --proto ${proto} needs a port (${to}:PORT)`);
  }
  return { source, destination, ...(proto ? { proto } : {}) };
}

function asInput<T>(what: string, work: () => T): T {
  try {
    return work();
  } catch (error) {
    if (error instanceof ResolveError || error instanceof TargetSyntaxError) throw new InputError(`${what}: ${error.message}`);
    throw error;
  }
}
