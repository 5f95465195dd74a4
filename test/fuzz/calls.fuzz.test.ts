import { expect } from 'chai';
import fc from 'fast-check';
import {
  MsbConfigParamError, MsbError, MsbFunctionError, MsbProtocolError, MsbValidationError,
} from '../../lib';
import type { MsbApp } from '../../lib';
import type { Broker } from '../../lib/broker';
import { parseServerMessage } from '../../lib/protocol/messages';
import { Fixture, changed, recordEvents, until } from '../support';
import { DRILL_UUID, DrillJob, TestDrill, Tool } from '../client/services';
import {
  PROTO_KEYS, deepJsonText, expectNoPollution, fuzzParams, fuzzTimeout, hostileJsonObject, hostileJsonObjectText, hostileJsonText,
  hostileJsonValue, hostileKey, hostileString, snapshotPrototypes,
} from './arbitraries';

const INT32 = { min: -2147483648, max: 2147483647 };
const WAIT_MS = 5000;

/** How a generated call must end: answered (`valid`), refused (`invalid`), or either (`any`). */
type Label = 'valid' | 'invalid' | 'any';

type Injection =
  | { kind: 'call'; functionId: string; params: Record<string, unknown>; label: Label }
  | { kind: 'raw'; text: string }
  | { kind: 'config'; params: Record<string, unknown>; raw: boolean };

const obj = (dataObject: unknown): Record<string, unknown> => ({ dataObject });

const tool = fc.record({ name: hostileString(), diameterMm: fc.double({ min: 0, max: 1e6, noNaN: true }) });
const validJob = fc.record(
  { jobId: hostileString(), depthMm: fc.double({ min: 0, max: 50, noNaN: true }), material: fc.constantFrom('steel', 'wood'), tool },
  { requiredKeys: ['jobId', 'depthMm', 'material'] },
);
const isoDate = fc.date({ min: new Date('1970-01-01T00:00:00Z'), max: new Date('2100-01-01T00:00:00Z'), noInvalidDate: true }).map((d) => d.toISOString());
// up to 600 kB once escaped (a lone surrogate becomes a 6-byte escape), so the echo fits the broker's 1 MB
const hugeString = fc.tuple(fc.integer({ min: 10_000, max: 100_000 }), fc.constantFrom('x', 'é', '"', '\\', '\u2028', '\uD800', '😀')).map(([n, c]) => c.repeat(n));

const validCall = fc.oneof(
  validJob.map((j) => ({ functionId: 'drill', params: obj(j) })),
  fc.tuple(fc.constantFrom('ECHO', '/ECHO'), fc.oneof(hostileString(), hugeString)).map(([functionId, s]) => ({ functionId, params: obj(s) })),
  fc.tuple(fc.constantFrom('/sum', 'sum'), fc.array(fc.integer(INT32), { maxLength: 10 })).map(([functionId, a]) => ({ functionId, params: obj(a) })),
  isoDate.map((d) => ({ functionId: 'when', params: obj(d) })),
  fc.constant({ functionId: 'PULSE_BACK', params: {} }),
);

const notString = hostileJsonValue.filter((v) => typeof v !== 'string');
const notInt32 = fc.oneof(fc.double().filter((n) => !Number.isInteger(n) || n < INT32.min || n > INT32.max), hostileJsonValue.filter((v) => typeof v !== 'number'));

