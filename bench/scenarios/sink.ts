import { WebSocketServer } from 'ws';
import type WebSocket from 'ws';
import type { Handlers } from '../rpc';

/**
 * A minimal MSB sink in its own process: SockJS `o` and `IO_CONNECTED` on open, `IO_REGISTERED`
 * for an `R`, and for `E` frames only a count (no parsing). With `ack`, it answers every `E`
 * with `IO_PUBLISHED`, batched into one frame per turn, as cheaply as a server can. It does
 * far less work per event than any client, so it is never the bottleneck of a throughput run.
 */
let server: WebSocketServer | undefined;
let ack = true;
let count = 0;
let firstAt = 0;
let lastAt = 0;
const pendingAcks = new Map<WebSocket, number>();

function flushAcks(): void {
  for (const [ws, n] of pendingAcks) {
    if (ws.readyState === ws.OPEN) ws.send(`a[${'"IO_PUBLISHED",'.repeat(n).slice(0, -1)}]`);
  }
  pendingAcks.clear();
}

export const handlers: Handlers = {
  start: async (args: { ack: boolean }) => {
    ack = args.ack;
    server = await new Promise<WebSocketServer>((resolve) => {
      const s: WebSocketServer = new WebSocketServer({ host: '127.0.0.1', port: 0, perMessageDeflate: false }, () => resolve(s));
    });
    server.on('connection', (ws) => {
      ws.send('o');
      ws.send('a["IO_CONNECTED"]');
      ws.on('message', (data: Buffer) => {
        // ["E {...  or  ["R {...
        if (data[2] === 0x45) {
          const now = performance.now();
          if (count === 0) firstAt = now;
          lastAt = now;
          count++;
          if (ack) {
            if (pendingAcks.size === 0) setImmediate(flushAcks);
            pendingAcks.set(ws, (pendingAcks.get(ws) ?? 0) + 1);
          }
        } else if (data[2] === 0x52) ws.send('a["IO_REGISTERED"]');
      });
    });
    const address = server.address();
    if (typeof address === 'string' || !address) throw new Error('no address');
    return { url: `ws://127.0.0.1:${address.port}` };
  },
  reset: () => {
    count = 0;
    firstAt = 0;
    lastAt = 0;
    return true;
  },
  /** Events counted, and the time from the first to the last. */
  stats: () => ({ count, ms: lastAt - firstAt }),
  close: async () => {
    for (const ws of server?.clients ?? []) ws.terminate();
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
    return true;
  },
};
