import { expect } from 'chai';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { bootstrap, selfDescriptionOf } from '../../lib';
import type { MsbApp } from '../../lib';
import { Drill } from '../../samples/drill';
import { CLI, ROOT, cleanEnv, run, start } from './processes';
import type { Running } from './processes';
import { RecordingLogger, until } from '../support';

const silent = new RecordingLogger();

describe('msb CLI (as processes)', function () {
  this.timeout(30_000);

  describe('msb describe', () => {
    it('prints the self-description of the one service a module exports, the token masked unless --show-token', async () => {
      const expected = selfDescriptionOf(Drill, { env: false, propertiesFile: false });
      const r = await run(['describe', join(ROOT, 'dist', 'samples', 'drill.js')]);
      expect(r.code, r.stderr).to.equal(0);
      expect(r.stdout).to.not.contain(expected.token);
      expect(JSON.parse(r.stdout)).to.deep.equal({ ...expected, token: '<hidden: --show-token prints it>' });
      const shown = await run(['describe', join(ROOT, 'dist', 'samples', 'drill.js'), '--show-token']);
      expect(shown.code, shown.stderr).to.equal(0);
      expect(JSON.parse(shown.stdout)).to.deep.equal(expected);
    });

    it('loads an ES module with top-level await, and says that a .ts file must be compiled first', async () => {
      const dir = mkdtempSync(join(tmpdir(), 'msb-describe-'));
      try {
        const esm = join(dir, 'service.mjs');
        const drill = pathToFileURL(join(ROOT, 'dist', 'samples', 'drill.js')).href;
        writeFileSync(esm, `const { Drill } = await import(${JSON.stringify(drill)});\nexport { Drill };\nexport const notAService = 1;\n`);
        const r = await run(['describe', esm]);
        expect(r.code, r.stderr).to.equal(0);
        expect(JSON.parse(r.stdout).name).to.equal('Drill 7');
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
      const ts = await run(['describe', 'samples/drill.ts']);
      expect(ts.code).to.equal(2);
      expect(ts.stderr.trim()).to.equal('msb: samples/drill.ts is TypeScript: msb describe loads compiled JavaScript. Compile it first (npx tsc) and give the .js file, e.g. samples/drill.js under your outDir');
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
    expect(help.stdout).to.contain('broker').and.contain('describe').and.contain('call').and.contain('config').and.contain('services').and.contain('watch');
    for (const sub of ['broker', 'describe', 'call', 'config', 'services', 'watch']) {
      const h = await run([sub, '--help']);
      expect(h.code, sub).to.equal(0);
      expect(h.stdout).to.contain(`Usage: msb ${sub}`);
    }
    const bad = await run(['frobnicate']);
    expect(bad.code).to.equal(2);
    const badPort = await run(['broker', '--port', 'seventy']);
    expect(badPort.code).to.equal(2);
    expect(badPort.stderr).to.contain('a port is a whole number');
    for (const bad of ['-1', '1.5', 'soon', '2147483648']) {
      const r = await run(['broker', '--port', '0', '--heartbeat-ms', bad]);
      expect(r.code, bad).to.equal(2);
      expect(r.stderr, bad).to.contain('a duration is a whole number of milliseconds from 0 to 2147483647');
    }
    const badWait = await run(['call', 'x', 'f', '--wait', '0']);
    expect(badWait.code).to.equal(2);
    expect(badWait.stderr).to.contain('a wait is at least 1 ms');
  });

  it('answers --version with the package version', async () => {
    const { version } = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string };
    for (const flag of ['--version', '-V']) {
      const r = await run([flag]);
      expect(r.code, flag).to.equal(0);
      expect(r.stdout.trim()).to.equal(version);
    }
  });

  it('msb broker takes a heartbeat beyond 65535 ms (it used to be parsed as a port)', async () => {
    const b = start(process.execPath, [CLI, 'broker', '--port', '0', '--heartbeat-ms', '70000']);
    try {
      await b.waitFor(/MSB broker listening: websocket/);
    } finally {
      b.signal('SIGINT');
    }
    expect((await b.exited).code).to.equal(0);
  });

  it('msb broker prints where its dashboard is, and serves none with --no-dashboard', async () => {
    for (const [flag, status] of [[[], 200], [['--no-dashboard'], 404]] as const) {
      const b = start(process.execPath, [CLI, 'broker', '--port', '0', ...flag]);
      try {
        const [, rest] = await b.waitFor(/REST (http:\/\/\S+)/);
        if (status === 200) await b.waitFor(new RegExp(`dashboard: ${rest.replace(/[.]/g, '\\.')}/`));
        expect((await fetch(`${rest}/`)).status, flag.join(' ') || 'no flag').to.equal(status);
      } finally {
        b.signal('SIGINT');
      }
      expect((await b.exited).code).to.equal(0);
      // the whole output is in once the process has exited
      expect(b.stdout.includes('dashboard:'), `a "dashboard:" line with ${flag.join(' ') || 'no flag'}`).to.equal(status === 200);
    }
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

      const job = '{"dataObject":{"jobId":"J-1","depthMm":3,"material":"wood"}}';
      const call = await run(['call', app.uuid, 'drill', job, '--url', rest, '--correlation-id', 'cli-1']);
      expect(call.code, call.stderr).to.equal(0);
      expect(call.stdout).to.contain('called drill on 76499d88-34cf-4836-8cc1-7e0d9c54dac1 "Drill 7" (correlation cli-1)');
      await broker.waitFor(/event drillFinished from 76499d88\S* \(correlation cli-1\)/);

      // by name, waiting: stdout holds exactly the response event as one JSON line
      const waited = await run(['call', 'Drill 7', 'drill', job, '--url', rest, '--correlation-id', 'cli-2', '--wait', '15000']);
      expect(waited.code, waited.stderr).to.equal(0);
      const lines = waited.stdout.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
      expect(lines).to.have.length(1);
      expect(lines[0]).to.include({ service: app.uuid, eventId: 'drillFinished', correlationId: 'cli-2' });
      expect(lines[0].payload).to.include({ jobId: 'J-1', ok: true });
      expect(waited.stderr).to.contain('drillFinished from 76499d88-34cf-4836-8cc1-7e0d9c54dac1 "Drill 7" answered drill (correlation cli-2)');

      const nope = await run(['call', 'Drill 7', 'nope', '{}', '--url', rest]);
      expect(nope.code).to.equal(1);
      expect(nope.stderr.trim()).to.equal('msb: broker answered 422: service 76499d88-34cf-4836-8cc1-7e0d9c54dac1 "Drill 7" has no function "nope"; it declares "drill" (--force sends anyway)');
      const invalid = '{"dataObject":{"jobId":"J-2","depthMm":99,"material":"wood"}}';
      const refused = await run(['call', 'Drill 7', 'drill', invalid, '--url', rest, '--wait']);
      expect(refused.code).to.equal(1);
      expect(refused.stderr.trim()).to.equal('msb: broker answered 422: the parameters do not fit the data format of drill: /dataObject/depthMm must be <= 50 (--force sends anyway)');
      // forced, it reaches the service, which refuses it and answers nothing: the wait ends in a clear line
      const forced = await run(['call', 'Drill 7', 'drill', invalid, '--url', rest, '--force', '--correlation-id', 'cli-3', '--wait', '300']);
      expect(forced.code).to.equal(1);
      expect(forced.stdout).to.equal('');
      expect(forced.stderr.trim()).to.equal('msb: no response from 76499d88-34cf-4836-8cc1-7e0d9c54dac1 "Drill 7" to drill within 300 ms (correlation cli-3)');
      await broker.waitFor(/call drill → 76499d88\S* \(correlation cli-3\)/);

      const config = await run(['config', 'Drill 7', 'speedRpm=1500', 'coolant=false', '--url', rest]);
      expect(config.code, config.stderr).to.equal(0);
      await until(() => app!.instance.speedRpm === 1500 && app!.instance.coolant === false, 'the new configuration');
      await broker.waitFor(/configuration → 76499d88\S*: .*speedRpm/);
      const unknownParam = await run(['config', app.uuid, 'speed=1', '--url', rest]);
      expect(unknownParam.code).to.equal(1);
      expect(unknownParam.stderr.trim()).to.equal('msb: broker answered 422: service 76499d88-34cf-4836-8cc1-7e0d9c54dac1 "Drill 7" has no configuration parameter "speed"; it declares "speedRpm", "coolant" (--force sends anyway)');
      const wrongType = await run(['config', app.uuid, 'speedRpm=fast', '--url', rest]);
      expect(wrongType.code).to.equal(1);
      expect(wrongType.stderr.trim()).to.equal('msb: broker answered 422: speedRpm: "fast" is not an integer (INTEGER INT32) (--force sends anyway)');
      expect(app.instance.speedRpm).to.equal(1500);

      const table = await run(['services', '--url', rest]);
      expect(table.code, table.stderr).to.equal(0);
      expect(table.stdout).to.match(/^UUID +NAME +TYPE +ONLINE +EVENTS +FUNCTIONS\n76499d88-34cf-4836-8cc1-7e0d9c54dac1 +Drill 7 +SmartObject +yes +temperature,drillFinished,drillFailed +drill\n$/);
      const listed = await run(['services', '--json', '--url', rest]);
      expect(JSON.parse(listed.stdout)).to.deep.equal({
        uuid: app.uuid, name: 'Drill 7', type: 'SmartObject', online: true, events: ['temperature', 'drillFinished', 'drillFailed'], functions: ['drill'],
      });

      const unknown = await run(['call', '00000000-0000-4000-8000-000000000000', 'drill', '{}', '--url', rest]);
      expect(unknown.code).to.equal(1);
      expect(unknown.stderr).to.match(/^msb: no service with uuid or name "00000000-0000-4000-8000-000000000000" is registered at http:\S+ \(registered: "Drill 7"\)/);
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

    it('msb watch streams the events of a service as JSON lines until Ctrl-C', async () => {
      broker = start(process.execPath, [CLI, 'broker', '--port', '0']);
      const [, url] = await broker.waitFor(/MSB broker listening: websocket (ws:\/\/\S+), REST/);
      app = await bootstrap(Drill, { url, env: false, propertiesFile: false, logger: silent });
      const rest = url.replace(/^ws/, 'http');
      const watch = start(process.execPath, [CLI, 'watch', 'Drill 7', '--event', 'drillFinished', '--url', rest]);
      try {
        await watch.waitFor(/watching 76499d88-34cf-4836-8cc1-7e0d9c54dac1 "Drill 7", event drillFinished at http:\S+ \(Ctrl-C stops\)/, 20_000, 'stderr');
        for (const id of ['w-1', 'w-2']) {
          const call = await run(['call', 'Drill 7', 'drill', '{"dataObject":{"jobId":"J-9","depthMm":1,"material":"wood"}}', '--url', rest, '-c', id]);
          expect(call.code, call.stderr).to.equal(0);
        }
        await watch.waitFor(/"correlationId":"w-2"/);
      } finally {
        watch.signal('SIGINT');
      }
      const exit = await watch.exited;
      expect(exit.code, watch.stderr).to.equal(0);
      const events = watch.stdout.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
      expect(events.map((e) => [e.service, e.eventId, e.correlationId])).to.deep.equal([
        [app.uuid, 'drillFinished', 'w-1'],
        [app.uuid, 'drillFinished', 'w-2'],
      ]);
      for (const e of events) expect(e).to.have.keys('service', 'eventId', 'correlationId', 'priority', 'postDate', 'payload');

      const gone = start(process.execPath, [CLI, 'watch', '--url', rest]);
      await gone.waitFor(/watching every service/, 20_000, 'stderr');
      broker.signal('SIGINT');
      expect((await gone.exited).code).to.equal(1);
      expect(gone.stderr).to.contain('ended the event stream');
      const nobody = await run(['watch', 'nobody', '--url', rest]);
      expect(nobody.code).to.equal(1);
      expect(nobody.stderr).to.contain('cannot reach the broker');
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

