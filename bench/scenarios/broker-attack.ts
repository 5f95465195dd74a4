import { randomUUID } from 'node:crypto';
import WebSocket from 'ws';
import { closeSocket, socketDrained } from '../ws-socket';
import { nowMs, percentile } from '../common';
import type { Handlers } from '../rpc';

/**
 * The attacks of issue 10 against a broker with default options, each from raw `ws` clients:
 * floods of malformed or valid messages on several connections while a bystander measures its
 * acknowledgement latency; registrations of new uuids with large self-descriptions; flows up to
 * the limits; a template that multiplies an event. Two workers run this module: a flooder and
 * the bystander, so the bystander's event loop is its own.
 */

const RAW = '/websocket/data/websocket';

function sd(uuid: string, description = ''): Record<string, unknown> {
  return {
    uuid,
    name: `attack ${uuid.slice(0, 8)}`,
    description,
    token: 'attack',
    '@class': 'SmartObject',
    events: [{ '@id': 1, eventId: 'ev', name: 'ev', description: '', dataFormat: { dataObject: { type: 'string' } } }],
    functions: [{ functionId: 'fn', name: 'fn', description: '', dataFormat: { dataObject: { type: 'string' } } }],
  };
}

/** A raw-framing connection that counts answers and can wait for one matching a predicate. */
class Raw {
  answers = 0;
  private waiter?: { test: (m: string) => boolean; resolve: (m: string) => void };

  private constructor(readonly ws: WebSocket) {
    ws.on('message', (d) => {
      const m = d.toString();
      this.answers++;
      if (this.waiter?.test(m)) {
        const w = this.waiter;
        this.waiter = undefined;
        w.resolve(m);
      }
    });
    ws.on('error', () => undefined);
  }

  static async open(url: string): Promise<Raw> {
    const ws = new WebSocket(url + RAW, { perMessageDeflate: false, maxPayload: 64 * 1024 * 1024 });
    const c = new Raw(ws);
    const connected = c.next((m) => m === 'IO_CONNECTED');
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
    });
    await connected;
    return c;
  }

  next(test: (m: string) => boolean): Promise<string> {
    return new Promise((resolve) => (this.waiter = { test, resolve }));
  }

  async register(body: Record<string, unknown>): Promise<string> {
    const answer = this.next((m) => m === 'IO_REGISTERED' || m.startsWith('NIO'));
    this.ws.send(`R ${JSON.stringify(body)}`);
    return answer;
  }

  /** Resolves once what was written has left the userland buffer. */
  drained(): Promise<void> {
    return socketDrained(this.ws);
  }

  close(): Promise<void> {
    return closeSocket(this.ws);
  }
}

let flooders: Raw[] = [];
let flooding = false;
let sent = 0;
let loops: Array<Promise<void>> = [];

