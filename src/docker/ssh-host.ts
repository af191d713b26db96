// A remote machine as a DockerHost, everything over ONE ssh connection: the engine's API through
// a stream to its unix socket, node engines through streams forwarded from the remote to each
// node's :2375 (no port is opened on the remote's network), host commands and the lock as exec
// channels, and the docker CLI there for interactive exec. The connection is made on first use;
// that is when the host key and the credentials are checked.
import Docker from 'dockerode';
import { EnvironmentError, PodlabError } from '../errors.js';
import { NODE_DOCKER_PORT, type DockerHost, type HostCommandResult } from './docker-host.js';
import { pingedEngine } from './local-host.js';
import { formatEngineTarget, type SshTarget } from './engine-url.js';
import { SshConnection, type SshConnectOptions } from './ssh-connection.js';
import { remoteDockerCli, type Stdio } from './ssh-docker-cli.js';
import { runRemote } from './ssh-exec.js';
import { SshStreamAgent } from './ssh-http-agent.js';
import { withRemoteLock } from './ssh-lock.js';

export interface SshDockerHostOptions extends SshConnectOptions {
  /** The engine's socket on the remote machine. Default: /var/run/docker.sock. */
  dockerSocket?: string;
  /** Where dockerCli's terminal is; default: this process's. */
  stdio?: Stdio;
}

export class SshDockerHost implements DockerHost {
  readonly description: string;
  private connecting?: Promise<SshConnection>;
  private pinged?: Promise<Docker>;
  private builder?: Promise<Docker>;
  private readonly nodeEngines = new Map<string, Docker>();
  private readonly agents: SshStreamAgent[] = [];

  constructor(
    readonly target: SshTarget,
    private readonly options: SshDockerHostOptions = {},
  ) {
    this.description = formatEngineTarget(target);
  }

  /** The one connection, made (and the host key checked) on first use. */
  connection(): Promise<SshConnection> {
    this.connecting ??= SshConnection.open(this.target, this.options).catch((error) => {
      this.connecting = undefined;
      throw error;
    });
    return this.connecting;
  }

  engine(): Promise<Docker> {
    this.pinged ??= this.remoteEngine().catch((error) => {
      this.pinged = undefined;
      throw error;
    });
    return this.pinged;
  }

  imageBuilder(): Promise<Docker> {
    this.builder ??= pingedEngine(` locally, where podlab builds the images it sends to ${this.description}`).catch((error) => {
      this.builder = undefined;
      throw error;
    });
    return this.builder;
  }

  nodeEngine(nodeIP: string): Docker {
    let engine = this.nodeEngines.get(nodeIP);
    if (!engine) {
      const target = `the node engine at ${nodeIP}:${NODE_DOCKER_PORT}`;
      engine = this.dockerode(target, (connection, what) => connection.forward(nodeIP, NODE_DOCKER_PORT, what), 60_000);
      this.nodeEngines.set(nodeIP, engine);
    }
    return engine;
  }

  async run(argv: string[], options: { signal?: AbortSignal; stdin?: string } = {}): Promise<HostCommandResult> {
    return runRemote(await this.connection(), argv, options);
  }

  async withLock<T>(name: string, signal: AbortSignal, fn: () => Promise<T>): Promise<T> {
    return withRemoteLock(await this.connection(), name, signal, fn);
  }

  async dockerCli(args: string[], options: { nodeIP?: string } = {}): Promise<number> {
    const stdio = this.options.stdio ?? { stdin: process.stdin, stdout: process.stdout, stderr: process.stderr };
    return remoteDockerCli(await this.connection(), args, options.nodeIP, stdio);
  }

  async close(): Promise<void> {
    for (const agent of this.agents.splice(0)) agent.destroy();
    this.nodeEngines.clear();
    this.pinged = undefined;
    const connecting = this.connecting;
    this.connecting = undefined;
    // A connection that failed to open has nothing to close.
    const connection = await connecting?.catch(() => undefined);
    await connection?.close();
  }

  private async remoteEngine(): Promise<Docker> {
    await this.connection();
    const socket = this.options.dockerSocket ?? '/var/run/docker.sock';
    const docker = this.dockerode('the engine API', (connection, what) => connection.streamLocal(socket, what));
    try {
      await docker.ping();
    } catch (error) {
      if (error instanceof PodlabError) throw error;
      throw new EnvironmentError(
        `no Docker engine answers at unix://${socket} on ${this.description} (${(error as Error).message})\n` +
          `  fix: start dockerd there, and make sure ${this.target.user} may use its socket (root, or the docker group)`,
        { cause: error },
      );
    }
    return docker;
  }

  private dockerode(target: string, open: ConstructorParameters<typeof SshStreamAgent>[2], timeoutMs?: number): Docker {
    const agent = new SshStreamAgent(() => this.connection(), target, open);
    this.agents.push(agent);
    // host and port only fill in the request line: the agent decides where the bytes go.
    // (docker-modem takes `agent`; @types/dockerode does not list it.)
    return new Docker({ protocol: 'http', host: 'docker.invalid', port: 2375, agent, timeout: timeoutMs } as Docker.DockerOptions);
  }
}
