import { expect } from 'chai';
import fc from 'fast-check';
import { ProtocolError } from '../../lib/protocol/errors';
import {
  closeFrame, decodeClientFrame, decodeServerFrame, encodeClientFrame, encodeServerFrame,
} from '../../lib/protocol/frames';
import {
  ConfigurationMessage, EventMessage, FunctionCallMessage, encodeCall, encodeConfiguration, encodeEvent, encodeRegistration,
  parseClientMessage, parseServerMessage,
} from '../../lib/protocol/messages';
import { Status } from '../../lib/protocol/status';
import {
  PROTO_KEYS, deepJsonText, expectNoPollution, fuzzParams, fuzzTimeout, hostileJsonObject, hostileJsonObjectText, hostileJsonText,
  hostileJsonValue, hostileString, nestedText, snapshotPrototypes,
} from './arbitraries';

/** Runs `f`; anything thrown must be a ProtocolError with a message that says something. */
function onlyProtocolError<T>(f: () => T): { ok: true; value: T } | { ok: false; error: ProtocolError } {
  try {
    return { ok: true, value: f() };
  } catch (e) {
    if (!(e instanceof ProtocolError)) {
      throw new Error(`expected only ProtocolError, got ${(e as Error)?.name}: ${(e as Error)?.message}`, { cause: e });
    }
    expect(e.message.length, 'a ProtocolError explains itself').to.be.greaterThan(10);
    return { ok: false, error: e };
  }
}

/** Every decoder and parser on one input, in both framings. */
function decodeEverything(text: string, maxLength?: number): void {
  const opts = maxLength === undefined ? undefined : { maxLength };
  for (const sockJs of [true, false]) {
    onlyProtocolError(() => decodeServerFrame(text, sockJs));
    const client = onlyProtocolError(() => decodeClientFrame(text, sockJs));
    // whatever a frame decodes to is fed on, as the broker does
    if (client.ok) for (const m of client.value) onlyProtocolError(() => parseClientMessage(m, opts));
  }
  onlyProtocolError(() => parseClientMessage(text, opts));
  onlyProtocolError(() => parseServerMessage(text, opts));
}

/** What JSON itself makes of a value (-0 becomes 0): the only change a round trip may make. */
function jsonNormal<T>(v: T): T {
  return JSON.parse(JSON.stringify(v)) as T;
}

/** Anything the parser accepts must survive being encoded again (no RangeError, no loss). */
function reencodeClient(text: string): void {
  const r = onlyProtocolError(() => parseClientMessage(text));
  if (!r.ok || r.value.type === 'pong') return;
  const again = r.value.type === 'register' ? encodeRegistration(r.value.body) : encodeEvent(r.value.body);
  expect(parseClientMessage(again)).to.deep.equal(jsonNormal(r.value));
}

function reencodeServer(text: string): void {
  const r = onlyProtocolError(() => parseServerMessage(text));
  if (!r.ok) return;
  if (r.value.type === 'call') expect(parseServerMessage(encodeCall(r.value.call))).to.deep.equal(jsonNormal(r.value));
  if (r.value.type === 'config') expect(parseServerMessage(encodeConfiguration(r.value.config))).to.deep.equal(jsonNormal(r.value));
}

const prefixes = fc.constantFrom('R', 'E', 'C', 'K', 'R ', 'E ', 'C ', 'K ', 'R\n', 'E\t', ' C ', 'K\r\n', 'X ', 'r ', 'e ', 'Ω ', '');

/** Message-shaped text: a known or unknown prefix, then hostile JSON (sometimes cut short). */
const messageText = fc
  .tuple(prefixes, fc.oneof(hostileJsonText, hostileJsonObjectText, deepJsonText), fc.option(fc.nat(), { nil: undefined }), hostileString(4))
  .map(([p, body, cut, tail]) => {
    const t = p + body;
    return (cut === undefined ? t : t.slice(0, cut % (t.length + 1))) + tail;
  });

