import { expect } from 'chai';
import fc from 'fast-check';
import {
  PING,
  PONG,
  ProtocolError,
  Status,
  decodeClientFrame,
  decodeServerFrame,
  encodeCall,
  encodeClientFrame,
  encodeConfiguration,
  encodeEvent,
  eventEncoder,
  encodeRegistration,
  encodeServerFrame,
  isStatus,
  parseClientMessage,
  parseServerMessage,
} from '../../lib/protocol';

const TRICKY = [
  'plain',
  'with "double quotes" and \'single\'',
  'back\\slash \\\\ double \\n literal',
  'line1\nline2\r\ttab',
  'non-ASCII: äöü ß € 日本語 🚀',
  'separators: \u2028 and \u2029',
  'control \u0000\u0001\u001f',
  '{"looks":"like json"}',
  '</script>',
  'trailing backslash \\',
];

function expectProtocolError(fn: () => unknown, re: RegExp): void {
  let thrown: unknown;
  try {
    fn();
  } catch (e) {
    thrown = e;
  }
  expect(thrown, 'expected a ProtocolError').to.be.instanceOf(ProtocolError);
  expect((thrown as Error).message).to.match(re);
}

describe('protocol/status', () => {
  it('maps every key to the identical string', () => {
    for (const [k, v] of Object.entries(Status)) expect(v).to.equal(k);
    expect(Object.keys(Status)).to.have.length(11);
  });
  it('isStatus accepts exactly the status strings', () => {
    expect(isStatus('IO_PUBLISHED')).to.equal(true);
    expect(isStatus('NIO')).to.equal(true);
    expect(isStatus('io_published')).to.equal(false);
    expect(isStatus('ping')).to.equal(false);
    expect(isStatus(undefined)).to.equal(false);
    expect(isStatus('constructor')).to.equal(false);
  });
});

