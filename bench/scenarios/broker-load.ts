import { randomUUID } from 'node:crypto';
import { BareClient, eventFrame } from '../bare-client';
import { nowMs, sleep } from '../common';
import type { Handlers } from '../rpc';

/**
 * Load for the broker: many registered services on bare ws clients (so that the client side
 * costs as little as possible), then events from half of them routed by flows as calls to the
 * other half.
 */
const clients: BareClient[] = [];
const uuids: string[] = [];

async function connectAll(url: string, count: number, template: string, concurrency: number): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < count) {
      const i = next++;
      const sd = JSON.parse(template) as Record<string, unknown>;
      sd.uuid = randomUUID();
      sd.name = `load-${i}`;
      uuids[i] = sd.uuid as string;
      clients[i] = await BareClient.connect(url, JSON.stringify(sd), 30_000);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
}

export const handlers: Handlers = {
  connect: async ({ url, count, template, concurrency }: { url: string; count: number; template: string; concurrency: number }) => {
    const t0 = nowMs();
    await connectAll(url, count, template, concurrency);
    return { connected: clients.length, ms: nowMs() - t0, uuids };
  },
  route: async ({ warmupMs, durationMs, window }: { warmupMs: number; durationMs: number; window: number }) => {
    const half = Math.floor(clients.length / 2);
    const sources = clients.slice(0, half);
    const targets = clients.slice(half);
    const frames = sources.map((_, i) => Buffer.from(eventFrame(uuids[i], 'ev', `reading ${i}`)));
    let stop = false;
    const sent = new Array<number>(sources.length).fill(0);
    const loops = sources.map(async (c, i) => {
      while (!stop) {
        for (let k = 0; k < window; k++) c.send(frames[i]);
        sent[i] += window;
        await c.acked(sent[i]);
      }
    });
    const routed = (): number => targets.reduce((s, c) => s + c.calls, 0);
    const acked = (): number => sources.reduce((s, c) => s + c.acks, 0);
    await sleep(warmupMs);
    const r0 = routed();
    const a0 = acked();
    const t0 = nowMs();
    await sleep(durationMs);
    const r1 = routed();
    const a1 = acked();
    const t1 = nowMs();
    stop = true;
    await Promise.race([Promise.all(loops), sleep(10_000)]);
    const seconds = (t1 - t0) / 1000;
    return { routedPerSec: (r1 - r0) / seconds, eventsPerSec: (a1 - a0) / seconds, sources: sources.length, targets: targets.length };
  },
  close: async () => {
    await Promise.all(clients.map((c) => c.close()));
    return true;
  },
};