const invalidCall = fc.oneof(
  notString.map((v) => ({ functionId: 'ECHO', params: obj(v) })),
  fc.constant({ functionId: 'ECHO', params: {} }),
  hostileJsonValue.filter((v) => !Array.isArray(v)).map((v) => ({ functionId: '/sum', params: obj(v) })),
  fc.tuple(fc.array(fc.integer(INT32), { maxLength: 4 }), notInt32).map(([a, bad]) => ({ functionId: 'sum', params: obj([...a, bad]) })),
  fc.tuple(validJob, fc.constantFrom('jobId', 'depthMm', 'material'), hostileJsonValue).map(([j, k, v]) => ({ functionId: 'drill', params: obj({ ...j, [k]: v }) }))
    .filter(({ params }) => {
      const j = params.dataObject as Record<string, unknown>;
      return typeof j.jobId !== 'string' || typeof j.depthMm !== 'number' || !(j.material === 'steel' || j.material === 'wood');
    }),
  validJob.map((j) => ({ functionId: 'drill', params: obj({ ...j, depthMm: 50.0001 }) })),
  hostileJsonValue.filter((v) => v === null || typeof v !== 'object' || Array.isArray(v)).map((v) => ({ functionId: 'drill', params: obj(v) })),
  fc.oneof(hostileString(), fc.constantFrom('2026-13-45T99:00:00Z', '2026-01-01', 'now')).map((s) => ({ functionId: 'when', params: obj(s) })),
  hostileString().filter((s) => !['drill', 'ECHO', '/ECHO', 'sum', '/sum', 'when', '/when', 'THROWS', '/THROWS', 'REJECTS', '/REJECTS', 'PULSE_BACK', '/PULSE_BACK', 'BAD_RESPONSE', '/BAD_RESPONSE', '/drill', 'ECHO'].includes(s) && s !== '')
    .map((functionId) => ({ functionId, params: {} })),
  fc.constantFrom('THROWS', 'REJECTS', 'BAD_RESPONSE', ...PROTO_KEYS, 'toString', 'hasOwnProperty').map((functionId) => ({ functionId, params: {} })),
);

const anyCall = fc.tuple(
  fc.constantFrom('drill', 'ECHO', '/sum', 'when', 'PULSE_BACK', 'THROWS'),
  fc.oneof(hostileJsonObject, deepJsonText.map((d) => ({ dataObject: JSON.parse(d) as unknown })), hostileJsonValue.map(obj)),
).map(([functionId, params]) => ({ functionId, params }));

const callInjection: fc.Arbitrary<Injection> = fc.oneof(
  { weight: 3, arbitrary: validCall.map((c) => ({ kind: 'call' as const, ...c, label: 'valid' as Label })) },
  { weight: 3, arbitrary: invalidCall.map((c) => ({ kind: 'call' as const, ...c, label: 'invalid' as Label })) },
  { weight: 2, arbitrary: anyCall.map((c) => ({ kind: 'call' as const, ...c, label: 'any' as Label })) },
);

/** Raw `C` texts: broken JSON, wrong shapes, deep nesting, other uuids, proto keys. */
const rawInjection: fc.Arbitrary<Injection> = fc
  .oneof(
    fc.tuple(fc.constantFrom('C ', 'C', 'C\n', 'K ', 'X '), hostileJsonObjectText).map(([p, b]) => p + b),
    hostileJsonText.map((b) => `C {"uuid":"${DRILL_UUID}","functionId":"ECHO","correlationId":"raw","functionParameters":${b}}`),
    deepJsonText.map((d) => `C {"uuid":"${DRILL_UUID}","functionId":"ECHO","correlationId":"raw","functionParameters":{"dataObject":${d}}}`),
    fc.constantFrom(
      `C {"uuid":"${DRILL_UUID}","functionId":"ECHO","functionParameters":{"__proto__":{"dataObject":"inherited"}},"correlationId":"raw"}`,
      `C {"uuid":"${DRILL_UUID}","functionId":"ECHO","functionParameters":{"dataObject":"x","__proto__":{"polluted":1}},"correlationId":"raw"}`,
      `C {"uuid":"someone-else","functionId":"ECHO","functionParameters":{"dataObject":"x"},"correlationId":"raw"}`,
      `C {"uuid":"${DRILL_UUID}","functionId":"ECHO","functionParameters":{"dataObject":"x"},"correlationId":7}`,
      `C {"uuid":"${DRILL_UUID}","functionId":"ECHO","functionParameters":[1]}`,
      `C {"uuid":"${DRILL_UUID}","functionId":"ECHO","functionParameters":{"dataObject":"x"}`,
      `K {"uuid":"${DRILL_UUID}","params":{"__proto__":{"polluted":1},"constructor":{"prototype":{"polluted":1}}}}`,
      `K {"uuid":"${DRILL_UUID}","params":[]}`,
      'IO_MAYBE', 'c["x"]', '', ' ',
    ),
    hostileString(30),
  )
  .map((text) => ({ kind: 'raw' as const, text }));

