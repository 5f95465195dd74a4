import { expect } from 'chai';
import { EventEmitter } from 'node:events';
import type { BrokerEvents } from '../../lib/broker';
import { BrokerContext } from '../../lib/broker/context';
import type { BrokerOptions } from '../../lib/broker/options';
import { Router } from '../../lib/broker/router';
import type { Session } from '../../lib/broker/session';
import { SessionHandler } from '../../lib/broker/session-handler';
import { smartObject } from '../support';

/** A session without a socket: what the handler sends it, in order. */
class FakeSession {
  readonly sent: string[] = [];
  queued = 0;
  constructor(readonly id: string) {}
  isOpen(): boolean {
    return true;
  }
  send(message: string): boolean {
    this.sent.push(message);
    return true;
  }
}

/** Every state made by a test: their warning timers are stopped after it. */
const made: BrokerContext[] = [];

/** A handler over a fresh broker state, the events it emitted, and fake sessions. */
function handlerWith(options: BrokerOptions = {}): {
  handler: SessionHandler;
  ctx: BrokerContext;
  events: Array<[keyof BrokerEvents, unknown]>;
  session(id: string): FakeSession & Session;
} {
  const emitter = new EventEmitter<BrokerEvents>();
  const events: Array<[keyof BrokerEvents, unknown]> = [];
  for (const name of ['registered', 'event', 'rejected', 'protocolError', 'disconnected'] as const) {
    emitter.on(name, (arg: unknown) => events.push([name, arg]));
  }
  const ctx = new BrokerContext(options, emitter);
  made.push(ctx);
  const handler = new SessionHandler(ctx, new Router(ctx));
  const session = (id: string): FakeSession & Session => {
    const s = new FakeSession(id) as FakeSession & Session;
    ctx.connections.add(s);
    return s;
  };
  return { handler, ctx, events, session };
}

const R = (sd: unknown): string => `R ${JSON.stringify(sd)}`;
const E = (uuid: string, eventId: string, dataObject?: unknown): string =>
  `E ${JSON.stringify({ uuid, eventId, priority: 0, postDate: '2026-01-01T00:00:00Z', ...(dataObject !== undefined ? { dataObject } : {}) })}`;

describe('broker: the session handler, without a socket', () => {
  afterEach(() => {
    for (const ctx of made.splice(0)) ctx.warnings.close();
  });

  it('answers every message exactly once and in order: registration, events, refusals', () => {
    const { handler, session, events } = handlerWith();
    const c = session('c1');
    const answers = [
      handler.handleMessage(c, R(smartObject('u1'))),
      handler.handleMessage(c, E('u1', 'EV1', 'a')),
      handler.handleMessage(c, E('u1', 'NOPE')),
      handler.handleMessage(c, E('u2', 'EV1', 'b')),
      handler.handleMessage(c, 'R {not json'),
      handler.handleMessage(c, 'pong'),
    ];
    expect(answers, 'false only for the malformed message').to.deep.equal([true, true, true, true, false, true]);
    expect(c.sent).to.deep.equal([
      'IO_REGISTERED',
      'IO_PUBLISHED',
      'NIO_EVENT_FORWARDING_ERROR',
      'NIO_UNAUTHORIZED_CONNECTION',
      'NIO_REGISTRATION_ERROR',
    ]);
    expect(events.map(([name]) => name)).to.deep.equal(['registered', 'event', 'rejected', 'rejected', 'protocolError', 'rejected']);
    expect(events[2][1]).to.deep.include({ status: 'NIO_EVENT_FORWARDING_ERROR', reason: 'service u1 declared no event "NOPE"', uuid: 'u1' });
    expect(events[3][1]).to.deep.include({ status: 'NIO_UNAUTHORIZED_CONNECTION', uuid: 'u2' });
    expect((events[3][1] as { reason: string }).reason).to.contain('no such service is registered');
    expect(handler.messagesHandled).to.equal(6);
  });

  it('refuses a registration over maxSelfDescriptionBytes before parsing it, and counts it', () => {
    const { handler, session, ctx, events } = handlerWith({ maxSelfDescriptionBytes: 100 });
    const c = session('c1');
    const text = R(smartObject('u1'));
    expect(handler.handleMessage(c, text)).to.equal(false);
    expect(c.sent).to.deep.equal(['NIO_REGISTRATION_ERROR']);
    expect(events).to.have.length(1);
    expect((events[0][1] as { reason: string }).reason).to.equal(
      `registration of ${text.length} characters refused: the limit is 100 (maxSelfDescriptionBytes)`,
    );
    expect(ctx.refused.selfDescriptionBytes).to.equal(1);
    expect(ctx.registry.size).to.equal(0);
  });

  it('refuses an invalid self-description naming the field, and a uuid held by another live session', () => {
    const { handler, session, events } = handlerWith();
    const a = session('a');
    const b = session('b');
    handler.handleMessage(a, R(smartObject('u1', { '@class': 'Robot' })));
    handler.handleMessage(a, R(smartObject('u1')));
    handler.handleMessage(b, R(smartObject('u1')));
    expect(a.sent).to.deep.equal(['NIO_REGISTRATION_ERROR', 'IO_REGISTERED']);
    expect(b.sent).to.deep.equal(['NIO_ALREADY_CONNECTED']);
    const reasons = events.filter(([n]) => n === 'rejected').map(([, r]) => (r as { reason: string }).reason);
    expect(reasons).to.have.length(2);
    expect(reasons[0]).to.match(/^invalid self-description: @class: must be one of SmartObject, Application, Gateway/);
    expect(reasons[1]).to.equal('service u1 is held by another live connection');
  });

  it('tokens: strictTokens refuses an unissued token; an issued one verifies its uuid and binds it', () => {
    const { handler, session, ctx } = handlerWith({ strictTokens: true });
    const c = session('c1');
    handler.handleMessage(c, R(smartObject('u1', { token: 'made-up' })));
    const token = ctx.tokens.issue('owner')!;
    handler.handleMessage(c, R(smartObject('u1', { token })));
    expect(c.sent).to.deep.equal(['NIO_REGISTRATION_ERROR', 'IO_REGISTERED']);
    expect(ctx.registry.get('u1')?.verified).to.equal(true);
    // the uuid is claimed now: a second session with another token cannot take it over offline
    handler.closed(c, 1000, '');
    const d = session('d1');
    handler.handleMessage(d, R(smartObject('u1', { token: ctx.tokens.issue('other')! })));
    expect(d.sent).to.deep.equal(['NIO_REGISTRATION_ERROR']);
  });

  it('a closed session releases its services, leaves the connection set and reports them offline', () => {
    const { handler, session, ctx, events } = handlerWith();
    const c = session('c1');
    handler.handleMessage(c, R(smartObject('u1')));
    handler.closed(c, 1006, 'gone');
    expect(ctx.connections.size).to.equal(0);
    expect(ctx.registry.onlineCount).to.equal(0);
    expect(events.at(-1)).to.deep.equal(['disconnected', { connectionId: 'c1', code: 1006, reason: 'gone', uuids: ['u1'] }]);
  });
});
