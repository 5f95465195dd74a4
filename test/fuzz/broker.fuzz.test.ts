import { expect } from 'chai';
import fc from 'fast-check';
import http from 'node:http';
import WebSocket from 'ws';
import { startBroker } from '../../lib/broker';
import type { Broker } from '../../lib/broker';
import { decodeClientFrame, decodeServerFrame, encodeClientFrame } from '../../lib/protocol/frames';
import { encodeEvent, encodeRegistration, parseServerMessage } from '../../lib/protocol/messages';
import { isStatus } from '../../lib/protocol/status';
import { changed, smartObject, until } from '../support';
import {
  PROTO_KEYS, deepJsonText, expectNoPollution, fuzzParams, fuzzTimeout, hostileJsonObjectText, hostileJsonText, hostileJsonValue,
  hostilePointer, hostileString, hostileTemplate, snapshotPrototypes,
} from './arbitraries';

const MAX_BYTES = 64 * 1024;
const GOOD = 'fuzz-good-0000-4000-8000-000000000001';
const SINK = 'fuzz-sink-0000-4000-8000-000000000002';
const WAIT_MS = 5000;

/**
 * A websocket peer that keeps every status answer in order and can wait for a condition
 * without sleeping: conditions are re-checked on each frame and on close.
 */
class Peer {
  readonly answers: string[] = [];
  readonly others: string[] = [];
  /** Frames the broker sent that the client-side codec could not decode. */
  readonly undecodable: string[] = [];
  closeInfo?: { code: number; reason: string };
  localPort = 0;
  private connected = false;

  private constructor(
    readonly ws: WebSocket,
    readonly sockJs: boolean,
  ) {
    ws.on('error', () => undefined);
    ws.on('upgrade', (res) => {
      this.localPort = res.socket.localPort ?? 0;
    });
    ws.on('message', (data, isBinary) => {
      const text = (data as Buffer).toString('utf8');
      if (isBinary) this.undecodable.push(`binary: ${text}`);
      let messages: string[] = [];
      try {
        const f = decodeServerFrame(text, sockJs);
        if (f.kind === 'messages') messages = f.messages;
      } catch {
        this.undecodable.push(text);
      }
      for (const m of messages) {
        if (m === 'IO_CONNECTED' && !this.connected) this.connected = true;
        else if (isStatus(m)) this.answers.push(m);
        else this.others.push(m);
      }
      changed();
    });
    ws.on('close', (code, reason) => {
      this.closeInfo = { code, reason: reason.toString('utf8') };
      changed();
    });
  }

  static async open(base: string, sockJs: boolean): Promise<Peer> {
    const path = sockJs ? `/websocket/data/${Math.floor(Math.random() * 900) + 100}/fuzz${Date.now()}/websocket` : '/websocket/data/websocket';
    const p = new Peer(new WebSocket(base + path), sockJs);
    await p.until(() => p.connected || p.closeInfo !== undefined, 'IO_CONNECTED');
    if (!p.connected) throw new Error(`the broker closed a fresh connection: ${JSON.stringify(p.closeInfo)}`);
    return p;
  }

  /** Resolves once `cond()` holds; rejects after WAIT_MS naming `what` and what arrived. */
  until(cond: () => boolean, what: string, ms = WAIT_MS): Promise<void> {
    return until(cond, () => `${what}; answers ${JSON.stringify(this.answers.slice(-10))}, close ${JSON.stringify(this.closeInfo)}`, ms);
  }

  send(message: string): void {
    this.ws.send(encodeClientFrame(message, this.sockJs));
  }

  async close(): Promise<void> {
    if (this.closeInfo) return;
    this.ws.close();
    await this.until(() => this.closeInfo !== undefined, 'close', 2000).catch(() => this.ws.terminate());
  }
}

/** One REST request without keep-alive, so no socket outlives the test. */
function rest(broker: Broker, method: string, path: string, body?: string): Promise<{ status: number; json: unknown; text: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request(`${broker.httpUrl}${path}`, { method, agent: false, headers: { 'content-type': 'application/json' } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let json: unknown;
        try {
          json = JSON.parse(text);
        } catch {
          json = undefined;
        }
        resolve({ status: res.statusCode ?? 0, json, text });
      });
    });
    req.on('error', reject);
    req.setTimeout(WAIT_MS, () => req.destroy(new Error(`${method} ${path} timed out`)));
    req.end(body);
  });
}

