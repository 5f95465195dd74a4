import { createServer } from 'node:net';
import type { MsbApp } from '../../lib';
import { bootstrap } from '../../lib';
import { BenchService, measurement } from '../services';
import { settledRss } from '../common';
import type { Handlers } from '../rpc';

/**
 * Memory held by the offline event cache: the service points at a port nobody listens on,
 * emits `count` DTO events, and the settled RSS difference is what the cache costs.
 */
function deadPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

let app: MsbApp<BenchService> | undefined;

export const handlers: Handlers = {
  measure: async ({ count, settleMs }: { count: number; settleMs: number }) => {
    const port = await deadPort();
    app = await bootstrap(BenchService, {
      url: `ws://127.0.0.1:${port}`,
      waitForRegistration: false,
      eventCache: { size: count * 2 },
      // Connection failures are expected here; keep them quiet.
      logger: { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined },
      closeTimeoutMs: 0,
    });
    // Warm the path once so that code and codec allocations are not counted as cache, and
    // make as much garbage as the measured emits will, so that the young generation has
    // already grown to its working size and its growth is not counted as cache either.
    for (let i = 0; i < 100; i++) await app.instance.measurement.emit(measurement(i));
    let sink = 0;
    for (let i = 0; i < count * 3; i++) sink += JSON.stringify(measurement(i)).length;
    if (sink === 0) throw new Error('unreachable');
    const before = await settledRss(settleMs);
    for (let i = 0; i < count; i++) await app.instance.measurement.emit(measurement(i));
    const after = await settledRss(settleMs);
    const c = app.counters();
    if (c.queued < count) throw new Error(`expected ${count} cached events, found ${c.queued} (dropped ${c.dropped})`);
    return { rssDelta: after.rss - before.rss, heapDelta: after.heapUsed - before.heapUsed, queued: c.queued };
  },
  close: async () => {
    await app?.close();
    return true;
  },
};