describe('protocol/messages: client → server', () => {
  const sd = { uuid: 'u-1', name: 'n', token: 't', '@class': 'SmartObject', events: [], functions: [], configuration: { parameters: {} } };

  it('encodes R, E and pong', () => {
    expect(encodeRegistration(sd)).to.equal(`R ${JSON.stringify(sd)}`);
    const e = { uuid: 'u', eventId: 'EV', priority: 1, postDate: '2024-05-06T07:08:09.123Z', correlationId: 'c', dataObject: 'x' };
    expect(encodeEvent(e)).to.equal(`E ${JSON.stringify(e)}`);
    expect(PONG).to.equal('pong');
    expect(parseClientMessage(PONG)).to.deep.equal({ type: 'pong' });
  });

  it('round-trips registrations and events through both framings', () => {
    for (const sockJs of [true, false]) {
      const r = decodeClientFrame(encodeClientFrame(encodeRegistration(sd), sockJs), sockJs);
      expect(r).to.have.length(1);
      expect(parseClientMessage(r[0])).to.deep.equal({ type: 'register', body: sd });
    }
  });

  it('round-trips tricky strings exactly (quotes, backslashes, newlines, non-ASCII, U+2028)', () => {
    for (const s of TRICKY) {
      for (const sockJs of [true, false]) {
        const e = { uuid: 'u', eventId: 'EV', priority: 2, postDate: 'd', correlationId: s, dataObject: { s, list: [s] } };
        const [m] = decodeClientFrame(encodeClientFrame(encodeEvent(e), sockJs), sockJs);
        expect(parseClientMessage(m)).to.deep.equal({ type: 'event', body: e });
        const desc = { ...sd, description: s };
        const [r] = decodeClientFrame(encodeClientFrame(encodeRegistration(desc), sockJs), sockJs);
        expect((parseClientMessage(r) as { body: { description: string } }).body.description).to.equal(s);
      }
    }
  });

  it('round-trips arbitrary strings (property)', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), fc.boolean(), (s, sockJs) => {
        const e = { uuid: 'u', eventId: 'EV', priority: 0, postDate: 'd', dataObject: s };
        const [m] = decodeClientFrame(encodeClientFrame(encodeEvent(e), sockJs), sockJs);
        // raw mode trims one trailing newline from the frame, which JSON never ends with
        expect(parseClientMessage(m)).to.deep.equal({ type: 'event', body: e });
      }),
      { numRuns: 300 },
    );
  });

  it('accepts the Py SockJS frame from the spec (pretty JSON, newlines deleted, indentation kept)', () => {
    const frame =
      '["R {    \\"@class\\": \\"SmartObject\\",    \\"uuid\\": \\"11111111-2222-3333-4444-555555555555\\",    \\"name\\": \\"Py SO\\",' +
      '    \\"description\\": \\"desc \\\\\\"q\\\\\\" and \\\\\\\\ bs\\",    \\"token\\": \\"tok123\\",    \\"events\\": []}"]';
    const [m] = decodeClientFrame(frame, true);
    const parsed = parseClientMessage(m);
    expect(parsed.type).to.equal('register');
    const body = (parsed as { body: Record<string, unknown> }).body;
    expect(body.description).to.equal('desc "q" and \\ bs');
    expect(body.uuid).to.equal('11111111-2222-3333-4444-555555555555');
  });

  it('accepts a Py frame produced the Py way (indent=4, ensure_ascii, "\\n" pairs deleted)', () => {
    const obj = { '@class': 'SmartObject', uuid: 'u', name: 'Grüße "x"', events: [{ eventId: 'EV1', '@id': 1 }], functions: [] };
    const pretty = JSON.stringify(obj, null, 4).replace(/[\u0080-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
    const outer = JSON.stringify(pretty).replace(/\\n/g, '');
    const frame = `["R ${outer.slice(1, -1)}"]`;
    const [m] = decodeClientFrame(frame, true);
    expect((parseClientMessage(m) as { body: unknown }).body).to.deep.equal(obj);
  });

  it('accepts Py raw pretty JSON with real newlines and a Py event with a priority name', () => {
    const text = 'R {\n    "@class": "SmartObject",\n    "uuid": "u",\n    "events": []\n}';
    expect(parseClientMessage(text)).to.deep.equal({ type: 'register', body: { '@class': 'SmartObject', uuid: 'u', events: [] } });
    const ev = 'E {    "uuid": "u",    "eventId": "EV1",    "dataObject": "hello",    "priority": "MEDIUM",    "postDate": "2024-05-06T07:08:09.123Z",    "correlationId": "corr-9"}';
    expect(parseClientMessage(ev)).to.deep.equal({
      type: 'event',
      body: { uuid: 'u', eventId: 'EV1', priority: 1, postDate: '2024-05-06T07:08:09.123Z', correlationId: 'corr-9', dataObject: 'hello' },
    });
  });

  it('accepts C# forms: trailing newline on the frame and on raw R, ["pong"]', () => {
    const frame = '["R {\\"@class\\":\\"Application\\",\\"uuid\\":\\"c\\",\\"events\\":[],\\"functions\\":[]}"]\n';
    expect(parseClientMessage(decodeClientFrame(frame, true)[0]).type).to.equal('register');
    expect(parseClientMessage(decodeClientFrame('R {"@class":"Application","uuid":"c"}\n', false)[0])).to.deep.equal({
      type: 'register',
      body: { '@class': 'Application', uuid: 'c' },
    });
    expect(parseClientMessage(decodeClientFrame('["pong"]', true)[0])).to.deep.equal({ type: 'pong' });
    expect(parseClientMessage('R {"uuid":"c"}\r\n  ')).to.deep.equal({ type: 'register', body: { uuid: 'c' } });
  });

  it('accepts Java duplicate @class (last wins) and C# escaped slashes', () => {
    const m = parseClientMessage('R {"@class":"SmartObject","uuid":"u","token":"t","@class":"Gateway"}');
    expect((m as { body: Record<string, unknown> }).body['@class']).to.equal('Gateway');
    const e = parseClientMessage('E {"uuid":"u","eventId":"a\\/b","priority":0,"postDate":"x"}');
    expect((e as { body: { eventId: string } }).body.eventId).to.equal('a/b');
  });

  it('normalises priority, postDate and correlationId leniently', () => {
    const p = (body: object): { priority: number; postDate: string; correlationId?: string } =>
      (parseClientMessage(`E ${JSON.stringify({ uuid: 'u', eventId: 'e', ...body })}`) as { body: { priority: number; postDate: string } }).body;
    expect(p({}).priority).to.equal(0);
    expect(p({ priority: 'high' }).priority).to.equal(2);
    expect(p({ priority: 'LOW' }).priority).to.equal(0);
    expect(p({ priority: '1' }).priority).to.equal(1);
    expect(p({ priority: 2 }).priority).to.equal(2);
    expect(p({ postDate: 0 }).postDate).to.equal('1970-01-01T00:00:00.000Z');
    expect(p({ postDate: '2020-01-01 00:00:00' }).postDate).to.equal('2020-01-01 00:00:00');
    expect(Number.isNaN(Date.parse(p({}).postDate))).to.equal(false);
    expect(p({ correlationId: 123456789 }).correlationId).to.equal('123456789');
    expect(p({ correlationId: null })).to.not.have.property('correlationId');
    expect(p({})).to.not.have.property('dataObject');
    expect(p({ dataObject: null })).to.have.property('dataObject', null);
    expect(p({ extra: 1 })).to.not.have.property('extra');
  });

  it('rejects malformed client messages with clear ProtocolErrors', () => {
    expectProtocolError(() => parseClientMessage('X {}'), /unknown message prefix "X"/);
    expectProtocolError(() => parseClientMessage('REGISTER {}'), /unknown message prefix "REGISTER"/);
    expectProtocolError(() => parseClientMessage(''), /empty message/);
    expectProtocolError(() => parseClientMessage('   \n'), /empty message/);
    expectProtocolError(() => parseClientMessage('R not json'), /bad JSON in registration/);
    expectProtocolError(() => parseClientMessage('R'), /bad JSON/);
    expectProtocolError(() => parseClientMessage('R []'), /must be a JSON object, got an array/);
    expectProtocolError(() => parseClientMessage('R "s"'), /must be a JSON object, got a string/);
    expectProtocolError(() => parseClientMessage('R null'), /got null/);
    expectProtocolError(() => parseClientMessage('E {"eventId":"x"}'), /"uuid"/);
    expectProtocolError(() => parseClientMessage('E {"uuid":"u"}'), /"eventId"/);
    expectProtocolError(() => parseClientMessage('E {"uuid":"u","eventId":"e","priority":"URGENT"}'), /priority/);
    expectProtocolError(() => parseClientMessage('E {"uuid":"u","eventId":"e","priority":1.5}'), /priority/);
    expectProtocolError(() => parseClientMessage('E {"uuid":"u","eventId":"e","postDate":{}}'), /postDate/);
    expectProtocolError(() => parseClientMessage('E {"uuid":"u","eventId":"e","correlationId":{}}'), /correlationId/);
    expectProtocolError(() => parseClientMessage(`R ${JSON.stringify({ d: 'x'.repeat(100) })}`, { maxLength: 50 }), /too long/);
    expectProtocolError(() => parseClientMessage(42 as unknown as string), /must be a string/);
    expectProtocolError(() => parseClientMessage('ping'), /unknown message prefix/);
  });

  it('never throws anything but ProtocolError, for any string (property)', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string({ unit: 'binary' }), fc.string().map((s) => `R ${s}`), fc.string().map((s) => `E ${s}`), fc.json().map((j) => `E ${j}`)), (s) => {
        try {
          parseClientMessage(s);
        } catch (e) {
          expect(e).to.be.instanceOf(ProtocolError);
        }
        try {
          parseServerMessage(s);
        } catch (e) {
          expect(e).to.be.instanceOf(ProtocolError);
        }
      }),
      { numRuns: 1000 },
    );
  });
});

