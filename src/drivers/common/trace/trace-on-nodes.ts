// `podlab trace` on a lab whose nodes are containers of the host engine (dind nodes, kind
// workers): every node runs a trace session (its monitor and this trace's TRACE rules), the
// source sends one probe, the nodes are asked for their conntrack entries and routes, and the
// pure core (src/trace) turns it all into a Trace. The sessions are stopped, and with them the
// rules removed, whatever happens: error, abort or success.
import type Docker from 'dockerode';
import { execIn } from '../../../docker/exec.js';
import { describeSource, type Source } from '../../../probe/resolve.js';
import type { ProbeExecutor } from '../../../probe/runner.js';
import type { LabView, ViewPod } from '../../../probe/view.js';
import { assembleTrace, pathOf, routeQueries, type RawTrace } from '../../../trace/assemble.js';
import { newTraceKey } from '../../../trace/key.js';
import { nodeFactsScript } from '../../../trace/node-facts.js';
import { probeScript, type ProbeRequest } from '../../../trace/probe-script.js';
import { sessionScript } from '../../../trace/session-script.js';
import type { Proto, Trace, TraceKey } from '../../../trace/types.js';
import type { NodeState } from '../../driver.js';
import { startSession } from './node-session.js';

/** Where the probe goes: an address or a name (resolved in the source), with a port for tcp/udp. */
export interface TraceDestination {
  display: string;
  ip?: string;
  name?: string;
  port?: number;
  /** The pod the destination named, so a delivery elsewhere is called the wrong pod. */
  pod?: ViewPod;
}

export interface NodeTraceOptions {
  /** The host engine, which holds the node containers. */
  docker: Docker;
  lab: string;
  nodes: NodeState[];
  view: LabView;
  /** Runs the probe in the source's network namespace (the lab's probe sidecars). */
  probes: ProbeExecutor;
  source: Source;
  destination: TraceDestination;
  /** Default: tcp with a port, icmp without. */
  proto?: Proto;
  /** How long the probe waits for an answer (default 1 s). */
  timeoutMs?: number;
  signal?: AbortSignal;
  /** For tests: a fixed key instead of a random one. */
  key?: TraceKey;
  /** Receives the raw outputs (for fixtures and --debug). */
  onRaw?: (raw: RawTrace) => void;
}

const READY_TIMEOUT_MS = 3000;

export async function traceOnNodes(options: NodeTraceOptions): Promise<Trace> {
  const started = Date.now();
  const signal = options.signal ?? new AbortController().signal;
  const { destination, source } = options;
  const proto: Proto = options.proto ?? (destination.port !== undefined ? 'tcp' : 'icmp');
  const key = options.key ?? newTraceKey(proto);
  const timeoutSeconds = Math.max(1, Math.ceil((options.timeoutMs ?? 1000) / 1000));
  const request: ProbeRequest = {
    key,
    destination: { ...(destination.ip ? { ip: destination.ip } : {}), ...(destination.name ? { name: destination.name } : {}) },
    ...(destination.port !== undefined ? { port: destination.port } : {}),
    timeoutSeconds,
  };
  const nodes = options.nodes.filter((node) => node.status === 'running');
  // Kept as promises, so a session still starting when another fails is stopped too.
  const script = sessionScript(key);
  const starting = nodes.map((node) => startSession(options.docker, node.name, node.container, script, READY_TIMEOUT_MS));
  const timings: Record<string, number> = {};
  const mark = (phase: string) => (timings[phase] = Date.now() - started);
  let monitors: RawTrace['monitors'] = [];
  let probe: RawTrace['probe'];
  try {
    // The sidecar (made on first use) comes up while the sessions start.
    const warm = options.probes.probe(source, ['true'], 10_000, signal);
    warm.catch(() => undefined); // awaited below; this only keeps an early failure from being unhandled
    await Promise.all(starting.map(async (session) => (await session).ready));
    mark('ready');
    await warm;
    mark('sidecar');
    signal.throwIfAborted();
    const argv = ['sh', '-c', probeScript(request)];
    const result = await options.probes.probe(source, argv, (timeoutSeconds + 3) * 1000, signal);
    probe = { command: result.command, exitCode: result.exitCode, stdout: result.stdout + result.stderr };
    mark('probe');
  } finally {
    // Every session, also on error and abort: stopping is what removes the rules.
    const sessions = (await Promise.allSettled(starting)).flatMap((outcome) => (outcome.status === 'fulfilled' ? [outcome.value] : []));
    const stopped = await Promise.allSettled(sessions.map(async (session) => ({ node: session.node, text: await session.stop() })));
    const failure = stopped.find((outcome): outcome is PromiseRejectedResult => outcome.status === 'rejected');
    monitors = stopped.flatMap((outcome) => (outcome.status === 'fulfilled' ? [outcome.value] : []));
    mark('stopped');
    if (failure && !signal.aborted) throw failure.reason;
  }
  const sourceIP = source.kind === 'pod' ? source.pod.ip : undefined;
  const partial = { monitors, request, probe: probe!, ...(sourceIP ? { sourceIP } : {}) };
  const queries = routeQueries(pathOf(partial));
  const facts = await Promise.all(
    nodes.map(async (node) => {
      const route = queries.get(node.name);
      const result = await execIn(options.docker, node.container, ['sh', '-c', nodeFactsScript(key, route)], { signal });
      return { node: node.name, stdout: result.stdout, ...(route ? { route } : {}) };
    }),
  );
  mark('facts');
  const expected = destination.pod;
  const raw: RawTrace = {
    lab: options.lab,
    source: describeSource(source),
    destination: destination.display,
    ...partial,
    facts,
    nodes: options.view.nodes,
    pods: options.view.pods,
    services: options.view.services,
    ...(expected ? { expectedPod: { name: expected.name, namespace: expected.namespace, node: expected.node } } : {}),
    durationMs: Date.now() - started,
    timings,
  };
  options.onRaw?.(raw);
  return assembleTrace(raw);
}
