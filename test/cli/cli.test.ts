import { expect } from 'chai';
import { join } from 'node:path';
import { bootstrap, selfDescriptionOf } from '../../lib';
import type { MsbApp } from '../../lib';
import { Drill } from '../../samples/drill';
import { CLI, ROOT, cleanEnv, run, start } from './processes';
import type { Running } from './processes';
import { RecordingLogger, until } from '../client/helpers';

const silent = new RecordingLogger();

describe('msb CLI (as processes)', function () {
  this.timeout(30_000);

  describe('msb describe', () => {
    it('prints the self-description of the one service a module exports', async () => {
      const r = await run(['describe', join(ROOT, 'dist', 'samples', 'drill.js')]);
      expect(r.code, r.stderr).to.equal(0);
      expect(JSON.parse(r.stdout)).to.deep.equal(selfDescriptionOf(Drill, { env: false, propertiesFile: false }));
    });

    it('needs --export when a module exports several services, and fails in one line otherwise', async () => {
      const services = join(ROOT, 'dist', 'test', 'client', 'services.js');
      const several = await run(['describe', services]);
      expect(several.code).to.equal(2);
      expect(several.stderr.trim().split('\n')).to.have.length(1);
      expect(several.stderr).to.contain('several services (TestDrill, TestMes)');
      const picked = await run(['describe', services, '--export', 'TestMes']);
      expect(picked.code, picked.stderr).to.equal(0);
      expect(JSON.parse(picked.stdout).name).to.equal('MES');
      const missing = await run(['describe', 'no/such/module.js']);
      expect(missing.code).to.equal(1);
      expect(missing.stderr).to.match(/^msb: cannot load no\/such\/module.js: /);
      const noExport = await run(['describe', services, '--export', 'Nope']);
      expect(noExport.code).to.equal(1);
      expect(noExport.stderr).to.contain('exports no class named Nope');
    });
  });

  it('answers --help with exit 0 and a usage error with exit 2', async () => {
    const help = await run(['--help']);
    expect(help.code).to.equal(0);
    expect(help.stdout).to.contain('broker').and.contain('describe').and.contain('call').and.contain('config');
    for (const sub of ['broker', 'describe', 'call', 'config']) {
      const h = await run([sub, '--help']);
      expect(h.code, sub).to.equal(0);
      expect(h.stdout).to.contain(`Usage: msb ${sub}`);
    }
    const bad = await run(['frobnicate']);
    expect(bad.code).to.equal(2);
    const badPort = await run(['broker', '--port', 'seventy']);
    expect(badPort.code).to.equal(2);
    expect(badPort.stderr).to.contain('a port is a whole number');
  });

  describe('msb broker, msb call and msb config', () => {
    let broker: Running;
    let app: MsbApp<Drill> | undefined;
    afterEach(async () => {
      await app?.close();
      app = undefined;
      broker.signal('SIGINT');
      await broker.exited;
    });

    it('runs a broker with a live log that services, calls and configuration changes show up in; Ctrl-C stops it', async () => {
      broker = start(process.execPath, [CLI, 'broker', '--port', '0', '--flows', join(ROOT, 'samples', 'flows.json')]);
      const [, url] = await broker.waitFor(/MSB broker listening: websocket (ws:\/\/\S+), REST/);
      expect(broker.stdout).to.match(/3 flow\(s\) deployed/);
      app = await bootstrap(Drill, { url, env: false, propertiesFile: false, logger: silent });
      await broker.waitFor(/registered SmartObject 76499d88-34cf-4836-8cc1-7e0d9c54dac1 "Drill 7"/);
      const rest = url.replace(/^ws/, 'http');

      const call = await run(['call', app.uuid, 'drill', '{"dataObject":{"jobId":"J-1","depthMm":3,"material":"wood"}}', '--url', rest, '--correlation-id', 'cli-1']);
      expect(call.code, call.stderr).to.equal(0);
      expect(call.stdout).to.contain('called drill');
      await broker.waitFor(/event drillFinished from 76499d88\S* \(correlation cli-1\)/);

      const config = await run(['config', app.uuid, 'speedRpm=1500', 'coolant=false', '--url', rest]);
      expect(config.code, config.stderr).to.equal(0);
      await until(() => app!.instance.speedRpm === 1500 && app!.instance.coolant === false, 'the new configuration');
      await broker.waitFor(/configuration → 76499d88\S*: .*speedRpm/);

      const unknown = await run(['call', '00000000-0000-4000-8000-000000000000', 'drill', '{}', '--url', rest]);
      expect(unknown.code).to.equal(1);
      expect(unknown.stderr).to.match(/^msb: broker answered 404: /);
      const badJson = await run(['call', app.uuid, 'drill', '{nope', '--url', rest]);
      expect(badJson.code).to.equal(2);
      expect(badJson.stderr).to.contain('not valid JSON');
      const badPair = await run(['config', app.uuid, 'speedRpm', '--url', rest]);
      expect(badPair.code).to.equal(2);
      const unreachable = await run(['config', app.uuid, 'a=1', '--url', 'http://127.0.0.1:1']);
      expect(unreachable.code).to.equal(1);
      expect(unreachable.stderr).to.contain('cannot reach the broker');

      await app.close();
      app = undefined;
      broker.signal('SIGINT');
      const exit = await broker.exited;
      expect(exit.code).to.equal(0);
      expect(broker.stdout).to.contain('SIGINT: stopping the broker');
    });

    it('fails in one line with exit 1 when the port is taken', async () => {
      broker = start(process.execPath, [CLI, 'broker', '--port', '0']);
      const [, port] = await broker.waitFor(/listening: websocket ws:\/\/127\.0\.0\.1:(\d+)/);
      const second = await run(['broker', '--port', port]);
      expect(second.code).to.equal(1);
      expect(second.stderr).to.match(/^msb: cannot start the broker: .*EADDRINUSE/);
    });
  });
});

describe('the demo (what npm start runs once it has built the project)', function () {
  this.timeout(90_000);

  it('runs the broker, drill and MES: an order makes the round trip MES → drill → MES with one correlation id, and Ctrl-C stops it cleanly', async () => {
    // The built demo, not `npm start`: that would run tsc again while other tests read dist/.
    const demo = start(process.execPath, [join(ROOT, 'dist', 'samples', 'demo.js')], cleanEnv({ DEMO_PORT: '0', DEMO_TICK_MS: '300' }));
    try {
      await demo.waitFor(/\[mes\]\s+order J-1: .*\(correlation order-J-1\)/, 80_000);
      await demo.waitFor(/\[drill\]\s+call drill for job J-1 \(correlation order-J-1\)/);
      await demo.waitFor(/\[mes\]\s+done: job J-1 done in \d+ ms \(correlation order-J-1, round trip \d+ ms\)/);
      await demo.waitFor(/\[drill\]\s+temperature [\d.]+ °C/);
      await demo.waitFor(/\[drill\]\s+configuration changed: \{"speedRpm":1800\}/);
      await demo.waitFor(/\[mes\]\s+FAILED: job J-\d+: steel needs coolant/);
    } finally {
      demo.signal('SIGINT');
    }
    const exit = await demo.exited;
    expect(demo.stdout).to.contain('stopped cleanly');
    expect(demo.stderr).to.not.match(/demo failed|Error/);
    expect(exit, JSON.stringify(exit)).to.deep.equal({ code: 0, signal: null });
  });
});