/** Event/call/config bodies with the right field names but any values (hostile types included). */
const fieldSoup = fc
  .record(
    {
      uuid: hostileJsonText, eventId: hostileJsonText, functionId: hostileJsonText, priority: hostileJsonText, postDate: hostileJsonText,
      correlationId: hostileJsonText, dataObject: hostileJsonText, functionParameters: hostileJsonText, params: hostileJsonText,
      proto: fc.constantFrom(...PROTO_KEYS),
    },
    { requiredKeys: [] },
  )
  .map((r) => `{${Object.entries(r).map(([k, v]) => (k === 'proto' ? `"${v as string}":{"polluted":1}` : `"${k}":${v}`)).join(',')}}`);

/** Frame-shaped text: SockJS `a[...]`, `c[...]`, `[...]`, with hostile content. */
const frameText = fc.oneof(
  fc.array(fc.oneof(messageText, hostileString()), { maxLength: 4 }).map((ms) => `a${JSON.stringify(ms)}`),
  fc.array(fc.oneof(messageText, hostileString()), { maxLength: 4 }).map((ms) => JSON.stringify(ms)),
  fc.tuple(hostileJsonText, hostileJsonText).map(([a, b]) => `c[${a},${b}]`),
  fc.tuple(fc.constantFrom('a', 'c', 'o', 'h', '', ' a', 'a\n'), hostileJsonText).map(([p, j]) => p + j),
);

const priority = fc.oneof(fc.integer({ min: -5, max: 5 }), fc.integer(), fc.constantFrom(Number.MAX_SAFE_INTEGER, -Number.MAX_SAFE_INTEGER));

const validEvent: fc.Arbitrary<EventMessage> = fc
  .record(
    {
      uuid: hostileString().filter((s) => s !== ''),
      eventId: hostileString().filter((s) => s !== ''),
      priority,
      postDate: hostileString(),
      correlationId: hostileString(),
      dataObject: hostileJsonValue,
    },
    { requiredKeys: ['uuid', 'eventId', 'priority', 'postDate'] },
  );

const validCall: fc.Arbitrary<FunctionCallMessage> = fc.record(
  {
    uuid: hostileString(),
    correlationId: hostileString(),
    functionId: hostileString().filter((s) => s !== ''),
    functionParameters: hostileJsonObject,
  },
  { requiredKeys: ['uuid', 'functionId', 'functionParameters'] },
);

const validConfig: fc.Arbitrary<ConfigurationMessage> = fc.record({ uuid: hostileString(), params: hostileJsonObject });

