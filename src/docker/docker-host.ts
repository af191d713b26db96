// "The machine" a lab runs on, as the drivers see it: its Docker engine, the engines inside
// dind nodes, commands on the machine itself (the host firewall rules), a lock that holds across
// processes there, and the docker CLI for interactive exec. The local machine is one
// implementation (local-host.ts); a remote engine reached over ssh is another. Drivers never
// construct a Dockerode or run a host command except through this seam.
import type Docker from 'dockerode';
import type { EngineTarget } from './engine-url.js';

/** Where a dind node's dockerd listens on the node's underlay address (no TLS: lab-only). */
export const NODE_DOCKER_PORT = 2375;

export interface HostCommandResult {
  exitCode: number;
  stdout: string;
  stderr: string;
}

export interface DockerHost {
  /** Which engine this is (what --engine named). */
  readonly target: EngineTarget;
  /** For messages and labels: "local" or "ssh://root@10.0.0.5:22" (formatEngineTarget of target). */
  readonly description: string;
  /** The engine that holds the lab's containers, networks and volumes (pinged once, then reused). */
  engine(): Promise<Docker>;
  /**
   * The engine podlab builds images with. Locally that is engine() itself; a remote host's images
   * are built by the local engine (where debootstrap and the Go toolchain are) and sent over.
   */
  imageBuilder(): Promise<Docker>;
  /** A client for the dockerd a dind node runs, listening on the node's underlay address. */
  nodeEngine(nodeIP: string): Docker;
  /** Runs argv on the machine itself (not in a container); never rejects on a non-zero exit. */
  run(argv: string[], options?: { signal?: AbortSignal; stdin?: string }): Promise<HostCommandResult>;
  /**
   * Runs `fn` holding the machine-wide lock `name` (e.g. "stores"): two podlab processes on the
   * same engine never hold it at once, and a lock left by a dead process is taken over.
   */
  withLock<T>(name: string, signal: AbortSignal, fn: () => Promise<T>): Promise<T>;
  /**
   * Runs the docker CLI with stdio passed through (interactive exec, with a TTY when asked),
   * against the host engine or, with `nodeIP`, a node's dockerd. Resolves with its exit code.
   */
  dockerCli(args: string[], options?: { nodeIP?: string }): Promise<number>;
  /** Releases connections; idempotent. */
  close(): Promise<void>;
}
