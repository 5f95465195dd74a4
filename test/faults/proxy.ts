import { createServer } from 'node:net';
import { Socket as NetSocket } from 'node:net';
import type { Server, Socket } from 'node:net';

/**
 * A TCP proxy on 127.0.0.1 between a client and a server, for faults that a real network has:
 * `freeze()` stops forwarding in both directions while keeping every connection open (a dead
 * peer, a half-open link); `pause()` stops reading from the client (a slow network).
 */
export class FaultProxy {
  private readonly server: Server;
  private readonly pairs = new Set<{ client: Socket; upstream: Socket; frozen: boolean }>();
  port = 0;

  private constructor(private readonly targetPort: number) {
    this.server = createServer((client) => {
      const upstream = new NetSocket();
      const pair = { client, upstream, frozen: false };
      this.pairs.add(pair);
      upstream.connect(this.targetPort, '127.0.0.1');
      client.on('data', (d) => { if (!pair.frozen) upstream.write(d); });
      upstream.on('data', (d) => { if (!pair.frozen) client.write(d); });
      const end = () => {
        this.pairs.delete(pair);
        client.destroy();
        upstream.destroy();
      };
      client.on('close', end).on('error', end);
      upstream.on('close', () => { if (!pair.frozen) end(); }).on('error', end);
    });
  }

  static async start(targetPort: number): Promise<FaultProxy> {
    const proxy = new FaultProxy(targetPort);
    await new Promise<void>((resolve) => proxy.server.listen(0, '127.0.0.1', resolve));
    proxy.port = (proxy.server.address() as { port: number }).port;
    return proxy;
  }

  /** Current connections stop forwarding anything, but stay open; new ones work. */
  freeze(): void {
    for (const p of this.pairs) p.frozen = true;
  }

  /** Stop reading from clients (their writes back up into their socket buffers). */
  pause(): void {
    for (const p of this.pairs) p.client.pause();
  }

  resume(): void {
    for (const p of this.pairs) p.client.resume();
  }

  get connections(): number {
    return this.pairs.size;
  }

  async close(): Promise<void> {
    for (const p of this.pairs) {
      p.client.destroy();
      p.upstream.destroy();
    }
    this.pairs.clear();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
