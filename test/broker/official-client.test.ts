import { expect } from 'chai';
import type { EventEmitter } from 'node:events';
import type { Broker } from '../../lib/broker';
import { CorrelationId, DataType, Event, MsbEvent, MsbFunction, Payload, Application } from '../../lib';
import { Fixture, until, waitFor } from '../support';

/**
 * The official MSB Node.js client (@vfk_research/msb-client-websocket-nodejs, unchanged) against
 * the local broker, beside a service of ours: the broker speaks the protocol as the official
 * clients expect it, and the two kinds of client interoperate through flows.
 */
interface OfficialClient {
  addEvent(id: string, name: string, description: string, dataType: string | null, priority: string | number, isArray: boolean): void;
  addFunction(id: string, name: string, description: string, dataType: string | null, fn: (msg: Record<string, unknown>) => void, isArray: boolean, responseEvents?: string[]): void;
  addConfigParameter(key: string, value: unknown, format: string): void;
  getConfigParameter(key: string): unknown;
  publish(eventId: string, value: unknown, priority?: number, cached?: boolean, postDate?: Date, correlationId?: string): void;
  connect(url: string): void;
  register(): void;
  disconnect(): void;
  isRegistered(): boolean;
  disableAutoReconnect(disabled: boolean): void;
  disablesockJsFraming(disabled: boolean): void;
  enableDataFormatValidation(enabled: boolean): void;
  getConnectionStateListener(): EventEmitter;
}
// eslint-disable-next-line @typescript-eslint/no-require-imports
const MsbClient = require('@vfk_research/msb-client-websocket-nodejs') as new (type: string, uuid: string, name: string, description: string, token: string) => OfficialClient;

const OFFICIAL_UUID = '1f0e2d3c-4b5a-4697-8877-665544332211';
const MES_UUID = '2a3b4c5d-6e7f-4081-9293-a4b5c6d7e8f9';

@Application({ uuid: MES_UUID, name: 'Our MES', token: 'mes' })
class OurMes {
  readonly answers: Array<{ value: string; correlationId?: string }> = [];
  @Event({ dataType: DataType.INT32, isArray: true }) order!: MsbEvent<number[]>;

  @MsbFunction({ id: 'answer', dataType: DataType.STRING })
  answer(@Payload() value: string, @CorrelationId() correlationId?: string): void {
    this.answers.push({ value, correlationId });
  }
}

function officialClient(calls: Array<Record<string, unknown>>): OfficialClient {
  const client = new MsbClient('SmartObject', OFFICIAL_UUID, 'Official Node.js client', 'unchanged official client', 'official-token');
  client.disableAutoReconnect(true);
  client.enableDataFormatValidation(true);
  client.addEvent('STATUS', 'Status', 'a string event', 'string', 'LOW', false);
  client.addEvent('VALUES', 'Values', 'an int64 array event', 'int64', 2, true);
  client.addEvent('PULSE', 'Pulse', 'no payload', null, 1, false);
  client.addEvent('SUM', 'Sum', 'response event', 'string', 0, false);
  client.addFunction('/sum', 'Sum', 'adds numbers', 'int32', (msg) => {
    calls.push(msg);
    const numbers = (msg.dataObject ?? msg.a) as number[];
    client.publish('SUM', `sum=${numbers.reduce((a, b) => a + b, 0)}`, 0, false, undefined, msg.correlationId as string);
  }, true, ['SUM']);
  client.addConfigParameter('threshold', 10, 'int32');
  return client;
}

