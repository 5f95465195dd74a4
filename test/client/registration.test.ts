import { expect } from 'chai';
import { EventEmitter } from 'node:events';
import { Status } from '../../lib/protocol';
import { MsbRegistrationError } from '../../lib/errors';
import type { SelfDescription } from '../../lib/metadata/self-description';
import { Registration } from '../../lib/client/registration';
import type { RegistrationHost } from '../../lib/client/registration';
import type { Connection } from '../../lib/client/connection';
import type { Logger } from '../../lib/client/logger';

const none = (): void => {};
const logger: Logger = { debug: none, info: none, warn: none, error: none };

/** A connection that is open and records what is sent; `dropped` resolves with the reason of the first drop. */
function fakeConnection() {
  let drop!: (reason: string) => void;
  const c = {
    isOpen: true,
    sent: [] as string[],
    onSent: none,
    dropped: new Promise<string>((resolve) => { drop = resolve; }),
    send(message: string) { c.sent.push(message); c.onSent(); return true; },
    drop(reason: string) { drop(reason); },
    resetBackoff: none,
  };
  return c;
}

function setup(answerTimeoutMs = 60_000) {
  const connection = fakeConnection();
  const emitter = new EventEmitter();
  const states: string[] = [];
  emitter.on('stateChange', (s: string) => states.push(s));
  const calls: string[] = [];
  const host: RegistrationHost = {
    selfDescription: () => ({ uuid: 'u1' }) as unknown as SelfDescription,
    pending: () => 0,
    closing: () => false,
    registered: () => calls.push('registered'),
    refused: (e) => { calls.push(`refused ${e.status}`); emitter.emit('error', e); },
  };
  const registration = new Registration(connection as unknown as Connection, emitter, host, {
    uuid: 'u1', name: 'Drill', url: 'ws://msb', answerTimeoutMs, reconnect: { initialDelayMs: 1, maxDelayMs: 1, jitter: 0 }, logger,
  });
  return { connection, emitter, states, calls, registration };
}

describe('client/registration', () => {
  it('registers at IO_CONNECTED, is registered at IO_REGISTERED, and is connected again after a loss', () => {
    const { connection, states, calls, registration } = setup();
    registration.opened();
    expect(registration.onStatus(Status.IO_CONNECTED)).to.equal(true);
    expect(connection.sent).to.deep.equal(['R {"uuid":"u1"}']);
    expect(registration.onStatus(Status.IO_REGISTERED)).to.equal(true);
    expect(registration.onStatus(Status.IO_PUBLISHED)).to.equal(false);
    expect(calls).to.deep.equal(['registered']);
    expect(registration.registrations).to.equal(1);
    expect(registration.lost()).to.equal(true);
    registration.setState('disconnected');
    expect(states).to.deep.equal(['connected', 'registered', 'disconnected']);
    registration.stop();
  });

  it('after a refusal, reports it and registers again on the same socket with the reconnect timing', async () => {
    const { connection, emitter, calls, registration } = setup();
    emitter.on('error', none);
    const registered = registration.waitFor(60_000, () => undefined);
    const retried = new Promise<void>((resolve) => { connection.onSent = () => { if (connection.sent.length === 2) resolve(); }; });
    registration.opened();
    registration.onStatus(Status.IO_CONNECTED);
    registration.onStatus(Status.NIO_REGISTRATION_ERROR);
    expect(calls).to.deep.equal([`refused ${Status.NIO_REGISTRATION_ERROR}`]);
    expect(registration.state).to.equal('connected');
    await registered.then(() => expect.fail('resolved after a refusal'), (e: Error) => expect(e).to.be.instanceOf(MsbRegistrationError));
    await retried; // a second R on the same socket, after the 1 ms delay
    expect(connection.sent).to.deep.equal(['R {"uuid":"u1"}', 'R {"uuid":"u1"}']);
    registration.stop();
  });

  it('drops the connection when the MSB does not answer a registration within answerTimeoutMs', async () => {
    const { connection, registration } = setup(1);
    registration.opened();
    registration.onStatus(Status.IO_CONNECTED);
    expect(await connection.dropped).to.equal('no answer to the registration');
    registration.stop();
  });
});