const configValue = fc.oneof(
  hostileJsonValue,
  fc.integer(),
  fc.integer(INT32),
  fc.boolean(),
  fc.constantFrom('true', 'FALSE', ' 12 ', '1e3', '2147483648', '-2147483649', 'NaN', '0x10', ''),
  hostileString(),
);
const configInjection: fc.Arbitrary<Injection> = fc
  .tuple(fc.array(fc.tuple(fc.oneof(fc.constantFrom('speedRpm', 'coolant', 'label'), hostileKey), configValue), { maxLength: 4 }), fc.boolean())
  .map(([pairs, raw]) => {
    const params: Record<string, unknown> = {};
    for (const [k, v] of pairs) Object.defineProperty(params, k, { value: v, enumerable: true, writable: true, configurable: true });
    return { kind: 'config' as const, params, raw };
  });

const injection = fc.oneof({ weight: 5, arbitrary: callInjection }, { weight: 2, arbitrary: rawInjection }, { weight: 2, arbitrary: configInjection });

/** Checks the arguments a TestDrill method was called with: never an invalid payload. */
function expectValidArgs(c: { fn: string; args: unknown[] }): void {
  const [a] = c.args;
  switch (c.fn) {
    case 'echo':
      expect(a, 'echo payload').to.be.a('string');
      break;
    case 'sum':
      expect(Array.isArray(a), 'sum payload is an array').to.equal(true);
      for (const n of a as unknown[]) expect(Number.isInteger(n) && (n as number) >= INT32.min && (n as number) <= INT32.max, `sum item ${String(n)}`).to.equal(true);
      break;
    case 'when':
      expect(a).to.be.instanceOf(Date);
      expect(Number.isNaN((a as Date).getTime())).to.equal(false);
      break;
    case 'drill': {
      expect(a).to.be.instanceOf(DrillJob);
      const j = a as DrillJob;
      expect(j.jobId).to.be.a('string');
      expect(Number.isFinite(j.depthMm) && j.depthMm >= 0 && j.depthMm <= 50, `depthMm ${j.depthMm}`).to.equal(true);
      expect(j.material).to.be.oneOf(['steel', 'wood']);
      if (j.tool !== undefined) {
        expect(j.tool).to.be.instanceOf(Tool);
        expect(j.tool.name).to.be.a('string');
        expect(Number.isFinite(j.tool.diameterMm) && j.tool.diameterMm >= 0).to.equal(true);
      }
      expect(Object.getPrototypeOf(j)).to.equal(DrillJob.prototype);
      break;
    }
    default:
      expect(c.args, c.fn).to.deep.equal([]);
  }
}

