import { expect } from 'chai';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { MsbOptionsError, MsbHookError, bootstrap } from '../../lib';
import type { Broker } from '../../lib/broker';
import { Fixture, recordEvents, until, waitFor } from '../support';
import { Counter, LIFECYCLE_UUID, Lifecycle } from './lifecycle-services';

describe('runtime: services inside an application (constructor arguments, lifecycle hooks, signals)', function () {
  this.timeout(20_000);
  const f = new Fixture();
  afterEach(() => f.close());

  it('bootstrap takes a factory for a class with constructor arguments (typed: without one it does not compile)', async () => {
    const broker = await f.startBroker();
    const counter = new Counter();
    const app = await f.app(Lifecycle, { url: broker.url, factory: () => new Lifecycle(counter) });
    const events = recordEvents(broker);
    await broker.callFunction(LIFECYCLE_UUID, 'next', {}, 'n1');
    await until(() => events.length === 1, 'the response event');
    expect(events[0]).to.include({ eventId: 'tick', dataObject: 1, correlationId: 'n1' });
    expect(app.instance.log).to.deep.equal(['registered']);
    // Never called: it is here for the compiler, which must refuse a class needing a Counter without instance or factory.
    // @ts-expect-error no instance and no factory
    const unchecked = (): unknown => bootstrap(Lifecycle, { url: broker.url });
    void unchecked;
  });

  it('an async factory (a DI container) and an instance work alike; a factory giving something else is refused', async () => {
    const broker = await f.startBroker();
    const container = { get: async () => new Lifecycle(new Counter()) };
    const app = await f.app(Lifecycle, { url: broker.url, factory: () => container.get() });
    expect(app.instance).to.be.instanceOf(Lifecycle);
    await app.close();
    const error = await bootstrap(Lifecycle, { url: broker.url, env: false, propertiesFile: false, factory: () => new Counter() as unknown as Lifecycle }).then(() => undefined, (e: unknown) => e);
    expect(error).to.be.instanceOf(MsbOptionsError);
    expect((error as Error).message).to.equal('Lifecycle: options.factory returned an instance of Counter, not an instance of Lifecycle');
  });

  it('@OnRegistered runs after each registration and @OnDisconnected at each loss', async () => {
    let broker: Broker = await f.startBroker();
    const port = broker.port;
    const app = await f.app(Lifecycle, { url: broker.url, heartbeatMs: 0, factory: () => new Lifecycle(new Counter()) });
    const lost = waitFor(app, 'disconnected');
    await broker.close();
    await lost;
    broker = await f.startBroker({ port });
    await waitFor(app, 'registered', () => true, 10_000);
    await until(() => app.instance.log.length === 3, () => `three hooks ran (log: ${JSON.stringify(app.instance.log)})`);
    expect(app.instance.log).to.deep.equal(['registered', 'disconnected reconnecting', 'registered']);
  });

  it('close() awaits @OnClose before flushing: the event it emits reaches the MSB', async () => {
    const broker = await f.startBroker();
    const events = recordEvents(broker);
    const app = await f.app(Lifecycle, { url: broker.url, factory: () => new Lifecycle(new Counter()) });
    await app.instance.tick.emit(5);
    await app.close();
    expect(app.instance.log).to.deep.equal(['registered', 'closing']);
    expect(events.map((e) => [e.eventId, e.dataObject])).to.deep.equal([['tick', 5], ['bye', 'closed after 0 ticks']]);
    expect(app.counters()).to.include({ accepted: 2, acknowledged: 2 });
  });

  it('a failing @OnClose is reported as MsbHookError and the app still closes', async () => {
    const broker = await f.startBroker();
    const instance = new Lifecycle(new Counter());
    instance.failOnClose = true;
    const app = await f.app(Lifecycle, { url: broker.url, instance });
    const errors: unknown[] = [];
    app.on('error', (e) => errors.push(e));
    await app.close();
    expect(app.state).to.equal('closed');
    expect(errors).to.have.length(1);
    expect(errors[0]).to.be.instanceOf(MsbHookError);
    expect((errors[0] as Error).message).to.equal('@OnClose Lifecycle.closing failed: cannot park the spindle');
  });

  it('closeOnSignals: SIGTERM closes the service cleanly (its @OnClose event delivered), then the process ends by the signal', async () => {
    const broker = await f.startBroker();
    const events = recordEvents(broker);
    const child = spawn(process.execPath, [join(__dirname, 'signal-child.js'), broker.url], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => { out += d.toString(); });
    child.stderr.on('data', (d: Buffer) => { err += d.toString(); });
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
    f.defer(async () => { if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL'); });
    await until(() => out.includes('READY'), () => `the child registered (stdout: ${out}, stderr: ${err})`, 15_000);
    child.kill('SIGTERM');
    const { code, signal } = await exited;
    expect({ code, signal, err }).to.deep.equal({ code: null, signal: 'SIGTERM', err: '' });
    expect(out).to.include('STATE closed');
    expect(events.map((e) => [e.eventId, e.dataObject])).to.deep.equal([['bye', 'closed after 0 ticks']]);
  });

  it('refuses a closeOnSignals that names no signal', async () => {
    const error = await bootstrap(Lifecycle, { url: 'ws://127.0.0.1:1', env: false, propertiesFile: false, instance: new Lifecycle(new Counter()), closeOnSignals: ['SIGTERN' as NodeJS.Signals] })
      .then(() => undefined, (e: unknown) => e);
    expect(error).to.be.instanceOf(MsbOptionsError);
    expect((error as Error).message).to.match(/closeOnSignals must list signals among SIGINT, SIGTERM.*got \["SIGTERN"\]/);
  });
});