for (const sockJs of [true, false]) {
  describe(`the official Node.js MSB client against the local broker (${sockJs ? 'SockJS' : 'raw'})`, function () {
    this.timeout(15_000);
    const f = new Fixture();
    let broker: Broker;
    let client: OfficialClient | undefined;
    const calls: Array<Record<string, unknown>> = [];
    const states: string[] = [];
    const consoleMethods = { info: console.info, log: console.log, warn: console.warn, error: console.error };

    before(() => {
      // The official client talks on the console ("Async error:null" on every successful send).
      console.info = console.log = console.warn = console.error = () => undefined;
    });
    beforeEach(async () => {
      broker = await f.startBroker();
      calls.length = 0;
      states.length = 0;
    });
    afterEach(async () => {
      if (client?.isRegistered()) {
        const gone = waitFor(broker, 'disconnected');
        client.disconnect();
        await gone;
      }
      client = undefined;
      await f.close();
    });
    // Restored only after the block: the official client prints "CLOSE" once its socket is gone.
    after(() => Object.assign(console, consoleMethods));

    async function connectOfficial(): Promise<OfficialClient> {
      const c = officialClient(calls);
      client = c;
      c.disablesockJsFraming(!sockJs);
      c.getConnectionStateListener().on('connectionState', (s: string) => states.push(s));
      const registered = waitFor<{ uuid: string; selfDescription: Record<string, any> }>(broker, 'registered', ({ uuid }) => uuid === OFFICIAL_UUID);
      c.connect(broker.url);
      c.register();
      const { selfDescription } = await registered;
      await until(() => c.isRegistered(), 'the official client registered');
      expect(selfDescription.events.map((e: { eventId: string }) => e.eventId)).to.deep.equal(['STATUS', 'VALUES', 'PULSE', 'SUM']);
      expect(states).to.include.members(['IO_CONNECTED', 'IO_REGISTERED']);
      return c;
    }

    it('registers, publishes every kind of event and gets IO_PUBLISHED for each', async () => {
      const c = await connectOfficial();
      const events: Array<Record<string, unknown>> = [];
      broker.on('event', ({ event }) => events.push(event as unknown as Record<string, unknown>));
      c.publish('STATUS', 'running "fast" \\ ok');
      c.publish('VALUES', [1, 2, 3]);
      c.publish('PULSE', undefined);
      await until(() => events.length === 3, 'three events at the broker');
      await until(() => states.filter((s) => s === 'IO_PUBLISHED').length === 3, 'three IO_PUBLISHED at the client');
      expect(events.map((e) => e.dataObject)).to.deep.equal(['running "fast" \\ ok', [1, 2, 3], undefined]);
      expect(events.map((e) => e.priority)).to.deep.equal([0, 2, 1]);
    });

    it('receives function calls, configuration changes and re-registers, as the MSB does it', async () => {
      const c = await connectOfficial();
      await broker.callFunction(OFFICIAL_UUID, '/sum', { dataObject: [1, 2, 3] }, 'corr-1');
      await until(() => calls.length === 1, 'the call at the official client');
      expect(calls[0]).to.deep.include({ dataObject: [1, 2, 3], correlationId: 'corr-1' });
      const reRegistered = waitFor(broker, 'registered', ({ uuid }: { uuid: string }) => uuid === OFFICIAL_UUID);
      await broker.setConfig(OFFICIAL_UUID, { threshold: 42 });
      await reRegistered;
      expect(c.getConfigParameter('threshold')).to.equal(42);
    });

    it('interoperates with a decorated service through flows, correlation id kept both ways', async () => {
      await connectOfficial();
      broker.deployFlow({ from: { service: MES_UUID, event: 'order' }, to: { service: OFFICIAL_UUID, function: '/sum' } });
      broker.deployFlow({ from: { service: OFFICIAL_UUID, event: 'SUM' }, to: { service: MES_UUID, function: 'answer' } });
      const mes = await f.app(OurMes, { url: broker.url, sockJsFraming: sockJs });
      await mes.instance.order.emit([4, 5, 6], { correlationId: 'order-7' });
      await until(() => mes.instance.answers.length === 1, 'the answer at our service');
      expect(mes.instance.answers[0]).to.deep.equal({ value: 'sum=15', correlationId: 'order-7' });
    });
  });
}