/** A refusal over REST is JSON with an `error` that says something. */
function expectErrorBody(r: { json: unknown; text: string }): void {
  const error = (r.json as { error?: unknown } | undefined)?.error;
  expect(error, r.text.slice(0, 200)).to.be.a('string');
  expect((error as string).length, r.text.slice(0, 200)).to.be.greaterThan(10);
}

// ---- what the hostile peer sends --------------------------------------------------------------

type Action =
  | { kind: 'message'; text: string }
  | { kind: 'frame'; text: string }
  | { kind: 'flow'; body: string }
  | { kind: 'call'; body: string }
  | { kind: 'config'; body: string }
  | { kind: 'upgrade'; path: string };

/** Frames after which the broker must close the session. */
type Breaking = { kind: 'binary'; bytes: Uint8Array } | { kind: 'badUtf8'; bytes: Uint8Array } | { kind: 'oversized'; fill: string };

/** Self-descriptions: valid ones with one hostile field, or anything object-shaped. */
const hostileRegistration = fc.oneof(
  // well-formed, so that later hostile events of this peer can be accepted too
  fc.tuple(fc.constantFrom('fuzz-hostile-1', 'fuzz-hostile-2'), hostileString()).map(([uuid, name]) => encodeRegistration(smartObject(uuid, { name }))),
  fc
    .tuple(fc.constantFrom('uuid', 'name', '@class', 'events', 'functions', 'configuration', 'services', 'token', ...PROTO_KEYS), hostileJsonText, fc.constantFrom(GOOD, SINK, 'fuzz-hostile-1', 'fuzz-hostile-2'))
    .map(([field, v, uuid]) => {
      const sd = smartObject(uuid);
      const text = encodeRegistration(sd);
      return `${text.slice(0, -1)},${JSON.stringify(field)}:${v}}`; // duplicate key: the hostile value wins
    }),
  fc.constantFrom('fuzz-hostile-1', GOOD).map((uuid) => encodeRegistration(smartObject(uuid, { '@class': 'Gateway', services: [smartObject(SINK)] }))),
  hostileJsonObjectText.map((b) => `R ${b}`),
  deepJsonText.map((d) => `R {"uuid":"fuzz-hostile-1","@class":"SmartObject","events":${d}}`),
  fc.integer({ min: 1, max: 400 }).map((n) => `R ${'{"@class":"Gateway","uuid":"g","services":['.repeat(n)}${']}'.repeat(n)}`),
);

const hostileEvent = fc.oneof(
  fc
    .record({
      uuid: fc.constantFrom(GOOD, SINK, 'fuzz-hostile-1', 'nobody'),
      eventId: fc.oneof(fc.constantFrom('EV1', 'NOPAY', 'nope'), hostileString()),
      priority: fc.oneof(fc.integer({ min: 0, max: 2 }), fc.constantFrom('HIGH', 'x')),
      dataObject: hostileJsonValue,
      correlationId: hostileString(),
    })
    .map((e) => `E ${JSON.stringify({ ...e, postDate: '2026-01-01T00:00:00Z' })}`),
  fc.tuple(fc.constantFrom('E ', 'E', 'E\n'), hostileJsonObjectText).map(([p, b]) => p + b),
  deepJsonText.map((d) => `E {"uuid":"fuzz-hostile-1","eventId":"EV1","dataObject":${d}}`),
);

const hostileMessage = fc.oneof(
  { weight: 3, arbitrary: hostileRegistration },
  { weight: 3, arbitrary: hostileEvent },
  { weight: 1, arbitrary: fc.constantFrom('pong', ' pong\n', 'ping', 'IO_PUBLISHED', '', ' ', 'C {}', 'K {}') },
  { weight: 2, arbitrary: hostileString(40) },
);

const mapping = fc.oneof(hostilePointer, hostileTemplate);

