import { expect } from 'chai';
import fc from 'fast-check';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { startBroker } from '../../lib/broker';
import { compileFlow } from '../../lib/broker/flow-compiler';
import type { Broker, BrokerOptions } from '../../lib/broker';
import { TestClient, isPublishAnswer, smartObject, within } from '../support';
import { fuzzParams, fuzzTimeout, hostileJsonText, hostilePointer, hostileString, hostileTemplate } from './arbitraries';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

const LIMITS = {
  maxServices: 30,
  maxRegistryBytes: 1024 * 1024,
  maxSelfDescriptionBytes: 64 * 1024,
  maxFlows: 15,
  maxFlowBytes: 8 * 1024,
  maxCallBytes: 64 * 1024,
  maxTokens: 40,
  maxBodyBytes: 64 * 1024,
} satisfies BrokerOptions;
/** Heap the broker may add over the whole run, every limit filled: far below what the inputs would take unbounded. */
const HEAP_CEILING_MIB = 48;

const SRC = 'fuzz-src-0000-4000-8000-000000000001';
const DST = 'fuzz-dst-0000-4000-8000-000000000002';
const BYSTANDER = 'fuzz-bys-0000-4000-8000-000000000003';
const KINDS = ['service', 'smartobject', 'application', 'gateway'];
const STATUSES = [200, 201, 400, 401, 403, 404, 405, 409, 413, 429];

/** URL-encoded; a lone surrogate (which encodeURIComponent refuses) becomes its escape. */
const segment = (s: string): string => encodeURIComponent(s.replace(/[\uD800-\uDFFF]/g, (c) => `%${c.charCodeAt(0).toString(16)}`));
const uuidArb = fc.oneof(fc.constantFrom(SRC, DST, BYSTANDER, 'nobody'), hostileString(12).map(segment));
const repeated = fc
  .tuple(fc.constantFrom('${/dataObject}', 'x${/dataObject}', '${/correlationId}', '${/dataObject/0}'), fc.integer({ min: 1, max: 400 }))
  .map(([t, n]) => t.repeat(n));
const mapArb = fc.dictionary(
  fc.oneof({ weight: 4, arbitrary: fc.constantFrom('/dataObject', '/a', '/a/b', '/c', '') }, { weight: 1, arbitrary: hostilePointer }),
  fc.oneof({ weight: 3, arbitrary: repeated }, { weight: 1, arbitrary: hostileTemplate }, { weight: 1, arbitrary: hostilePointer }, { weight: 2, arbitrary: fc.constant('/dataObject') }),
  { maxKeys: 6 },
);
const flowArb: fc.Arbitrary<Record<string, unknown>> = fc.record(
  {
    name: hostileString(),
    from: fc.record({ service: fc.constantFrom(SRC, SRC, `SO ${SRC}`, 'nobody'), event: fc.constantFrom('EV1', 'EV1', 'EV2') }),
    to: fc.record({ service: fc.constantFrom(DST, BYSTANDER, 'nobody'), function: fc.constantFrom('fn', '/arrayfun', 'nope') }),
    map: mapArb,
  },
  { requiredKeys: ['from', 'to'] },
);
const bodyArb = fc.oneof(
  flowArb.map((f) => JSON.stringify(f)),
  hostileJsonText,
  fc.integer({ min: 1, max: 100_000 }).map((n) => JSON.stringify({ params: { p1: 'y'.repeat(n) } })),
  fc.constant(''),
);

type Action =
  | { kind: 'rest'; method: string; path: string; body?: string }
  | { kind: 'register'; count: number; descriptionBytes: number }
  | { kind: 'event'; data: unknown };

const restArb: fc.Arbitrary<Action> = fc
  .tuple(
    fc.constantFrom('GET', 'POST', 'PUT', 'DELETE'),
    fc.oneof(
      hostileString(10).map((o) => `/token/${segment(o)}`),
      fc.tuple(fc.constantFrom(...KINDS), uuidArb).map(([k, u]) => `/${k}/${u}`),
      fc.tuple(fc.constantFrom(...KINDS), uuidArb, fc.constantFrom('call', 'configuration')).map(([k, u, w]) => `/${k}/${u}/${w}`),
      fc.constantFrom('/integrationFlow/create', '/integrationFlow/create/deploy', '/integrationFlow', '/service'),
      fc.tuple(fc.integer({ min: 1, max: 40 }), fc.constantFrom('', '/deploy', '/undeploy')).map(([id, w]) => `/integrationFlow/${id}${w}`),
    ),
    fc.option(bodyArb, { nil: undefined }),
  )
  .map(([method, path, body]) => ({ kind: 'rest', method, path, ...(body !== undefined && method !== 'GET' ? { body } : {}) }));

const actionArb: fc.Arbitrary<Action> = fc.oneof(
  { weight: 5, arbitrary: restArb },
  { weight: 4, arbitrary: flowArb.map((f): Action => ({ kind: 'rest', method: 'POST', path: '/integrationFlow/create/deploy', body: JSON.stringify(f) })) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('register' as const), count: fc.integer({ min: 1, max: 8 }), descriptionBytes: fc.integer({ min: 0, max: 70_000 }) }) },
  {
    weight: 3,
    arbitrary: fc
      .oneof(fc.integer({ min: 0, max: 60_000 }).map((n) => 'd'.repeat(n)), fc.array(fc.string(), { maxLength: 5 }), hostileJsonText.map((t) => JSON.parse(t) as unknown))
      .map((data): Action => ({ kind: 'event', data })),
  },
);

