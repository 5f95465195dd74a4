import http from 'node:http';
import WebSocket from 'ws';
import { selfDescriptionOf } from '../../lib';
import { startBroker } from '../../lib/broker';
import { encodeEvent, encodeRegistration } from '../../lib/protocol/messages';
import { Drill } from '../../samples/drill';
import { median, nowMs } from '../common';

/** What {@link restChecks} measured. */
export interface RestChecksResult {
  checkedCallsPerSec: number;
  forcedCallsPerSec: number;
  eventsPerSecNoStream: number;
  eventsPerSecStreams: number;
  streams: number;
}

function connectService(url: string): Promise<{ ws: WebSocket; acks: () => Promise<void>; uuid: string }> {
  const sd = selfDescriptionOf(Drill, { env: false, propertiesFile: false });
  const ws = new WebSocket(`${url}/websocket/data/websocket`);
  let waiting: { n: number; resolve: () => void } | undefined;
  let published = 0;
  ws.on('message', (d) => {
    if (d.toString().includes('IO_PUBLISHED')) {
      published++;
      if (waiting && published >= waiting.n) waiting.resolve();
    }
  });
  return new Promise((resolve, reject) => {
    ws.once('error', reject);
    ws.on('message', (d) => {
      if (d.toString().includes('IO_REGISTERED')) {
        resolve({
          ws,
          uuid: sd.uuid,
          // resolves once every event sent so far is acknowledged
          acks: () => new Promise<void>((r) => {
            const n = sentCount.value;
            if (published >= n) r();
            else waiting = { n, resolve: r };
          }),
        });
      }
    });
    ws.once('open', () => ws.send(encodeRegistration(sd)));
  });
}

const sentCount = { value: 0 };

async function calls(base: string, uuid: string, n: number, force: boolean): Promise<number> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 8 });
  const body = JSON.stringify({ functionId: 'drill', parameters: { dataObject: { jobId: 'J-1', depthMm: 3, material: 'wood' } }, ...(force ? { force: true } : {}) });
  const one = (): Promise<void> => new Promise((resolve, reject) => {
    const req = http.request(`${base}/service/${uuid}/call`, { method: 'POST', agent, headers: { 'content-type': 'application/json' } }, (res) => {
      res.resume();
      res.on('end', () => (res.statusCode === 200 ? resolve() : reject(new Error(`status ${res.statusCode}`))));
    });
    req.on('error', reject);
    req.end(body);
  });
  const t0 = nowMs();
  // 8 calls in flight, as a script calling in a loop with some concurrency would
  let next = 0;
  await Promise.all(Array.from({ length: 8 }, async () => {
    while (next++ < n) await one();
  }));
  const perSec = n / ((nowMs() - t0) / 1000);
  agent.destroy();
  return perSec;
}

function streamClient(base: string, expected: number): { opened: Promise<void>; done: Promise<void>; req: http.ClientRequest } {
  let count = 0;
  let onOpen!: () => void;
  let onDone!: () => void;
  const opened = new Promise<void>((r) => (onOpen = r));
  const done = new Promise<void>((r) => (onDone = r));
  let buffer = '';
  const req = http.get(`${base}/events`, (res) => {
    res.setEncoding('utf8');
    res.on('data', (d: string) => {
      buffer += d;
      let end: number;
      while ((end = buffer.indexOf('\n\n')) >= 0) {
        const frame = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        if (frame.startsWith(': subscribed')) onOpen();
        else if (frame.includes('\ndata: ')) count++;
      }
      if (count >= expected) onDone();
    });
  });
  return { opened, done, req };
}

async function publish(ws: WebSocket, uuid: string, n: number, acks: () => Promise<void>): Promise<number> {
  const t0 = nowMs();
  for (let i = 0; i < n; i++) {
    ws.send(encodeEvent({ uuid, eventId: 'temperature', priority: 0, postDate: new Date().toISOString(), dataObject: 20 + (i % 10) }));
    sentCount.value++;
  }
  await acks();
  return n / ((nowMs() - t0) / 1000);
}

/**
 * REST call checks (Ajv against the function's data format) against forced calls, and the
 * cost of the event stream: events/s acknowledged without and with `streams` stream clients,
 * each of which receives every event.
 */
export async function restChecks(calls_: number, events: number, streams: number): Promise<RestChecksResult> {
  const broker = await startBroker({ port: 0, maxEventStreams: streams });
  const service = await connectService(broker.url);
  try {
    await calls(broker.httpUrl, service.uuid, 500, false); // warm-up
    await calls(broker.httpUrl, service.uuid, 500, true);
    // alternated, medians: the machine's speed wanders more than the difference measured
    const checked: number[] = [];
    const forced: number[] = [];
    for (let round = 0; round < 3; round++) {
      checked.push(await calls(broker.httpUrl, service.uuid, calls_, false));
      forced.push(await calls(broker.httpUrl, service.uuid, calls_, true));
    }
    const checkedCallsPerSec = median(checked);
    const forcedCallsPerSec = median(forced);
    await publish(service.ws, service.uuid, 1000, service.acks); // warm-up
    const eventsPerSecNoStream = await publish(service.ws, service.uuid, events, service.acks);
    const clients = Array.from({ length: streams }, () => streamClient(broker.httpUrl, events));
    await Promise.all(clients.map((c) => c.opened));
    const t0 = nowMs();
    await publish(service.ws, service.uuid, events, service.acks);
    // counted once every stream client has received every event
    await Promise.all(clients.map((c) => c.done));
    const eventsPerSecStreams = events / ((nowMs() - t0) / 1000);
    clients.forEach((c) => c.req.destroy());
    return { checkedCallsPerSec, forcedCallsPerSec, eventsPerSecNoStream, eventsPerSecStreams, streams };
  } finally {
    service.ws.close();
    await broker.close();
  }
}
