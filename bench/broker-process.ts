import { startBroker } from '../lib/broker';
import type { Broker, FlowDefinition } from '../lib/broker';
import { serve } from './rpc';
import { percentile, settledRss } from './common';

/**
 * The local broker in a process of its own, so that its CPU does not share the measured
 * client's event loop. Round trips are timed here, where the `C` leaves and the answer lands.
 */
let broker: Broker | undefined;

export interface RttArgs {
  uuid: string;
  functionId: string;
  parameters: Record<string, unknown>;
  warmup: number;
  calls: number;
}

export interface RttResult {
  calls: number;
  p50Us: number;
  p99Us: number;
  meanUs: number;
  timeouts: number;
}

async function roundTrips(b: Broker, a: RttArgs): Promise<RttResult> {
  const waiting = new Map<string, () => void>();
  const onEvent = ({ event }: { event: { correlationId?: string } }): void => {
    const done = event.correlationId !== undefined ? waiting.get(event.correlationId) : undefined;
    if (done) {
      waiting.delete(event.correlationId!);
      done();
    }
  };
  b.on('event', onEvent);
  const samples: number[] = [];
  let timeouts = 0;
  try {
    for (let i = 0; i < a.warmup + a.calls; i++) {
      const cid = `rtt-${i}`;
      const t0 = process.hrtime.bigint();
      let timer: NodeJS.Timeout | undefined;
      const answered = new Promise<boolean>((resolve) => {
        waiting.set(cid, () => resolve(true));
        timer = setTimeout(() => resolve(false), 5000);
      });
      await b.callFunction(a.uuid, a.functionId, a.parameters, cid);
      const ok = await answered;
      clearTimeout(timer);
      if (!ok) { waiting.delete(cid); timeouts++; continue; }
      if (i >= a.warmup) samples.push(Number(process.hrtime.bigint() - t0) / 1000);
    }
  } finally {
    b.off('event', onEvent);
  }
  samples.sort((x, y) => x - y);
  return {
    calls: samples.length,
    p50Us: percentile(samples, 50),
    p99Us: percentile(samples, 99),
    meanUs: samples.reduce((s, x) => s + x, 0) / Math.max(1, samples.length),
    timeouts,
  };
}

function need(): Broker {
  if (!broker) throw new Error('broker not started');
  return broker;
}

serve({
  start: async () => {
    // Heartbeats and keep-alives off: they would only add noise to the measurements.
    broker = await startBroker({ port: 0, host: '127.0.0.1', heartbeatMs: 0, keepAliveMs: 0 });
    return { url: broker.url, httpUrl: broker.httpUrl, pid: process.pid };
  },
  rss: async ({ settleMs }: { settleMs?: number }) => settledRss(settleMs ?? 200),
  /** CPU time used so far (µs) and the resident memory now (bytes), unsettled: what a load costs while it runs. */
  usage: () => ({ ...process.cpuUsage(), rss: process.memoryUsage().rss }),
  /** Peak resident memory since the process started (bytes). */
  peakRss: () => process.resourceUsage().maxRSS * 1024,
  stats: () => need().stats(),
  services: () => {
    const list = need().services();
    return { registered: list.length, connected: list.filter((s) => s.connected).length };
  },
  rtt: (a: RttArgs) => roundTrips(need(), a),
  deployFlows: ({ flows }: { flows: FlowDefinition[] }) => {
    for (const f of flows) need().deployFlow(f);
    return need().flows().length;
  },
  close: async () => {
    await broker?.close();
    broker = undefined;
    return true;
  },
});