describe('fuzz: frame and message codec', function () {
  this.timeout(fuzzTimeout(20_000, 2));
  const protos = snapshotPrototypes();
  afterEach(() => expectNoPollution(protos));

  it('arbitrary strings: every decoder returns or throws a ProtocolError', () => {
    fc.assert(
      fc.property(fc.oneof(hostileString(64), fc.string({ unit: 'binary', maxLength: 64 })), (s) => {
        decodeEverything(s);
        expectNoPollution(protos);
      }),
      fuzzParams(400),
    );
  });

  it('message-shaped text with hostile JSON: only ProtocolError; accepted messages re-encode exactly', () => {
    fc.assert(
      fc.property(fc.oneof(messageText, prefixes.chain((p) => fieldSoup.map((b) => p + b))), (t) => {
        decodeEverything(t);
        reencodeClient(t);
        reencodeServer(t);
        expectNoPollution(protos);
      }),
      fuzzParams(400),
    );
  });

  it('frame-shaped text (a[...], c[...], [...]): only ProtocolError', () => {
    fc.assert(
      fc.property(frameText, (t) => {
        decodeEverything(t);
        expectNoPollution(protos);
      }),
      fuzzParams(300),
    );
  });

  it('deep nesting in every position is refused with a ProtocolError or re-encodes', () => {
    const slot = fc.constantFrom(
      (d: string) => `E {"uuid":"u","eventId":"e","dataObject":${d}}`,
      (d: string) => `R {"uuid":"u","@class":"SmartObject","events":${d}}`,
      (d: string) => `C {"uuid":"u","functionId":"f","functionParameters":{"dataObject":${d}}}`,
      (d: string) => `K {"uuid":"u","params":{"p":${d}}}`,
      (d: string) => `a[${JSON.stringify(d)}]`,
      (d: string) => `c${d}`,
      (d: string) => d,
    );
    fc.assert(
      fc.property(deepJsonText, slot, (d, wrap) => {
        const t = wrap(d);
        decodeEverything(t);
        reencodeClient(t);
        reencodeServer(t);
      }),
      fuzzParams(60, 0.25), // each run parses up to 280 kB
    );
  });

  it('messages around maxLength: refused above it with a ProtocolError naming the limit, never sliced', () => {
    fc.assert(
      fc.property(fc.integer({ min: 20, max: 5000 }), fc.integer({ min: -3, max: 3 }), fc.constantFrom('E', 'R', 'C', 'K'), (max, delta, p) => {
        const head = p === 'E' ? 'E {"uuid":"u","eventId":"e","dataObject":"' : p === 'R' ? 'R {"x":"' : p === 'C' ? 'C {"uuid":"u","functionId":"f","x":"' : 'K {"uuid":"u","params":{},"x":"';
        const fill = Math.max(0, max + delta - head.length - 2);
        const t = `${head}${'\u00e9'.repeat(fill)}"}`;
        const parse = (): unknown => (p === 'E' || p === 'R' ? parseClientMessage(t, { maxLength: max }) : parseServerMessage(t, { maxLength: max }));
        const r = onlyProtocolError(parse);
        if (t.length > max) {
          expect(r.ok, `${t.length} > ${max} must be refused`).to.equal(false);
          if (!r.ok) expect(r.error.message).to.include(`limit is ${max}`);
        } else {
          expect(r.ok, `${t.length} <= ${max} must be accepted`).to.equal(true);
        }
      }),
      fuzzParams(200),
    );
  });

  it('a 5 MB message at the default limit parses; one character more is refused', () => {
    const body = 'x'.repeat(5_000_000 - 'E {"uuid":"u","eventId":"e","dataObject":""}'.length);
    const ok = `E {"uuid":"u","eventId":"e","dataObject":"${body}"}`;
    expect(ok.length).to.equal(5_000_000);
    const r = parseClientMessage(ok);
    expect(r.type === 'event' && (r.body.dataObject as string).length).to.equal(body.length);
    expect(() => parseClientMessage(`${ok}x`)).to.throw(ProtocolError, /too long/);
  });

  it('round trips: every valid event, registration, call and configuration comes back exactly', () => {
    fc.assert(
      fc.property(validEvent, validCall, validConfig, hostileJsonObject, (e, c, k, sd) => {
        const pe = parseClientMessage(encodeEvent(e));
        const expected: EventMessage = JSON.parse(JSON.stringify(e)); // JSON's own normalisation (-0 → 0)
        expect(pe).to.deep.equal({ type: 'event', body: expected });
        expect(encodeEvent((pe as { body: EventMessage }).body)).to.equal(encodeEvent(e));

        expect(parseClientMessage(encodeRegistration(sd))).to.deep.equal({ type: 'register', body: JSON.parse(JSON.stringify(sd)) });
        expect(parseServerMessage(encodeCall(c))).to.deep.equal({ type: 'call', call: JSON.parse(JSON.stringify(c)) });
        expect(parseServerMessage(encodeConfiguration(k))).to.deep.equal({ type: 'config', config: JSON.parse(JSON.stringify(k)) });
        expectNoPollution(protos);
      }),
      fuzzParams(300),
    );
  });

  it('round trips: frames carry any message unchanged in both framings', () => {
    fc.assert(
      fc.property(fc.oneof(hostileString(64), messageText), fc.integer({ min: 0, max: 4999 }), hostileString(), (m, code, reason) => {
        expect(decodeClientFrame(encodeClientFrame(m, true), true)).to.deep.equal([m]);
        expect(decodeServerFrame(encodeServerFrame(m, true), true)).to.deep.equal({ kind: 'messages', messages: [m] });
        expect(decodeServerFrame(encodeServerFrame(m, false), false)).to.deep.equal({ kind: 'messages', messages: [m] });
        if (!/\r?\n$/.test(m)) expect(decodeClientFrame(encodeClientFrame(m, false), false)).to.deep.equal([m]);
        expect(decodeServerFrame(closeFrame(code, reason), true)).to.deep.equal({ kind: 'close', code, reason });
      }),
      fuzzParams(300),
    );
  });

  it('statuses and ping/pong survive surrounding whitespace and nothing else', () => {
    fc.assert(
      fc.property(fc.constantFrom(...Object.values(Status), 'ping'), fc.constantFrom('', ' ', '\n', '\r\n', '\t', '\u2028', '\uFEFF'), hostileString(3), (s, ws, junk) => {
        const r = parseServerMessage(ws + s + ws);
        expect(r.type).to.equal(s === 'ping' ? 'ping' : 'status');
        const j = onlyProtocolError(() => parseServerMessage(s + junk));
        if (j.ok) expect((s + junk).trim()).to.be.oneOf([...Object.values(Status), 'ping']);
      }),
      fuzzParams(200),
    );
  });

  it('prototype keys in any body stay plain data: own properties, normal prototypes, nothing polluted', () => {
    const protoBodies = fc.constantFrom(
      '{"__proto__":{"polluted":"yes"}}',
      '{"constructor":{"prototype":{"polluted":"yes"}}}',
      '{"__proto__":{"__proto__":{"polluted":"yes"}}}',
      '{"prototype":{"polluted":"yes"},"__proto__":[]}',
    );
    fc.assert(
      fc.property(protoBodies, fc.constantFrom('dataObject', 'functionParameters', 'params', 'top'), (b, where) => {
        const texts = [
          where === 'top' ? `R ${b}` : `R {"${where}":${b}}`,
          `E {"uuid":"u","eventId":"e","${where}":${b}}`,
          `C {"uuid":"u","functionId":"f","functionParameters":${where === 'functionParameters' ? b : `{"${where}":${b}}`}}`,
          `K {"uuid":"u","params":${where === 'params' ? b : `{"${where}":${b}}`}}`,
        ];
        for (const t of texts) {
          const parsed = t.startsWith('R') || t.startsWith('E') ? onlyProtocolError(() => parseClientMessage(t)) : onlyProtocolError(() => parseServerMessage(t));
          expect(parsed.ok, t).to.equal(true);
          if (!parsed.ok) continue;
          // every object reachable in the result has an ordinary prototype
          const stack: unknown[] = [parsed.value];
          while (stack.length) {
            const v = stack.pop();
            if (v === null || typeof v !== 'object') continue;
            expect(Object.getPrototypeOf(v), t).to.equal(Array.isArray(v) ? Array.prototype : Object.prototype);
            for (const k of Object.keys(v)) stack.push((v as Record<string, unknown>)[k]);
          }
        }
        expectNoPollution(protos);
      }),
      fuzzParams(50),
    );
  });

  it('the shapes around the limit of nesting are deterministic (regression seeds)', () => {
    for (const depth of [1, 999, 1000, 1001, 5000, 100_000]) {
      for (const kind of ['array', 'object', 'proto'] as const) {
        const t = `E {"uuid":"u","eventId":"e","dataObject":${nestedText(depth, kind)}}`;
        reencodeClient(t);
        reencodeServer(`C {"uuid":"u","functionId":"f","functionParameters":{"x":${nestedText(depth, kind)}}}`);
        // the body adds one level, so past 999 inner levels the limit of 1000 is crossed
        if (depth >= 1000) {
          expect(() => parseClientMessage(t)).to.throw(ProtocolError, /nested more than 1000 levels deep/);
          expect(() => parseServerMessage(`K {"uuid":"u","params":{"p":${nestedText(depth, kind)}}}`)).to.throw(ProtocolError, /nested more than 1000/);
        } else {
          expect(parseClientMessage(t).type).to.equal('event');
        }
      }
    }
    // brackets inside strings are not nesting
    expect(parseClientMessage(`E {"uuid":"u","eventId":"e","dataObject":"${'['.repeat(50_000)}\\"${'{'.repeat(50_000)}"}`).type).to.equal('event');
  });
});