export const handlers: Handlers = {
  /** Opens `connections` flooders and starts sending `kind` messages as fast as the sockets drain. */
  startFlood: async ({ url, connections, kind }: { url: string; connections: number; kind: 'malformed' | 'valid' }) => {
    flooders = await Promise.all(Array.from({ length: connections }, () => Raw.open(url)));
    const frames: string[] = [];
    for (const f of flooders) {
      const uuid = randomUUID();
      if (kind === 'valid') await f.register(sd(uuid));
      f.answers = 0;
      frames.push(kind === 'valid' ? `E ${JSON.stringify({ uuid, eventId: 'ev', priority: 0, postDate: new Date().toISOString(), dataObject: 'flood' })}` : 'E {"uuid": broken');
    }
    flooding = true;
    sent = 0;
    loops = flooders.map(async (f, i) => {
      const frame = Buffer.from(frames[i]);
      while (flooding && f.ws.readyState === WebSocket.OPEN) {
        for (let k = 0; k < 500; k++) f.ws.send(frame, { binary: false });
        sent += 500;
        await f.drained();
      }
    });
    return { connections: flooders.length };
  },
  stopFlood: async () => {
    flooding = false;
    await Promise.all(loops);
    const answered = flooders.reduce((s, f) => s + f.answers, 0);
    const closed = flooders.filter((f) => f.ws.readyState !== WebSocket.OPEN).length;
    await Promise.all(flooders.map((f) => f.close()));
    flooders = [];
    return { sent, answered, closed };
  },
  /** Registers one service and publishes `samples` events one after the other, timing each acknowledgement. */
  latency: async ({ url, samples }: { url: string; samples: number }) => {
    const c = await Raw.open(url);
    const uuid = randomUUID();
    const answer = await c.register(sd(uuid));
    if (answer !== 'IO_REGISTERED') throw new Error(`bystander registration: ${answer}`);
    const times: number[] = [];
    const t0 = nowMs();
    for (let i = 0; i < samples; i++) {
      const acked = c.next((m) => m === 'IO_PUBLISHED' || m.startsWith('NIO'));
      const t = nowMs();
      c.ws.send(`E ${JSON.stringify({ uuid, eventId: 'ev', priority: 0, postDate: new Date().toISOString(), dataObject: `b${i}` })}`);
      const m = await acked;
      if (m !== 'IO_PUBLISHED') throw new Error(`bystander event answered ${m}`);
      times.push(nowMs() - t);
    }
    const elapsed = nowMs() - t0;
    await c.close();
    times.sort((a, b) => a - b);
    return { p50Ms: percentile(times, 50), p99Ms: percentile(times, 99), maxMs: times[times.length - 1], elapsedMs: elapsed };
  },
  /**
   * Memory attacks with the default limits: `registrations` new uuids with self-descriptions of
   * `sdBytes` (10 per connection, which then closes), `flows` flows of `flowBytes`, and one event
   * through a template of `templateCopies` × `${/dataObject}` with a 100 KB payload.
   */
  memoryAttack: async (a: { url: string; httpUrl: string; registrations: number; sdBytes: number; flows: number; flowBytes: number; templateCopies: number }) => {
    const t0 = nowMs();
    const registered = { ok: 0, refused: 0 };
    const description = 'm'.repeat(a.sdBytes);
    for (let done = 0; done < a.registrations; ) {
      const c = await Raw.open(a.url);
      for (let i = 0; i < 10 && done < a.registrations; i++, done++) {
        if ((await c.register(sd(randomUUID(), description))) === 'IO_REGISTERED') registered.ok++;
        else registered.refused++;
      }
      await c.close();
    }
    const flowStatus: Record<number, number> = {};
    const padding = 'f'.repeat(Math.max(0, a.flowBytes - 200));
    for (let i = 0; i < a.flows; i++) {
      const res = await fetch(`${a.httpUrl}/integrationFlow/create`, { method: 'POST', body: JSON.stringify({ name: padding, from: { service: 'x', event: 'ev' }, to: { service: 'y', function: 'fn' } }) });
      await res.arrayBuffer();
      flowStatus[res.status] = (flowStatus[res.status] ?? 0) + 1;
    }
    // the template flow needs a free slot: delete the first stored flow
    await (await fetch(`${a.httpUrl}/integrationFlow/1`, { method: 'DELETE' })).arrayBuffer();
    const src = await Raw.open(a.url);
    const dst = await Raw.open(a.url);
    const srcUuid = randomUUID();
    const dstUuid = randomUUID();
    await src.register(sd(srcUuid));
    await dst.register(sd(dstUuid));
    const flow = { from: { service: srcUuid, event: 'ev' }, to: { service: dstUuid, function: 'fn' }, map: { '/dataObject': '${/dataObject}'.repeat(a.templateCopies) } };
    const deployed = await fetch(`${a.httpUrl}/integrationFlow/create/deploy`, { method: 'POST', body: JSON.stringify(flow) });
    await deployed.arrayBuffer();
    const t1 = nowMs();
    const acked = src.next((m) => m === 'IO_PUBLISHED');
    src.ws.send(`E ${JSON.stringify({ uuid: srcUuid, eventId: 'ev', priority: 0, postDate: new Date().toISOString(), dataObject: 'z'.repeat(100_000) })}`);
    await acked;
    const templateMs = nowMs() - t1;
    await src.close();
    await dst.close();
    return { registered, flowStatus, templateFlowStatus: deployed.status, templateMs, ms: nowMs() - t0 };
  },
  close: async () => {
    flooding = false;
    await Promise.all(flooders.map((f) => f.close()));
    return true;
  },
};
