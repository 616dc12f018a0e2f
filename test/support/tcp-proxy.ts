import { connect, createServer, type Server, type Socket } from 'node:net';

/** What the proxy does with connections: forward them, refuse them, hold them silently, or cut them. */
export type ProxyMode = 'pass' | 'refuse' | 'hold' | 'cut';

interface Pair {
  client: Socket;
  upstream?: Socket;
}

/**
 * A TCP proxy on 127.0.0.1 in front of a real service (PostgreSQL, Redis), for fault tests:
 * - `pass` forwards bytes both ways;
 * - `refuse` stops listening (new connections get ECONNREFUSED) and resets the open ones;
 * - `hold` keeps every connection open but forwards nothing (a partition: no answer, no
 *   error), and accepts new connections that never reach the service;
 * - `cut` resets every open connection and every new one as soon as it arrives.
 * Going back to `pass` resets whatever was held, so no stale bytes arrive late.
 * The port stays the same throughout.
 */
export class TcpProxy {
  private server?: Server;
  private readonly pairs = new Set<Pair>();
  private current: ProxyMode = 'pass';
  /** Connections accepted since start, for assertions that the service was really reached. */
  accepted = 0;

  private constructor(
    readonly port: number,
    private readonly targetHost: string,
    private readonly targetPort: number,
  ) {}

  static async start(target: { host: string; port: number }, port = 0): Promise<TcpProxy> {
    const proxy = new TcpProxy(port, target.host, target.port);
    await proxy.listen();
    return proxy;
  }

  get mode(): ProxyMode {
    return this.current;
  }

  /** Sets the mode; resolves once the listener is open or closed as the mode needs. */
  async set(mode: ProxyMode): Promise<void> {
    const previous = this.current;
    this.current = mode;
    if (mode === 'refuse' || mode === 'cut' || (mode === 'pass' && previous === 'hold')) this.resetAll();
    if (mode === 'refuse') await this.closeListener();
    else if (!this.server) await this.listen();
  }

  async close(): Promise<void> {
    this.resetAll();
    await this.closeListener();
  }

  private listen(): Promise<void> {
    const server = createServer((client) => this.accept(client));
    return new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.port, '127.0.0.1', () => {
        (this as { port: number }).port = (server.address() as { port: number }).port;
        this.server = server;
        resolve();
      });
    });
  }

  private closeListener(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    return server ? new Promise((resolve) => server.close(() => resolve())) : Promise.resolve();
  }

  private accept(client: Socket): void {
    this.accepted++;
    client.on('error', () => undefined);
    if (this.current === 'cut' || this.current === 'refuse') {
      client.resetAndDestroy();
      return;
    }
    const pair: Pair = { client };
    this.pairs.add(pair);
    client.on('close', () => this.drop(pair));
    if (this.current === 'hold') {
      // Read and discard: the caller's bytes go nowhere and nothing comes back.
      client.on('data', () => undefined);
      return;
    }
    const upstream = connect(this.targetPort, this.targetHost);
    pair.upstream = upstream;
    upstream.on('error', () => client.resetAndDestroy());
    upstream.on('close', () => this.drop(pair));
    client.on('data', (chunk) => {
      if (this.current === 'pass') upstream.write(chunk);
    });
    upstream.on('data', (chunk) => {
      if (this.current === 'pass') client.write(chunk);
    });
  }

  private drop(pair: Pair): void {
    if (!this.pairs.delete(pair)) return;
    if (!pair.client.destroyed) pair.client.resetAndDestroy();
    if (pair.upstream && !pair.upstream.destroyed) pair.upstream.destroy();
  }

  private resetAll(): void {
    for (const pair of [...this.pairs]) this.drop(pair);
  }
}