describe('protocol/messages: the prepared event encoder', () => {
  it('produces exactly what encodeEvent produces, for any fields (property)', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: 'binary' }), fc.string({ unit: 'binary' }), fc.constantFrom(0, 1, 2), fc.string({ unit: 'binary' }),
        fc.option(fc.string({ unit: 'binary' }), { nil: undefined }), fc.boolean(), fc.jsonValue(),
        (uuid, eventId, priority, postDate, correlationId, hasData, dataObject) => {
          const expected = encodeEvent({ uuid, eventId, priority, postDate, ...(correlationId !== undefined ? { correlationId } : {}), ...(hasData ? { dataObject } : {}) });
          expect(eventEncoder(uuid, eventId)(priority, postDate, correlationId, hasData, dataObject)).to.equal(expected);
        },
      ),
    );
  });

  it('leaves out a payload without a JSON form, as a property would be, and throws for a cycle', () => {
    const encode = eventEncoder('u', 'e');
    expect(encode(0, 'd', undefined, true, undefined)).to.equal(encodeEvent({ uuid: 'u', eventId: 'e', priority: 0, postDate: 'd', dataObject: undefined }));
    const cycle: Record<string, unknown> = {};
    cycle.self = cycle;
    expect(() => encode(0, 'd', undefined, true, cycle)).to.throw(TypeError);
  });
});