const hostileFlow = fc.oneof(
  fc
    .array(fc.tuple(hostilePointer, mapping), { maxLength: 4 })
    .map((pairs) => {
      const map: Record<string, string> = {};
      for (const [t, s] of pairs) Object.defineProperty(map, t, { value: s, enumerable: true, configurable: true, writable: true });
      return JSON.stringify({ from: { service: GOOD, event: 'EV1' }, to: { service: SINK, function: 'fn' }, map });
    }),
  fc.tuple(hostilePointer, hostilePointer, fc.option(hostileTemplate, { nil: undefined })).map(([target, source, template]) =>
    JSON.stringify({
      name: 'hostile',
      transitions: [{
        inputs: [{
          transitionInput: { type: 'InputEvent', eventId: 'EV1', service: { uUID: GOOD } },
          processors: [{
            pattern: { mapping: [{ source: [{ path: source }], target: { path: target, ...(template ? { template } : {}) } }] },
            output: { transitionOutput: { type: 'FunctionCall', functionId: 'fn', serviceEndpoint: { service: { uUID: SINK } } } },
          }],
        }],
      }],
    })),
  // a well-formed flow whose target pointer nests the parameters thousands of levels deep
  fc.tuple(fc.integer({ min: 1, max: 20_000 }), fc.constantFrom('/uuid', '/dataObject', '/correlationId', '/priority', '${/eventId}')).map(([n, source]) =>
    JSON.stringify({ from: { service: GOOD, event: 'EV1' }, to: { service: SINK, function: 'fn' }, map: { ['/a'.repeat(n)]: source } })),
  hostileJsonObjectText,
  hostileJsonText,
  deepJsonText,
  hostileString(),
);

const hostileAction: fc.Arbitrary<Action> = fc.oneof(
  { weight: 8, arbitrary: hostileMessage.map((text) => ({ kind: 'message' as const, text })) },
  { weight: 2, arbitrary: fc.oneof(hostileString(30), hostileJsonText, fc.array(hostileMessage, { maxLength: 3 }).map((ms) => JSON.stringify(ms))).map((text) => ({ kind: 'frame' as const, text })) },
  { weight: 3, arbitrary: hostileFlow.map((body) => ({ kind: 'flow' as const, body })) },
  {
    weight: 1,
    arbitrary: fc
      .oneof(
        fc.record({ functionId: fc.oneof(fc.constantFrom('fn', ''), hostileString()), parameters: hostileJsonValue, correlationId: fc.oneof(hostileString(), fc.integer()) }, { requiredKeys: [] }).map((b) => JSON.stringify(b)),
        hostileJsonText,
        deepJsonText.map((d) => `{"functionId":"fn","parameters":{"x":${d}}}`),
      )
      .map((body) => ({ kind: 'call' as const, body })),
  },
  { weight: 1, arbitrary: fc.oneof(hostileJsonObjectText, fc.constant('{"params":{"__proto__":{"polluted":1}}}'), deepJsonText.map((d) => `{"params":{"p":${d}}}`)).map((body) => ({ kind: 'config' as const, body })) },
  { weight: 1, arbitrary: hostileString(20).map((s) => ({ kind: 'upgrade' as const, path: `/websocket/${encodeURIComponent(Buffer.from(s, 'utf8').toString('utf8'))}` })) },
);

const breakingAction: fc.Arbitrary<Breaking> = fc.oneof(
  fc.uint8Array({ maxLength: 64 }).map((bytes) => ({ kind: 'binary' as const, bytes })),
  fc.uint8Array({ maxLength: 16 }).map((b) => ({ kind: 'badUtf8' as const, bytes: Uint8Array.from([...b, 0xc3, 0x28, 0xff]) })),
  fc.constantFrom('x', 'é', '[').map((fill) => ({ kind: 'oversized' as const, fill })),
);

const runArb = fc.record({
  sockJs: fc.boolean(),
  actions: fc
    .array(
      fc.oneof(
        { weight: 6, arbitrary: hostileAction.map((a) => [a]) },
        // register, then publish hostile payloads that the broker must accept and route
        {
          weight: 1,
          arbitrary: fc.tuple(hostileJsonValue, hostileString()).map(([dataObject, correlationId]): Action[] => [
            { kind: 'message', text: encodeRegistration(smartObject('fuzz-hostile-2')) },
            { kind: 'message', text: encodeEvent({ uuid: 'fuzz-hostile-2', eventId: 'EV1', priority: 1, postDate: 'x', dataObject, correlationId }) },
          ]),
        },
      ),
      { minLength: 1, maxLength: 6 },
    )
    .map((groups) => groups.flat()),
  breaking: fc.option(breakingAction, { nil: undefined, freq: 4 }),
  goodEvents: fc.array(hostileJsonValue, { minLength: 1, maxLength: 3 }),
});

