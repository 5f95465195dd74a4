import type { Broker } from '../../lib/broker';
import type { MsbApp } from '../../lib';
import type { MsbEvent } from '../../lib';
import { BareClient, eventFrame } from '../bare-client';
import { immediate, sleep, nowMs } from '../common';
import type { Handlers } from '../rpc';
import { quietLogger } from '../quiet-logger';
import type { Official } from '../official-client';

/**
 * Publish throughput: events acknowledged by `IO_PUBLISHED` per second, in a steady state
 * after a warm-up. Every client keeps at most `window` events unacknowledged, so none fills
 * memory; the bare client also waits for the socket to drain above a high-water mark. The
 * official MSB client publishes with `client.publish(eventId, value)` (synchronous) in batches
 * and counts the `IO_PUBLISHED` its connection-state listener reports.
 */
export interface ThroughputSetup {
  client: 'ours' | 'bare' | 'official';
  kind: 'string' | 'dto';
  validate: boolean;
  /** Broker URL; absent: start a broker in this process (the "shared event loop" variant). */
  url?: string;
  /** The bare and the official client's registration, as ours would send it. */
  selfDescriptionJson: string;
}

export interface ThroughputRun {
  warmupMs: number;
  durationMs: number;
  window: number;
}

export interface ThroughputResult {
  eventsPerSec: number;
  acknowledged: number;
  frameBytes: number;
}

const HIGH_WATER_MARK = 1024 * 1024;

let broker: Broker | undefined;
let ours: MsbApp<any> | undefined;
let bare: BareClient | undefined;
let official: Official | undefined;
let setup: ThroughputSetup;

async function runOurs(app: MsbApp<any>, run: ThroughputRun): Promise<{ count: number; ms: number }> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { EVENT_OF, STRING_VALUE, measurement } = require('../services') as typeof import('../services');
  const event = app.instance[EVENT_OF[setup.kind]] as MsbEvent<unknown>;
  const value = setup.kind === 'string' ? () => STRING_VALUE : measurement;
  let stop = false;
  let i = 0;
  const producer = (async () => {
    while (!stop) {
      // As application code would: await every emit.
      for (let k = 0; k < 64; k++) await event.emit(value(i++));
      for (;;) {
        const c = app.counters();
        if (stop || c.queued + c.inFlight < run.window) break;
        await immediate();
      }
    }
  })();
  await sleep(run.warmupMs);
  const a0 = app.counters().acknowledged;
  const t0 = nowMs();
  await sleep(run.durationMs);
  const a1 = app.counters().acknowledged;
  const t1 = nowMs();
  stop = true;
  await producer;
  // Let the tail drain so the next run starts clean.
  for (let n = 0; n < 500 && app.counters().inFlight + app.counters().queued > 0; n++) await sleep(10);
  return { count: a1 - a0, ms: t1 - t0 };
}

async function runBare(client: BareClient, frame: Buffer, run: ThroughputRun): Promise<{ count: number; ms: number }> {
  let stop = false;
  let sent = 0;
  const producer = (async () => {
    while (!stop) {
      for (let k = 0; k < 64; k++) client.send(frame);
      sent += 64;
      if (sent - client.acks >= run.window) await client.acked(sent - run.window / 2);
      if (client.buffered > HIGH_WATER_MARK) await client.drained();
    }
  })();
  await sleep(run.warmupMs);
  const a0 = client.acks;
  const t0 = nowMs();
  await sleep(run.durationMs);
  const a1 = client.acks;
  const t1 = nowMs();
  stop = true;
  await producer;
  await Promise.race([client.acked(sent), sleep(5000)]);
  return { count: a1 - a0, ms: t1 - t0 };
}

async function runOfficial(o: Official, run: ThroughputRun): Promise<{ count: number; ms: number }> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { EVENT_OF, STRING_VALUE, measurement } = require('../services') as typeof import('../services');
  const eventId = EVENT_OF[setup.kind];
  // As application code would: a fresh DTO per publish.
  const value = setup.kind === 'string' ? () => STRING_VALUE : measurement;
  let stop = false;
  let sent = 0;
  let i = 0;
  const producer = (async () => {
    while (!stop) {
      for (let k = 0; k < 64; k++) o.client.publish(eventId, value(i++));
      sent += 64;
      if (sent - o.acks >= run.window) await o.acked(sent - run.window / 2);
      else if ((o.client.socket?.bufferedAmount ?? 0) > HIGH_WATER_MARK) await immediate();
    }
  })();
  await sleep(run.warmupMs);
  const a0 = o.acks;
  const t0 = nowMs();
  await sleep(run.durationMs);
  const a1 = o.acks;
  const t1 = nowMs();
  stop = true;
  await producer;
  await Promise.race([o.acked(sent), sleep(5000)]);
  return { count: a1 - a0, ms: t1 - t0 };
}

let frame: Buffer | undefined;

export const handlers: Handlers = {
  setup: async (s: ThroughputSetup) => {
    setup = s;
    let url = s.url;
    if (!url) {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const { startBroker } = require('../../lib/broker') as typeof import('../../lib/broker');
      broker = await startBroker({ port: 0, host: '127.0.0.1', heartbeatMs: 0, keepAliveMs: 0 });
      url = broker.url;
    }
    if (s.client === 'ours') {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const { bootstrap } = require('../../lib') as typeof import('../../lib');
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const { BenchService } = require('../services') as typeof import('../services');
      ours = await bootstrap(BenchService, { url, validate: s.validate, logger: quietLogger });
    } else if (s.client === 'official') {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const { connectOfficial, silenceConsole } = require('../official-client') as typeof import('../official-client');
      silenceConsole();
      official = await connectOfficial(url, s.selfDescriptionJson, { validate: s.validate });
    } else {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const { EVENT_OF, STRING_VALUE, measurement } = require('../services') as typeof import('../services');
      const sd = JSON.parse(s.selfDescriptionJson) as { uuid: string; events: Array<{ eventId: string }> };
      bare = await BareClient.connect(url, s.selfDescriptionJson);
      const eventId = EVENT_OF[s.kind];
      if (!sd.events.some((e) => e.eventId === eventId)) throw new Error(`no event ${eventId} in the self-description`);
      frame = Buffer.from(eventFrame(sd.uuid, eventId, s.kind === 'string' ? STRING_VALUE : measurement(12345)));
    }
    return true;
  },
  measure: async (run: ThroughputRun): Promise<ThroughputResult> => {
    const r = ours ? await runOurs(ours, run) : official ? await runOfficial(official, run) : await runBare(bare!, frame!, run);
    return { eventsPerSec: (r.count * 1000) / r.ms, acknowledged: r.count, frameBytes: frame?.length ?? 0 };
  },
  close: async () => {
    await ours?.close();
    await bare?.close();
    await official?.close();
    await broker?.close();
    return true;
  },
};
