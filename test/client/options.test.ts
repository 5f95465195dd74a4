import { expect } from 'chai';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MsbOptionsError, bootstrap } from '../../lib';
import type { BootstrapOptions } from '../../lib';
import { Fixture, RecordingLogger, recordEvents } from '../support';
import { DRILL_UUID, TestDrill } from './services';

describe('runtime: options', () => {
  const f = new Fixture();
  afterEach(() => f.close());

  const bad: Array<[string, BootstrapOptions<TestDrill>, RegExp]> = [
    ['no url anywhere', {}, /No MSB url for TestDrill: pass options.url, or set msb.url or MSB_URL/],
    ['a url with another scheme', { url: 'ftp://msb' }, /unsupported scheme "ftp"/],
    ['a url without a scheme', { url: 'localhost:8085' }, /has no scheme/],
    ['a negative heartbeat', { url: 'ws://127.0.0.1:1', heartbeatMs: -1 }, /Option heartbeatMs must be a non-negative number, got -1/],
    ['a zero cache size', { url: 'ws://127.0.0.1:1', eventCache: { size: 0 } }, /Option eventCache.size must be a positive number, got 0/],
    ['a non-number concurrency', { url: 'ws://127.0.0.1:1', maxConcurrentCalls: 'many' as unknown as number }, /Option maxConcurrentCalls must be a positive number, got "many"/],
    ['an empty persist path', { url: 'ws://127.0.0.1:1', eventCache: { persist: '' } }, /eventCache.persist must be a directory or a .log file path/],
    // Node fires a longer timer after 1 ms: a heartbeat every millisecond
    ['a heartbeat beyond the longest timer', { url: 'ws://127.0.0.1:1', heartbeatMs: 2 ** 31 }, /^Option heartbeatMs must be at most 2147483647 ms \(about 24.8 days: Node's longest timer\), got 2147483648$/],
    ['a registration timeout beyond the longest timer', { url: 'ws://127.0.0.1:1', registrationTimeoutMs: 1e12 }, /^Option registrationTimeoutMs must be at most 2147483647 ms .*, got 1000000000000$/],
    ['a reconnect delay that is not a number', { url: 'ws://127.0.0.1:1', reconnect: { initialDelayMs: NaN } }, /^Option reconnect.initialDelayMs must be a positive number, got NaN$/],
    ['a reconnect jitter above 1', { url: 'ws://127.0.0.1:1', reconnect: { jitter: 2 } }, /^Option reconnect.jitter must be a fraction from 0 to 1, got 2$/],
    ['a reconnect factor below 1', { url: 'ws://127.0.0.1:1', reconnect: { factor: 0.5 } }, /^Option reconnect.factor must be at least 1, got 0.5$/],
  ];
  for (const [what, options, message] of bad) {
    it(`refuses ${what} with an MsbOptionsError that says what is wrong`, async () => {
      const error = await bootstrap(TestDrill, { env: false, propertiesFile: false, logger: new RecordingLogger(), ...options }).then(() => undefined, (e: unknown) => e);
      expect(error).to.be.instanceOf(MsbOptionsError);
      expect((error as Error).message).to.match(message);
    });
  }

  it('checks every option before the durable outbox opens its file: a bad one leaves no file behind', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'msb-options-'));
    try {
      const error = await bootstrap(TestDrill, { env: false, propertiesFile: false, logger: new RecordingLogger(), url: 'ws://127.0.0.1:1', eventCache: { persist: dir }, heartbeatMs: -1 }).then(() => undefined, (e: unknown) => e);
      expect(error).to.be.instanceOf(MsbOptionsError);
      expect(readdirSync(dir)).to.deep.equal([]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('refuses a durable outbox it cannot use, naming the file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'msb-bad-outbox-'));
    try {
      const file = join(dir, 'not-a-dir');
      writeFileSync(file, '');
      const persist = join(file, 'outbox.log');
      const error = await bootstrap(TestDrill, { env: false, propertiesFile: false, url: 'ws://127.0.0.1:1', eventCache: { persist } }).then(() => undefined, (e: unknown) => e);
      expect(error).to.be.instanceOf(MsbOptionsError);
      expect((error as Error).message).to.contain(persist);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('opens a durable outbox with damaged lines, skipping them with one warning, and sends what survived', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'msb-damaged-outbox-'));
    f.defer(async () => rmSync(dir, { recursive: true, force: true }));
    const broker = await f.startBroker();
    const events = recordEvents(broker);
    const file = join(dir, 'damaged.log');
    const e = (n: number) => JSON.stringify({ a: n, e: 'int32', m: `E {"uuid":"${DRILL_UUID}","eventId":"int32","priority":0,"postDate":"2026-01-01T00:00:00.000Z","dataObject":${n}}` });
    writeFileSync(file, `${e(1)}
garbage
${e(2)}
{"x":1}
${e(3).slice(0, 20)}`);
    const app = await f.app(TestDrill, { url: broker.url, eventCache: { persist: file } });
    expect(f.logger.has('warn', /durable outbox had 2 damaged line\(s\).*skipped/)).to.equal(true);
    await app.flush(10_000);
    expect(events.map((ev) => ev.dataObject)).to.deep.equal([2]);
  });

  it('takes the url from MSB_URL and never logs the token, on the client or the broker side', async () => {
    const brokerLog = new RecordingLogger();
    const broker = await f.startBroker({ logger: brokerLog, strictTokens: false });
    const app = await f.app(TestDrill, { env: { MSB_URL: broker.url.replace(/^ws/, 'http') }, logger: f.logger });
    expect(app.state).to.equal('registered');
    await broker.sendToService(app.uuid, 'NIO_REGISTRATION_ERROR');
    await app.setConfig('label', 'x');
    const response = await fetch(`${broker.httpUrl}/service/${app.uuid}`);
    const text = f.logger.text() + brokerLog.text() + (await response.text());
    expect(text).to.not.contain('secret-token-1');
  });
});