describe('fuzz: function calls and configuration messages into a bootstrapped service', function () {
  this.timeout(fuzzTimeout(60_000, 40));
  const protos = snapshotPrototypes();
  const f = new Fixture();
  const crashes: unknown[] = [];
  const onCrash = (e: unknown): void => {
    crashes.push(e);
  };
  let broker: Broker;
  let app: MsbApp<TestDrill>;
  let events: ReturnType<typeof recordEvents>;
  const errors: MsbError[] = [];
  let disconnects = 0;
  before(async () => {
    process.on('uncaughtException', onCrash);
    process.on('unhandledRejection', onCrash);
    broker = await f.startBroker();
    events = recordEvents(broker);
    app = await f.app(TestDrill, { url: broker.url });
    app.on('error', (e) => {
      errors.push(e);
      changed();
    });
    app.on('disconnected', () => disconnects++);
  });

  after(async () => {
    process.off('uncaughtException', onCrash);
    process.off('unhandledRejection', onCrash);
    await f.close();
  });

  it('random C and K messages: the app stays registered, refuses bad input clearly, answers good calls', async () => {
    let seq = 0;
    // what the runs reached, so that a generator that stopped producing a case is noticed
    const reached = { answered: 0, refused: 0, protocolErrors: 0, configErrors: 0, configApplied: 0 };
    await fc.assert(
      fc.asyncProperty(fc.array(fc.tuple(injection, hostileString(12)), { minLength: 1, maxLength: 6 }), async (batch) => {
        const errorsBefore = errors.length;
        const eventsBefore = events.length;
        const callsBefore = app.instance.calls.length;
        const configChangesBefore = app.instance.configChanges.length;
        const tracked: Array<{ corr: string; functionId: string; label: Label }> = [];
        const configKeys = new Set<string>();
        let protocolErrors = 0;
        let whenCalls = 0;

        for (const [inj, corrPrefix] of batch) {
          const corr = `${corrPrefix}#${seq++}`; // hostile, but unique so each outcome can be matched
          if (inj.kind === 'call') {
            const sent = await broker.callFunction(DRILL_UUID, inj.functionId, inj.params, corr).then(() => true, (e: Error) => {
              // the broker refuses to send what no client could parse; that is its business
              expect(e.message).to.match(/nests more than 1000 levels|cannot be encoded/);
              return false;
            });
            if (!sent) continue;
            if (inj.functionId === 'when' || inj.functionId === '/when') whenCalls++;
            else tracked.push({ corr, functionId: inj.functionId, label: inj.label });
          } else if (inj.kind === 'raw') {
            await broker.sendToService(DRILL_UUID, inj.text);
            let parsed: ReturnType<typeof parseServerMessage> | undefined;
            try {
              parsed = parseServerMessage(inj.text);
            } catch {
              protocolErrors++;
            }
            if (parsed?.type === 'config' && parsed.config.uuid === DRILL_UUID) for (const k of Object.keys(parsed.config.params)) configKeys.add(k);
            if (parsed?.type === 'call' && (parsed.call.uuid === '' || parsed.call.uuid === DRILL_UUID)) {
              if (parsed.call.correlationId === undefined) throw new Error('raw calls carry a correlation id');
              // raw calls share a correlation id, so only their number is checked below
              tracked.push({ corr: parsed.call.correlationId, functionId: parsed.call.functionId, label: 'any' });
            }
          } else {
            for (const k of Object.keys(inj.params)) configKeys.add(k);
            if (inj.raw) await broker.sendToService(DRILL_UUID, `K ${JSON.stringify({ uuid: DRILL_UUID, params: inj.params })}`);
            else await broker.setConfig(DRILL_UUID, inj.params);
          }
        }

        // a last valid call: once its answer is in, every call before it has been dispatched
        const barrier = `barrier"\\#${seq++}`;
        await broker.callFunction(DRILL_UUID, 'ECHO', { dataObject: barrier }, barrier);
        const newErrors = (): MsbError[] => errors.slice(errorsBefore);
        const newEvents = (): typeof events => events.slice(eventsBefore);
        const outcomes = (corr: string): number =>
          newEvents().filter((e) => e.correlationId === corr).length +
          newErrors().filter((e) => (e instanceof MsbFunctionError || e instanceof MsbValidationError) && e.correlationId === corr).length;
        const whenOutcomes = (): number =>
          app.instance.calls.slice(callsBefore).filter((c) => c.fn === 'when').length +
          newErrors().filter((e) => (e instanceof MsbValidationError && e.subject === 'function when') || (e instanceof MsbFunctionError && e.functionId === 'when')).length;
        const settled = (): boolean =>
          outcomes(barrier) >= 1 &&
          tracked.every((t) => outcomes(t.corr) >= tracked.filter((u) => u.corr === t.corr).length) &&
          whenOutcomes() >= whenCalls &&
          newErrors().filter((e) => e instanceof MsbProtocolError).length >= protocolErrors;
        await until(settled, () => `the outcome of ${tracked.length} calls, ${whenCalls} "when" calls and ${protocolErrors} protocol errors; errors so far: ${newErrors().map((e) => e.message.slice(0, 150)).join(' | ')}`, WAIT_MS);

        // every bad call refused with a clear, typed error; every good one answered
        for (const t of tracked) {
          const answered = newEvents().some((e) => e.correlationId === t.corr);
          const refused = newErrors().find((e) => (e instanceof MsbFunctionError || e instanceof MsbValidationError) && e.correlationId === t.corr);
          if (t.label === 'valid') expect(refused?.message, `valid call ${t.functionId} refused`).to.equal(undefined);
          if (t.label === 'valid') expect(answered, `valid call ${t.functionId} (${JSON.stringify(t.corr)}) answered`).to.equal(true);
          if (t.label === 'invalid') expect(refused, `invalid call ${t.functionId} refused`).to.not.equal(undefined);
        }
        for (const e of newErrors()) {
          expect(e.message.length, e.message).to.be.greaterThan(20);
          if (e instanceof MsbProtocolError) continue;
          if (e instanceof MsbConfigParamError) {
            expect(configKeys.has(e.parameter) || e.message.includes('@OnConfigChange'), `config error for a key that was not sent: ${e.parameter}`).to.equal(true);
            continue;
          }
          expect(e, e.message).to.satisfy((x: unknown) => x instanceof MsbFunctionError || x instanceof MsbValidationError);
        }
        expect(newErrors().filter((e) => e instanceof MsbProtocolError).length, 'one MsbProtocolError per unparsable message').to.equal(protocolErrors);
        reached.answered += tracked.filter((t) => newEvents().some((e) => e.correlationId === t.corr)).length;
        reached.refused += newErrors().filter((e) => e instanceof MsbFunctionError || e instanceof MsbValidationError).length;
        reached.protocolErrors += protocolErrors;
        reached.configErrors += newErrors().filter((e) => e instanceof MsbConfigParamError).length;
        reached.configApplied += app.instance.configChanges.length - configChangesBefore;

        // the methods only ever saw valid payloads
        for (const c of app.instance.calls.slice(callsBefore)) expectValidArgs(c);
        // configuration keeps its declared types
        const d = app.instance;
        expect(Number.isInteger(d.speedRpm) && d.speedRpm >= INT32.min && d.speedRpm <= INT32.max, `speedRpm ${String(d.speedRpm)}`).to.equal(true);
        expect(d.coolant).to.be.a('boolean');
        expect(d.label).to.be.a('string');
        for (const k of PROTO_KEYS) expect(Object.prototype.hasOwnProperty.call(d, k), `instance.${k}`).to.equal(false);

        expect(app.state).to.equal('registered');
        expect(disconnects, 'the app never lost its connection').to.equal(0);
        expect(crashes, String(crashes[0])).to.deep.equal([]);
        expectNoPollution(protos);
      }),
      fuzzParams(40, 0.5),
    );
    for (const [what, n] of Object.entries(reached)) expect(n, `runs that reached "${what}"`).to.be.greaterThan(0);
  });
});