describe('fuzz: broker under hostile clients', function () {
  this.timeout(fuzzTimeout(60_000, 40));
  const protos = snapshotPrototypes();
  const crashes: unknown[] = [];
  const onCrash = (e: unknown): void => {
    crashes.push(e);
  };
  let broker: Broker;
  let good: Peer;
  let sink: Peer;
  const protocolErrors: Array<{ connectionId: string; reason: string }> = [];
  const rejections: Array<{ reason: string; status: string; connectionId?: string }> = [];
  const connections = new Map<number, string>();

  before(async () => {
    process.on('uncaughtException', onCrash);
    process.on('unhandledRejection', onCrash);
    broker = await startBroker({ maxMessageBytes: MAX_BYTES, maxBodyBytes: MAX_BYTES });
    broker.on('protocolError', (e) => protocolErrors.push(e));
    broker.on('rejected', (e) => rejections.push(e));
    broker.on('connection', (c) => connections.set(Number(c.remoteAddress.split(':').pop()), c.connectionId));
    good = await Peer.open(broker.url, true);
    good.send(encodeRegistration(smartObject(GOOD)));
    sink = await Peer.open(broker.url, false);
    sink.send(encodeRegistration(smartObject(SINK)));
    await good.until(() => good.answers.length === 1, 'the good client to register');
    await sink.until(() => sink.answers.length === 1, 'the sink to register');
    expect([good.answers[0], sink.answers[0]]).to.deep.equal(['IO_REGISTERED', 'IO_REGISTERED']);
  });

  after(async () => {
    process.off('uncaughtException', onCrash);
    process.off('unhandledRejection', onCrash);
    await good?.close();
    await sink?.close();
    await broker?.close();
  });

  it('regressions the fuzzer found: too-deep JSON is refused where it enters, and never answered twice', async () => {
    const deep = (n: number): string => '['.repeat(n) + ']'.repeat(n);
    // REST bodies used to be forwarded as C/K messages that the service could not parse
    const k = await rest(broker, 'POST', `/service/${SINK}/configuration`, `{"params":{"p":${deep(1500)}}}`);
    expect(k.status).to.equal(400);
    expect((k.json as { error: string }).error).to.match(/nested more than 1000 levels/);
    const c = await rest(broker, 'POST', `/service/${SINK}/call`, `{"functionId":"fn","parameters":{"p":${deep(1500)}}}`);
    expect(c.status).to.equal(400);
    // programmatic calls reject (they used to throw a RangeError synchronously)
    let nested: unknown = 1;
    for (let i = 0; i < 6000; i++) nested = [nested];
    const refused = await broker.callFunction(SINK, 'fn', { p: nested }).then(() => undefined, (e: Error & { code?: string }) => e);
    expect(refused?.code).to.equal('BAD_MESSAGE');
    // a flow target pointer that nests the parameters too deep: undeliverable, and the
    // publisher still gets exactly one IO_PUBLISHED (it used to get a second, NIO, answer)
    const ids: Array<string | number> = [];
    for (const n of [1500, 6000]) {
      ids.push(broker.deployFlow({ from: { service: GOOD, event: 'EV1' }, to: { service: SINK, function: 'fn' }, map: { ['/a'.repeat(n)]: '/uuid' } }));
    }
    const reasons: string[] = [];
    const onUndeliverable = (u: { reason: string }): void => void reasons.push(u.reason);
    broker.on('undeliverable', onUndeliverable);
    const answersBefore = good.answers.length;
    good.send(encodeEvent({ uuid: GOOD, eventId: 'EV1', priority: 0, postDate: 'now', dataObject: 'x' }));
    good.send(encodeEvent({ uuid: GOOD, eventId: 'NOPAY', priority: 0, postDate: 'now' }));
    await good.until(() => good.answers.length >= answersBefore + 2, 'two answers');
    broker.off('undeliverable', onUndeliverable);
    for (const id of ids) broker.removeFlow(id);
    expect(good.answers.slice(answersBefore)).to.deep.equal(['IO_PUBLISHED', 'IO_PUBLISHED']);
    expect(reasons).to.have.length(2);
    expect(reasons[0]).to.match(/nests more than 1000 levels deep/);
    expect(reasons[1]).to.match(/nests more than 1000 levels deep|cannot be encoded as JSON/);
    expect(sink.others.splice(0)).to.deep.equal([]);
  });

  it('hostile frames, messages, flows and REST calls: no crash, each refusal explained, the good client unaffected', async () => {
    let goodSent = good.answers.length - 1; // answers so far: IO_REGISTERED, then one per event
    // what the runs reached, so that a generator that stopped producing a case is noticed
    const reached = { registered: 0, published: 0, refused: 0, closed: 0, flowsStored: 0, flowsRefused: 0, routed: 0, undeliverable: 0 };
    let undeliverable = 0;
    broker.on('undeliverable', () => undeliverable++);
    await fc.assert(
      fc.asyncProperty(runArb, async ({ sockJs, actions, breaking, goodEvents }) => {
        const flowsBefore = new Set(broker.flows().map((f) => String(f.id)));
        const peer = await Peer.open(broker.url, sockJs);
        const connectionId = connections.get(peer.localPort);
        expect(connectionId, 'the broker announced the connection').to.be.a('string');
        try {
          // the good client keeps publishing while the hostile one works
          for (const v of goodEvents) {
            good.send(encodeEvent({ uuid: GOOD, eventId: 'EV1', priority: 0, postDate: new Date().toISOString(), dataObject: v, correlationId: `g${goodSent}` }));
            goodSent++;
          }
          let expected = 0; // status answers the hostile peer is owed
          const rejectionsBefore = rejections.length;
          let breaker: Breaking | undefined = breaking;
          for (const a of actions) {
            if (a.kind === 'message' && Buffer.byteLength(encodeClientFrame(a.text, sockJs)) > MAX_BYTES) {
              breaker = { kind: 'oversized', fill: '' }; // this one already breaks the session
              peer.send(a.text);
              break;
            }
            if (a.kind === 'message') {
              peer.send(a.text);
              // raw framing drops one trailing newline; then "pong" alone is not answered
              if (a.text.trim() !== 'pong') expected++;
            } else if (a.kind === 'frame') {
              let messages: string[] | undefined;
              try {
                messages = decodeClientFrame(a.text, sockJs);
              } catch {
                messages = undefined;
              }
              if (messages === undefined) continue; // a bad SockJS frame breaks the session: only at the end
              if (Buffer.byteLength(a.text) > MAX_BYTES) continue;
              peer.ws.send(a.text);
              expected += messages.filter((m) => m.trim() !== 'pong').length;
            } else if (a.kind === 'flow') {
              const r = await rest(broker, 'POST', '/integrationFlow/create/deploy', a.body);
              expect(r.status, `flow ${a.body.slice(0, 300)} → ${r.text.slice(0, 300)}`).to.be.oneOf([201, 400, 413]);
              if (r.status !== 201) expectErrorBody(r);
              if (r.status === 201) reached.flowsStored++;
              else reached.flowsRefused++;
            } else if (a.kind === 'call' || a.kind === 'config') {
              const path = a.kind === 'call' ? `/service/${SINK}/call` : `/service/${SINK}/configuration`;
              const r = await rest(broker, 'POST', path, a.body);
              expect(r.status, `${a.kind} ${a.body.slice(0, 300)} → ${r.text.slice(0, 300)}`).to.be.oneOf([200, 400, 413, 422]);
              if (r.status !== 200) expectErrorBody(r);
            } else if (a.kind === 'upgrade') {
              const ws = new WebSocket(broker.url + a.path);
              ws.on('error', () => undefined);
              const status = await new Promise<number>((resolve) => {
                ws.on('unexpected-response', (_req, res) => {
                  res.resume();
                  resolve(res.statusCode ?? 0);
                });
                ws.on('open', () => resolve(101));
              });
              ws.terminate();
              expect(status, a.path).to.be.oneOf([400, 404]);
            }
          }

          if (breaker === undefined) {
            // a well-formed registration after everything: its answer comes last, in order
            const barrier = 'fuzz-barrier'; // free again: the previous run's peer has closed
            peer.send(encodeRegistration(smartObject(barrier)));
            expected++;
            await peer.until(() => peer.answers.length >= expected || peer.closeInfo !== undefined, `${expected} answers`);
            expect(peer.closeInfo, 'valid framing must not close the session').to.equal(undefined);
            expect(peer.answers.length, JSON.stringify(peer.answers)).to.equal(expected);
            expect(peer.answers[expected - 1]).to.equal('IO_REGISTERED');
          } else {
            if (breaker !== breaking) {
              // already sent in the loop
            } else if (breaker.kind === 'binary') peer.ws.send(breaker.bytes, { binary: true });
            else if (breaker.kind === 'badUtf8') peer.ws.send(Buffer.from(breaker.bytes), { binary: false });
            else peer.send(`E ${JSON.stringify({ uuid: 'x', eventId: 'y', dataObject: breaker.fill.repeat(MAX_BYTES) })}`);
            const kind = breaker.kind;
            await peer.until(() => peer.closeInfo !== undefined, `the close after a ${kind} frame`);
            expect(peer.answers.length, `answers before the ${kind} frame`).to.equal(expected);
            expect(peer.closeInfo!.code).to.be.oneOf([1003, 1007, 1009]);
            const explained = peer.closeInfo!.reason !== '' || protocolErrors.some((e) => e.connectionId === connectionId && e.reason.length > 10);
            expect(explained, `close ${JSON.stringify(peer.closeInfo)} without a reason or protocolError`).to.equal(true);
          }

          // every NIO the hostile peer got is mirrored by a 'rejected' event with a reason
          const nio = peer.answers.filter((s) => s.startsWith('NIO')).length;
          const mine = rejections.slice(rejectionsBefore).filter((r) => r.connectionId === connectionId);
          expect(mine.length, JSON.stringify(mine.map((r) => r.reason.slice(0, 100)))).to.equal(nio);
          for (const r of mine) expect(r.reason.length, r.reason).to.be.greaterThan(10);
          expect(peer.undecodable).to.deep.equal([]);
          reached.registered += peer.answers.filter((a) => a === 'IO_REGISTERED').length - (breaker === undefined ? 1 : 0);
          reached.published += peer.answers.filter((a) => a === 'IO_PUBLISHED').length;
          reached.refused += nio;
          if (peer.closeInfo) reached.closed++;

          // the good client: one IO_PUBLISHED per event, nothing else
          // EV1 again, so that the flows stored by this run route it to the sink
          good.send(encodeEvent({ uuid: GOOD, eventId: 'EV1', priority: 0, postDate: new Date().toISOString(), dataObject: 'after' }));
          goodSent++;
          await good.until(() => good.answers.length >= goodSent + 1, `IO_PUBLISHED for ${goodSent} events`);
          expect(good.answers.slice(1).filter((s) => s !== 'IO_PUBLISHED'), 'the good client got refusals').to.deep.equal([]);
          expect(good.answers.length).to.equal(goodSent + 1);
          expect(good.closeInfo).to.equal(undefined);
          expect(good.undecodable).to.deep.equal([]);

          // whatever flows made of the good events, the sink got well-formed calls (the
          // re-registration is answered after every call routed before it)
          const sinkAnswers = sink.answers.length;
          sink.send(encodeRegistration(smartObject(SINK)));
          await sink.until(() => sink.answers.length > sinkAnswers, 'the sink to re-register');
          expect(sink.answers.slice(sinkAnswers)).to.deep.equal(['IO_REGISTERED']);
          reached.routed += sink.others.length;
          for (const m of sink.others.splice(0)) {
            const parsed = parseServerMessage(m);
            expect(parsed.type, m.slice(0, 200)).to.be.oneOf(['call', 'config']);
          }
          expect(sink.closeInfo).to.equal(undefined);
          const list = await rest(broker, 'GET', '/integrationFlow');
          expect(list.status, list.text.slice(0, 200)).to.equal(200);
          const services = await rest(broker, 'GET', '/service');
          expect(services.status, services.text.slice(0, 200)).to.equal(200);
          expect(crashes, String(crashes[0])).to.deep.equal([]);
          expectNoPollution(protos);
        } finally {
          await peer.close();
          for (const f of broker.flows()) if (!flowsBefore.has(String(f.id))) broker.removeFlow(f.id);
        }
      }),
      fuzzParams(60, 0.25),
    );
    reached.undeliverable = undeliverable;
    for (const [what, n] of Object.entries(reached)) expect(n, `runs that reached "${what}"`).to.be.greaterThan(0);
  });
});
