// One ssh connection to the machine that runs the lab, and everything opened on it: forwarded
// streams (the engine's socket, node engines) and exec channels. The host key is checked against
// known_hosts before any credential is offered. When the connection drops, every stream and
// command still open on it fails with an EnvironmentError naming what it was doing, and so does
// every later use: nothing reconnects behind the caller's back.
import ssh2 from 'ssh2';
import type { ClientChannel, ConnectConfig, PseudoTtyOptions } from 'ssh2';
import { ConnectionLostError, EnvironmentError, InputError } from '../errors.js';
import { GiveUp, RetryTimeout, retryUntil } from '../util/retry.js';
import { formatEngineTarget, type SshTarget } from './engine-url.js';
import { sshCredentials, type SshCredentialOptions } from './ssh-auth.js';
import { hostKeyPolicy, type HostKeyOptions } from './ssh-host-key.js';

const { Client } = ssh2;

export interface SshConnectOptions extends SshCredentialOptions, HostKeyOptions {
  /** Handshake and authentication together; default 20 s. */
  readyTimeoutMs?: number;
}

/**
 * Exec sessions open at once on the connection. sshd allows 10 by default (MaxSessions); the
 * rest wait here instead of failing. Forwarded streams are not sessions and are not counted.
 */
const MAX_SESSIONS = 8;
const SESSION_RETRY_MS = 2_000;

/** Something open on the connection that must hear about its loss. */
interface Tracked {
  what: string;
  onLost(error: EnvironmentError): void;
}

export interface TrackHandle {
  /** What the stream is doing now (a kept-alive HTTP stream carries one request after another). */
  relabel(what: string): void;
  done(): void;
}

export class SshConnection {
  readonly description: string;
  private readonly tracked = new Set<Tracked>();
  private lostReason?: string;
  private closing = false;
  private sessions = 0;
  private readonly sessionQueue: Array<() => void> = [];

  private constructor(
    private readonly client: InstanceType<typeof Client>,
    target: SshTarget,
  ) {
    this.description = formatEngineTarget(target);
    // Engine calls are small request/response exchanges: Nagle's algorithm would hold each
    // request back for the previous packet's (delayed) ACK.
    client.setNoDelay(true);
    const lost = (reason: string) => () => this.onLost(reason);
    client.on('error', (error: Error) => this.onLost(error.message));
    client.on('end', lost('the server closed it'));
    client.on('close', lost('it closed'));
  }

  static async open(target: SshTarget, options: SshConnectOptions = {}): Promise<SshConnection> {
    const hostKey = hostKeyPolicy(target, options);
    const credentials = sshCredentials(target.user, options);
    const client = new Client();

    const config: ConnectConfig = {
      host: target.host,
      port: target.port,
      username: target.user,
      authHandler: credentials.methods as ConnectConfig['authHandler'],
      readyTimeout: options.readyTimeoutMs ?? 20_000,
      // A peer that vanishes without a FIN (a cable, a suspended VM) is noticed within ~45 s.
      keepaliveInterval: 15_000,
      keepaliveCountMax: 3,
      algorithms: { serverHostKey: hostKey.algorithms as never },
      hostVerifier: (key: Buffer) => hostKey.verify(key),
    };

    await new Promise<void>((resolve, reject) => {
      const onError = (error: Error & { level?: string }) => {
        client.removeListener('ready', onReady);
        client.removeListener('close', onClose);
        client.removeListener('error', onError);
        // Late errors of a connection given up on are of no interest, but must not go unheard.
        client.on('error', () => undefined);
        client.end();
        const refusal = hostKey.refusal();
        if (refusal) return reject(refusal);
        const where = formatEngineTarget(target);
        if (error.level === 'client-authentication') {
          return reject(new InputError(`${where} refused every credential offered (${credentials.offered.join(', ')}): add your public key to ${target.user}'s ~/.ssh/authorized_keys there`));
        }
        if (error.level === 'client-timeout') return reject(new EnvironmentError(`${where}: no ssh handshake within ${(config.readyTimeout! / 1000).toFixed(0)}s`, { cause: error }));
        reject(new EnvironmentError(`cannot reach ${where} over ssh: ${error.message}`, { cause: error }));
      };
      // A server that hangs up before authentication ends (MaxStartups, a firewall) may close
      // the connection without an error.
      const onClose = () => onError(Object.assign(new Error('the server closed the connection during the handshake'), { level: 'client-socket' }));
      const onReady = () => {
        client.removeListener('error', onError);
        client.removeListener('close', onClose);
        resolve();
      };
      client.once('ready', onReady).once('error', onError).once('close', onClose).connect(config);
    });
    return new SshConnection(client, target);
  }

  /** A stream to a unix socket on the remote machine (direct-streamlocal, as `ssh -L`). */
  streamLocal(socketPath: string, what: string): Promise<ClientChannel> {
    return this.opening(what, (callback) => this.client.openssh_forwardOutStreamLocal(socketPath, callback));
  }

