// dockerode over an ssh connection that already exists. dockerode's own ssh transport (and
// ssh2's HTTPAgent) open a new ssh connection per HTTP connection; here every HTTP connection is
// a stream opened on the one connection podlab holds, so a lab's hundreds of engine calls cost
// one handshake. The stream is wrapped in a plain Duplex: ssh2's channels ignore the error given
// to destroy(), and node's http client needs a socket that fails with the loss of the connection.
import { Agent, type AgentOptions, type ClientRequest } from 'node:http';
import { Duplex } from 'node:stream';
import type { ClientChannel } from 'ssh2';
import type { SshConnection, TrackHandle } from './ssh-connection.js';

/** Opens the stream one HTTP connection rides on; `what` names the request, for errors. */
export type OpenStream = (connection: SshConnection, what: string) => Promise<ClientChannel>;

export class SshStreamAgent extends Agent {
  constructor(
    /** The connection, made on first use: a node engine's client exists before it connects. */
    private readonly connect: () => Promise<SshConnection>,
    /** For messages: "the engine API", "the node engine at 172.31.9.2:2375". */
    private readonly target: string,
    private readonly openStream: OpenStream,
    options: AgentOptions = {},
  ) {
    // Kept alive: opening a stream costs a round trip to the remote, a request need not pay it.
    super({ keepAlive: true, ...options });
  }

  // node's Agent calls this for each request, on a fresh or a kept-alive socket: the socket is
  // relabelled so that a lost connection names the request that was in flight.
  addRequest(request: ClientRequest, options: object): void {
    const what = `${this.target} request ${request.method} ${request.path}`;
    request.once('socket', (socket) => (socket as unknown as ChannelSocket).relabel?.(what));
    // node passes these options on to createConnection when the request needs a new socket.
    (Agent.prototype as unknown as { addRequest(r: ClientRequest, o: object): void }).addRequest.call(this, request, { ...options, podlabWhat: what });
  }

  createConnection(options: object, callback: (error: Error | null, socket?: Duplex) => void): undefined {
    const what = (options as { podlabWhat?: string }).podlabWhat ?? `${this.target} request`;
    this.connect()
      .then(async (connection) => ({ connection, channel: await this.openStream(connection, what) }))
      .then(
        ({ connection, channel }) => {
          const socket = new ChannelSocket(channel);
          socket.tracking = connection.track(what, (error) => socket.destroy(error));
          callback(null, socket);
        },
        (error: Error) => callback(error),
      );
    return undefined;
  }
}

/** An ssh channel as the net.Socket node's http client expects, with an idle timeout. */
class ChannelSocket extends Duplex {
  private idleTimer?: NodeJS.Timeout;
  private idleMs = 0;
  tracking?: TrackHandle;

  constructor(private readonly channel: ClientChannel) {
    super({ allowHalfOpen: false });
    channel.on('data', (chunk: Buffer) => {
      this.touch();
      if (!this.push(chunk)) channel.pause();
    });
    channel.on('end', () => this.push(null));
    channel.on('close', () => {
      this.push(null);
      this.destroy();
    });
    channel.on('error', (error: Error) => this.destroy(error));
  }

  relabel(what: string): void {
    this.tracking?.relabel(what);
  }

  override _read(): void {
    this.channel.resume();
  }

  override _write(chunk: Buffer, encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    this.touch();
    this.channel.write(chunk, encoding, callback);
  }

  override _final(callback: (error?: Error | null) => void): void {
    this.channel.end();
    callback();
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    clearTimeout(this.idleTimer);
    this.tracking?.done();
    this.channel.close();
    callback(error);
  }

  // What net.Socket offers and http's client and agent call.
  setTimeout(ms: number, onTimeout?: () => void): this {
    this.idleMs = ms;
    // As net.Socket: 0 with a callback takes that listener off. http's client relies on it when
    // it hands a kept-alive socket back (setTimeout(0, its callback)); adding it again leaked one
    // listener per request.
    if (onTimeout && ms === 0) this.removeListener('timeout', onTimeout);
    else if (onTimeout) this.once('timeout', onTimeout);
    this.touch();
    return this;
  }
  setKeepAlive(): this {
    return this;
  }
  setNoDelay(): this {
    return this;
  }
  ref(): this {
    return this;
  }
  unref(): this {
    return this;
  }

  private touch(): void {
    clearTimeout(this.idleTimer);
    if (this.idleMs > 0) this.idleTimer = setTimeout(() => this.emit('timeout'), this.idleMs);
  }
}