describe('fuzz findings in lib/client (regressions)', function () {
  this.timeout(20_000);
  const f = new Fixture();
  afterEach(() => f.close());

  // A fuzz finding: a response event larger than the broker accepts made the broker close the socket
  // (1009) and the app resend it forever; now it is refused, or dropped after a second 1009 close.
  it('a response too big for the broker is refused with an error, not resent forever', async () => {
    const broker = await f.startBroker();
    const app = await f.app(TestDrill, { url: broker.url });
    const errors: MsbError[] = [];
    let disconnects = 0;
    const done = new Promise<void>((resolve) => {
      app.on('error', (e) => {
        errors.push(e);
        resolve();
      });
      app.on('disconnected', () => {
        if (++disconnects >= 3) resolve();
      });
    });
    await broker.callFunction(DRILL_UUID, 'ECHO', { dataObject: 'x'.repeat(1_200_000) }, 'too-big');
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([done, new Promise((resolve) => (timer = setTimeout(resolve, 5000)))]);
    clearTimeout(timer);
    expect(disconnects, 'reconnects caused by one oversized event').to.be.at.most(1);
    expect(errors.map((e) => e.message).join('\n')).to.match(/too-big/);
    const events = recordEvents(broker);
    await broker.callFunction(DRILL_UUID, 'ECHO', { dataObject: 'small' }, 'after');
    await new Promise<void>((resolve, reject) => {
      const t = setTimeout(() => reject(new Error('the next echo never arrived')), 5000);
      broker.on('event', () => {
        if (events.some((e) => e.correlationId === 'after')) {
          clearTimeout(t);
          resolve();
        }
      });
    });
  });
});