  /** A TCP stream from the remote machine to ip:port (direct-tcpip): nothing listens anywhere. */
  forward(ip: string, port: number, what: string): Promise<ClientChannel> {
    return this.opening(what, (callback) => this.client.forwardOut('127.0.0.1', 0, ip, port, callback));
  }

  /**
   * A command on the remote machine; with `pty`, on a terminal of its own. `attach` runs as soon
   * as the channel exists: a quick command's exit and close may arrive in the same packet as the
   * channel's confirmation, before an awaiting caller could listen.
   */
  async exec(command: string, what: string, options: { pty?: PseudoTtyOptions; attach?: (channel: ClientChannel) => void } = {}): Promise<ClientChannel> {
    const { pty, attach } = options;
    await this.sessionSlot();
    try {
      // sshd frees a session a moment after its channel closed (once it has reaped the command),
      // so a slot freed here may still be taken there: "open failed" is retried briefly.
      return await retryUntil(
        `an ssh session for ${what}`,
        async () => {
          try {
            return await this.opening(what, (callback) => {
              const opened = (error: Error | undefined, channel: ClientChannel) => {
                if (!error) {
                  channel.once('close', () => this.releaseSession());
                  attach?.(channel);
                }
                callback(error, channel);
              };
              if (pty) this.client.exec(command, { pty }, opened);
              else this.client.exec(command, opened);
            });
          } catch (error) {
            if (this.lostReason || this.closing || !/open failed/i.test((error as Error).message)) throw new GiveUp(error as Error);
            throw error;
          }
        },
        { timeoutMs: SESSION_RETRY_MS, intervalMs: 20, maxIntervalMs: 200 },
      );
    } catch (error) {
      this.releaseSession();
      throw error instanceof RetryTimeout && error.lastError instanceof Error ? error.lastError : error;
    }
  }

  private sessionSlot(): Promise<void> {
    if (this.sessions < MAX_SESSIONS || this.lostReason || this.closing) {
      this.sessions += 1;
      return Promise.resolve();
    }
    return new Promise((resolve) => this.sessionQueue.push(resolve));
  }

  private releaseSession(): void {
    const next = this.sessionQueue.shift();
    // The slot passes straight to the next in line; only an empty queue frees it.
    if (next) next();
    else this.sessions -= 1;
  }

  /** Registers something open on the connection; `onLost` is called once if the connection drops. */
  track(what: string, onLost: (error: EnvironmentError) => void): TrackHandle {
    if (this.lostReason || this.closing) {
      onLost(this.lostError(what));
      return { relabel: () => undefined, done: () => undefined };
    }
    const entry: Tracked = { what, onLost };
    this.tracked.add(entry);
    return {
      relabel: (next) => {
        entry.what = next;
      },
      done: () => {
        this.tracked.delete(entry);
      },
    };
  }

  /** Throws the loss (or closing) as an EnvironmentError naming `what` was to be done. */
  assertOpen(what: string): void {
    if (this.lostReason || this.closing) throw this.lostError(what);
  }

  async close(): Promise<void> {
    if (this.closing) return;
    this.closing = true;
    for (const entry of [...this.tracked]) entry.onLost(this.lostError(entry.what));
    this.tracked.clear();
    this.wakeQueuedSessions();
    // A lost connection has already closed: there is no 'close' left to wait for.
    if (this.lostReason) return void this.client.destroy();
    await new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        // A server that never answers the disconnect must not hold the CLI's exit for long.
        this.client.destroy();
        resolve();
      }, 2_000);
      this.client.once('close', () => {
        clearTimeout(timer);
        resolve();
      });
      this.client.end();
    });
  }

  private opening(what: string, open: (callback: (error: Error | undefined, channel: ClientChannel) => void) => void): Promise<ClientChannel> {
    this.assertOpen(what);
    return new Promise((resolve, reject) => {
      open((error, channel) => {
        if (!error) return resolve(channel);
        if (this.lostReason || this.closing) return reject(this.lostError(what));
        reject(new EnvironmentError(`${this.description} refused a channel for ${what}: ${error.message}`, { cause: error }));
      });
    });
  }

  private onLost(reason: string): void {
    if (this.lostReason || this.closing) return;
    this.lostReason = reason;
    // Before ssh2 ends the channels itself (it does so after this event), so that each one fails
    // with the loss instead of ending as if the remote side had finished normally.
    for (const entry of [...this.tracked]) entry.onLost(this.lostError(entry.what));
    this.tracked.clear();
    this.wakeQueuedSessions();
  }

  /** Commands waiting for a session slot go on, to fail at once with the loss. */
  private wakeQueuedSessions(): void {
    for (const next of this.sessionQueue.splice(0)) {
      this.sessions += 1;
      next();
    }
  }

  private lostError(what: string): EnvironmentError {
    if (this.closing && !this.lostReason) return new ConnectionLostError(`${what}: the ssh connection to ${this.description} was closed by podlab`);
    return new ConnectionLostError(`the ssh connection to ${this.description} was lost (${this.lostReason}) during ${what}`);
  }
}