describe('protocol/messages: server → client', () => {
  it('parses every status and ping', () => {
    for (const s of Object.values(Status)) expect(parseServerMessage(s)).to.deep.equal({ type: 'status', status: s });
    expect(parseServerMessage(PING)).to.deep.equal({ type: 'ping' });
    expect(PING).to.equal('ping');
  });

  it('round-trips C and K with tricky strings through both framings', () => {
    for (const s of TRICKY) {
      for (const sockJs of [true, false]) {
        const call = { uuid: 'u', correlationId: s, functionId: '/arrayfun', functionParameters: { a: [s, 1, null], [s]: { x: s } } };
        const f = decodeServerFrame(encodeServerFrame(encodeCall(call), sockJs), sockJs);
        expect(f).to.deep.equal({ kind: 'messages', messages: [encodeCall(call)] });
        expect(parseServerMessage((f as { messages: string[] }).messages[0])).to.deep.equal({ type: 'call', call });
        const config = { uuid: 'u', params: { p: s } };
        const g = decodeServerFrame(encodeServerFrame(encodeConfiguration(config), sockJs), sockJs) as { messages: string[] };
        expect(parseServerMessage(g.messages[0])).to.deep.equal({ type: 'config', config });
      }
    }
  });

  it('defaults a missing functionParameters to {} and keeps correlationId optional', () => {
    expect(parseServerMessage('C {"uuid":"u","functionId":"f"}')).to.deep.equal({ type: 'call', call: { uuid: 'u', functionId: 'f', functionParameters: {} } });
    expect(parseServerMessage('C {"uuid":"u","functionId":"f","functionParameters":null,"correlationId":null}')).to.deep.equal({
      type: 'call',
      call: { uuid: 'u', functionId: 'f', functionParameters: {} },
    });
  });

  it('is strict about C and K shapes', () => {
    expectProtocolError(() => parseServerMessage('C {"uuid":"u","functionId":5}'), /functionId/);
    expectProtocolError(() => parseServerMessage('C {"functionId":"f"}'), /"uuid"/);
    expectProtocolError(() => parseServerMessage('C {"uuid":"u","functionId":"f","functionParameters":[1]}'), /functionParameters.*array/);
    expectProtocolError(() => parseServerMessage('C {"uuid":"u","functionId":"f","correlationId":7}'), /correlationId/);
    expectProtocolError(() => parseServerMessage('C [1]'), /must be a JSON object/);
    expectProtocolError(() => parseServerMessage('C {oops'), /bad JSON in function call/);
    expectProtocolError(() => parseServerMessage('K {"uuid":"u"}'), /params/);
    expectProtocolError(() => parseServerMessage('K {"uuid":"u","params":"x"}'), /params/);
    expectProtocolError(() => parseServerMessage('IO_SOMETHING'), /unknown server message/);
    expectProtocolError(() => parseServerMessage('Cx {}'), /unknown server message/);
    expectProtocolError(() => parseServerMessage(''), /empty/);
  });

  it('keeps __proto__ and constructor keys as plain data (no prototype pollution)', () => {
    const text = 'C {"uuid":"u","functionId":"f","functionParameters":{"__proto__":{"polluted":true},"constructor":{"prototype":{"polluted":true}}}}';
    const m = parseServerMessage(text) as { call: { functionParameters: Record<string, unknown> } };
    const p = m.call.functionParameters;
    expect(Object.getPrototypeOf(p)).to.equal(Object.prototype);
    expect(Object.prototype.hasOwnProperty.call(p, '__proto__')).to.equal(true);
    expect(({} as Record<string, unknown>).polluted).to.equal(undefined);
    const r = parseClientMessage('R {"__proto__":{"polluted":true},"uuid":"u"}') as { body: Record<string, unknown> };
    expect(Object.getPrototypeOf(r.body)).to.equal(Object.prototype);
    expect(({} as Record<string, unknown>).polluted).to.equal(undefined);
  });
});