describe('fuzz: REST and flow definitions against the broker limits', function () {
  this.timeout(fuzzTimeout(90_000, 400));
  let broker: Broker;
  let source: TestClient;
  let target: TestClient;
  let bystander: TestClient;
  let heapBefore = 0;
  let correlation = 0;
  const outcomes = new Map<string, { calls: number; undeliverable: number; callBytes: number[]; wake?: () => void }>();

  before(async () => {
    broker = await startBroker(LIMITS);
    broker.on('call', ({ call }) => {
      const o = call.correlationId !== undefined ? outcomes.get(call.correlationId) : undefined;
      if (!o) return;
      o.calls++;
      o.callBytes.push(Buffer.byteLength(`C ${JSON.stringify(call)}`));
      o.wake?.();
    });
    broker.on('undeliverable', ({ correlationId }) => {
      const o = correlationId !== undefined ? outcomes.get(correlationId) : undefined;
      if (!o) return;
      o.undeliverable++;
      o.wake?.();
    });
    source = await TestClient.connect(broker.url);
    target = await TestClient.connect(broker.url, { sockJs: false });
    bystander = await TestClient.connect(broker.url);
    expect(await source.registerAndWait(smartObject(SRC))).to.equal('IO_REGISTERED');
    expect(await target.registerAndWait(smartObject(DST))).to.equal('IO_REGISTERED');
    expect(await bystander.registerAndWait(smartObject(BYSTANDER))).to.equal('IO_REGISTERED');
    gc();
    heapBefore = process.memoryUsage().heapUsed;
  });

  after(async () => {
    for (const c of [source, target, bystander]) await c?.close();
    await broker?.close();
  });

  /** Deployed routes an EV1 of the source matches, from the stored definitions. */
  function expectedCalls(): number {
    let n = 0;
    for (const f of broker.flows()) {
      if (!f.deployed) continue;
      n += compileFlow(f.definition).routes.filter((r) => (r.source === SRC || r.source === `SO ${SRC}`) && r.eventId === 'EV1').length;
    }
    return n;
  }

  async function run(action: Action): Promise<void> {
    if (action.kind === 'rest') {
      const res = await fetch(broker.httpUrl + action.path, { method: action.method, ...(action.body !== undefined ? { body: action.body } : {}) });
      const text = await res.text();
      expect(STATUSES, `${action.method} ${action.path} → ${res.status} ${text.slice(0, 200)}`).to.include(res.status);
      if (res.status >= 400) expect(JSON.parse(text).error, `${action.method} ${action.path}`).to.be.a('string').and.not.equal('');
      return;
    }
    if (action.kind === 'register') {
      const c = await TestClient.connect(broker.url);
      try {
        for (let i = 0; i < action.count; i++) {
          const answer = await c.registerAndWait(smartObject(`fuzz-reg-${correlation}-${i}`, { description: 'r'.repeat(action.descriptionBytes) }));
          expect(['IO_REGISTERED', 'NIO_REGISTRATION_ERROR']).to.include(answer);
        }
      } finally {
        await c.close();
      }
      return;
    }
    const id = `fz-${correlation++}`;
    const expected = expectedCalls();
    const o: { calls: number; undeliverable: number; callBytes: number[]; wake?: () => void } = { calls: 0, undeliverable: 0, callBytes: [] };
    outcomes.set(id, o);
    const settled = new Promise<void>((resolve) => {
      o.wake = () => o.calls + o.undeliverable >= expected && resolve();
      o.wake();
    });
    source.publish({ uuid: SRC, eventId: 'EV1', dataObject: action.data, correlationId: id });
    expect(await source.next(isPublishAnswer)).to.equal('IO_PUBLISHED');
    // every route the event matched either delivered a call within maxCallBytes or reported why not
    await within(settled, 5000, `${expected} calls or undeliverable reports for ${id} (got ${o.calls} + ${o.undeliverable})`);
    expect(o.calls + o.undeliverable).to.equal(expected);
    for (const b of o.callBytes) expect(b).to.be.at.most(LIMITS.maxCallBytes);
    outcomes.delete(id);
  }

  it('any sequence of REST requests, flow definitions, registrations and events: limits hold, every answer is explained, the bystander keeps working, the heap stays under its ceiling', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(actionArb, { minLength: 1, maxLength: 12 }), async (actions) => {
        for (const a of actions) await run(a);
        const s = broker.stats();
        expect(s.services).to.be.at.most(LIMITS.maxServices);
        expect(s.registryBytes).to.be.at.most(LIMITS.maxRegistryBytes);
        expect(s.flows).to.be.at.most(LIMITS.maxFlows);
        expect(s.flowBytes).to.be.at.most(LIMITS.maxFlows * LIMITS.maxFlowBytes);
        expect(s.tokens).to.be.at.most(LIMITS.maxTokens);
        bystander.publish({ uuid: BYSTANDER, eventId: 'EV1', dataObject: 'still here' });
        expect(await bystander.next(isPublishAnswer)).to.equal('IO_PUBLISHED');
        expect(bystander.closeInfo).to.equal(undefined);
        // the fuzzer's own test clients keep what they received; drop it so only the broker is measured
        target.queue.length = 0;
        target.frames.length = 0;
        bystander.queue.length = 0;
        bystander.frames.length = 0;
        source.frames.length = 0;
        gc();
        const grown = (process.memoryUsage().heapUsed - heapBefore) / 2 ** 20;
        expect(grown, 'heap growth (MiB)').to.be.below(HEAP_CEILING_MIB);
      }),
      fuzzParams(25, 0.02),
    );
    expect((await fetch(`${broker.httpUrl}/actuator/health`)).status).to.equal(200);
  });
});

