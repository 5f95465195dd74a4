import 'reflect-metadata';
import { expect } from 'chai';
import { join } from 'node:path';
import { IsNumber, IsPositive, IsString } from 'class-validator';
import {
  ConfigParam, DataType, Dto, Event, MsbAsyncApiError, MsbDeclarationError, MsbFunction, Payload, Property, SmartObject,
  asyncApiFromSelfDescriptions, asyncApiOf, selfDescriptionOf, toYaml,
} from '../../lib';
import type { AsyncApiDocument, MsbEvent } from '../../lib';
import { Drill } from '../../samples/drill';
import { Mes } from '../../samples/mes';
import { ROOT, CLI, cleanEnv, start } from '../cli/processes';
import { parseStrict } from './helpers';
import { MASKED_TOKEN } from '../../lib/cli/commands';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const yaml = require('js-yaml') as { load(text: string): unknown };

type Json = Record<string, any>;

function operationsOf(doc: AsyncApiDocument, action: 'send' | 'receive'): Json[] {
  return Object.values(doc.operations).filter((o) => o.action === action) as Json[];
}

/** The message a `#/channels/c/messages/m` reference points at, through the channel. */
function messageAt(doc: AsyncApiDocument, ref: string): Json {
  const [, , channel, , key] = ref.split('/');
  const inChannel = (doc.channels[channel].messages as Json)[key] as { $ref: string };
  return doc.components.messages[inChannel.$ref.split('/').pop()!] as Json;
}

describe('AsyncAPI export', function () {
  // The parser builds its rule set on first use, which takes a second or two on a busy machine.
  this.timeout(30_000);

  describe('of samples/drill.ts', () => {
    const doc = asyncApiOf(Drill, { server: 'ws://localhost:8085', env: false, propertiesFile: false });
    const sd = selfDescriptionOf(Drill, { env: false, propertiesFile: false });

    it('parses without errors, as JSON and as YAML', async () => {
      const parsed = await parseStrict(doc, 'drill (JSON)');
      expect(parsed.version()).to.equal('3.0.0');
      expect(parsed.info().title()).to.equal('Drill 7');
      const fromYaml = await parseStrict(toYaml(doc), 'drill (YAML)');
      expect(fromYaml.operations().length).to.equal(parsed.operations().length);
    });

    it('has a send operation per event and a receive operation per function, replying with its response events', async () => {
      const parsed = await parseStrict(doc, 'drill');
      expect(parsed.operations().filterBySend().map((o) => o.messages().all()[0].name()).sort()).to.deep.equal(['drillFailed', 'drillFinished', 'temperature']);
      const received = parsed.operations().filterByReceive();
      expect(received.map((o) => o.messages().all()[0].name()).sort()).to.deep.equal(['configuration', 'drill']);
      const drill = received.find((o) => o.messages().all()[0].name() === 'drill')!;
      expect(drill.reply()?.messages().all().map((m) => m.name())).to.deep.equal(['drillFinished', 'drillFailed']);
    });

    it('takes payloads from the self-description data formats, with DTO definitions as shared component schemas', () => {
      const schemas = doc.components.schemas as Json;
      expect(schemas.DrillJob).to.deep.equal(sd.functions[0].dataFormat!.DrillJob);
      expect(schemas.DrillResult).to.deep.equal(sd.events[1].dataFormat!.DrillResult);
      const finished = messageAt(doc, operationsOf(doc, 'send').find((o) => o.title.endsWith('drillFinished'))!.messages[0].$ref);
      expect(finished.payload.properties.dataObject).to.deep.equal({ $ref: '#/components/schemas/DrillResult', type: 'object' });
      expect(finished.payload.properties.eventId).to.include({ const: 'drillFinished' });
      expect(finished.payload.properties.priority['x-msb-declared-priority']).to.equal('HIGH');
      const temperature = messageAt(doc, operationsOf(doc, 'send').find((o) => o.title.endsWith('temperature'))!.messages[0].$ref);
      expect(temperature.payload.properties.dataObject).to.deep.equal(sd.events[0].dataFormat!.dataObject);
      const call = messageAt(doc, operationsOf(doc, 'receive').find((o) => o.title.endsWith('drill'))!.messages[0].$ref);
      expect(call.payload.properties.functionParameters.properties.dataObject).to.deep.equal({ $ref: '#/components/schemas/DrillJob', type: 'object' });
      expect(JSON.stringify(doc)).not.to.contain('#/definitions/');
    });

    it('documents each configuration parameter with its type and value', () => {
      const config = messageAt(doc, operationsOf(doc, 'receive').find((o) => o.title.endsWith('configuration changes'))!.messages[0].$ref);
      expect(config.payload.properties.params.properties).to.deep.equal({
        speedRpm: { type: 'integer', format: 'int32', description: 'Value at registration: 1200', 'x-msb-value': 1200 },
        coolant: { type: 'boolean', description: 'Value at registration: true', 'x-msb-value': true },
      });
    });

    it('names the MSB server from the options and never carries the token', () => {
      expect(doc.servers).to.deep.equal({
        msb: {
          host: 'localhost:8085', protocol: 'ws', pathname: '/websocket/data',
          description: 'The MSB websocket interface. SockJS clients connect to /websocket/data/{serverId}/{sessionId}/websocket, raw clients to /websocket/data/websocket.',
        },
      });
      expect(JSON.stringify(doc)).not.to.contain(sd.token);
      expect(toYaml(doc)).not.to.contain(sd.token);
    });

    it('takes title, version and the server url from the options, or the server from MSB_URL', () => {
      const named = asyncApiOf(Drill, { title: 'Hall B drill', version: '2.1.0', env: false, propertiesFile: false });
      expect(named.info).to.include({ title: 'Hall B drill', version: '2.1.0', description: 'Pillar drill in hall B' });
      expect(named.servers).to.equal(undefined);
      const fromEnv = asyncApiOf(Drill, { env: { MSB_URL: 'https://msb.example.org:8084' }, propertiesFile: false });
      expect(fromEnv.servers!.msb).to.include({ host: 'msb.example.org:8084', protocol: 'wss', pathname: '/websocket/data' });
    });

    it('keeps user, password, query and fragment of the server url out, and refuses a url that is none', () => {
      const doc2 = asyncApiOf(Drill, { server: { url: 'wss://user:secret@msb.example.org/base/?k=v#f' }, env: false, propertiesFile: false });
      expect(doc2.servers!.msb).to.include({ host: 'msb.example.org', protocol: 'wss', pathname: '/base/websocket/data' });
      expect(JSON.stringify(doc2)).not.to.match(/secret|user|k=v/);
      expect(() => asyncApiOf(Drill, { server: 'not a url', env: false, propertiesFile: false }))
        .to.throw(MsbAsyncApiError, 'server url "not a url" is not a url');
    });
  });

  it('of samples/mes.ts parses without errors and shares the DrillJob schema it has in common with the drill', async () => {
    const mes = asyncApiOf(Mes, { env: false, propertiesFile: false });
    await parseStrict(mes, 'mes');
    expect(Object.keys(mes.components.schemas).sort()).to.deep.equal(['DrillJob', 'DrillResult']);
    const both = asyncApiFromSelfDescriptions([selfDescriptionOf(Mes, { env: false }), selfDescriptionOf(Drill, { env: false })], { server: 'ws://localhost:8085' });
    const parsed = await parseStrict(both, 'mes + drill');
    expect(both.info.title).to.equal('MSB services');
    expect(Object.keys(both.channels)).to.deep.equal(['MES', 'Drill_7']);
    expect(Object.keys(both.components.schemas).sort()).to.deep.equal(['DrillJob', 'DrillResult']);
    expect(parsed.operations().length).to.equal(3 + 5);
    // A broker with nothing registered still serves a valid combined document.
    const none = asyncApiFromSelfDescriptions([]);
    expect((await parseStrict(none, 'no services')).channels().length).to.equal(0);
    expect(none.info.title).to.equal('MSB services');
  });

  it('turns draft-04 exclusive bounds into draft-07 ones', async () => {
    class Reading {
      @IsPositive() value!: number;
      @IsNumber() @Property(DataType.DOUBLE) raw!: number;
    }
    @SmartObject({ uuid: '0b6c3a7e-1f7e-4c6b-9d8e-2a1b3c4d5e6f', name: 'Probe', token: 't0k3n-probe' })
    class Probe {
      @Event({ dataType: Reading }) reading!: MsbEvent<Reading>;
    }
    const doc = asyncApiOf(Probe, { env: false, propertiesFile: false });
    await parseStrict(doc, 'probe');
    expect((doc.components.schemas.Reading as Json).properties.value).to.deep.equal({ type: 'number', format: 'double', exclusiveMinimum: 0 });
  });

  it('keeps DTO classes that claim one name with different shapes in different services apart', async () => {
    @Dto({ name: 'Job' }) class JobA { @IsString() id!: string; }
    @Dto({ name: 'Job' }) class JobB { @IsNumber() @Property(DataType.INT32) id!: number; }
    @SmartObject({ uuid: '1b6c3a7e-1f7e-4c6b-9d8e-2a1b3c4d5e6f', name: 'A', token: 'a' })
    class A { @Event({ dataType: JobA }) job!: MsbEvent<JobA>; }
    @SmartObject({ uuid: '2b6c3a7e-1f7e-4c6b-9d8e-2a1b3c4d5e6f', name: 'A', token: 'b' })
    class B {
      @MsbFunction({ dataType: JobB }) run(@Payload() job: JobB): void { void job; }
    }
    const doc = asyncApiFromSelfDescriptions([selfDescriptionOf(A, { env: false }), selfDescriptionOf(B, { env: false })]);
    await parseStrict(doc, 'A + B');
    expect(doc.components.schemas).to.deep.equal({
      Job: { type: 'object', properties: { id: { type: 'string' } } },
      Job_2: { type: 'object', properties: { id: { type: 'integer', format: 'int32' } } },
    });
    expect(Object.keys(doc.channels)).to.deep.equal(['A', 'A_2']);
  });

  it('throws the declaration error of a wrongly declared class, as selfDescriptionOf does', () => {
    @SmartObject({ uuid: 'not-a-uuid', name: 'Bad', token: 'x' })
    class Bad { @ConfigParam() nothing: unknown = undefined; }
    expect(() => asyncApiOf(Bad, { env: false, propertiesFile: false })).to.throw(MsbDeclarationError, 'Bad');
  });

  describe('from self-descriptions other clients send', () => {
    const gateway = {
      '@class': 'Gateway', uuid: 'gw-1', name: 'Gateway', description: 'Java gateway', token: 'gw-token-secret',
      events: [{ '@id': 1, eventId: 'HEARTBEAT', name: 'Heartbeat', description: '' }],
      functions: [{ functionId: '/Handler/restart', name: 'restart', description: '', responseEvents: [1, 3] }],
      configuration: { parameters: { interval: { value: 5, type: 'integer', format: 'int64' }, odd: { value: 'x', type: 'MYSTERY' } } },
      services: [{
        '@class': 'SmartObject', uuid: 'sub-1', name: 'Sub {one}', description: '', token: 'sub-token-secret',
        events: [
          { '@id': 2, eventId: 'EV/1', name: 'EV 1', description: '', dataFormat: { dataObject: {} } },
          { '@id': 3, eventId: 'EV 2', name: 'EV 2', description: '', dataFormat: {
            dataObject: { $ref: '#/definitions/Outer' },
            Outer: { type: 'object', properties: { inner: { $ref: '#/definitions/Inner' }, gone: { $ref: '#/definitions/Missing' }, far: { $ref: 'http://example.org/x.json' } } },
            Inner: { type: 'object', properties: { n: { type: 'integer', minimum: 1, exclusiveMinimum: true, maximum: 9, exclusiveMaximum: false } }, example: { $ref: '#/definitions/Outer' } },
          } },
        ],
        functions: [
          { functionId: '/arrayfun', name: 'arrayfun', description: '', dataFormat: { a: { type: 'array', items: { type: 'string' } }, b: { $ref: '#/definitions/Inner' }, Inner: { type: 'object', properties: { n: { type: 'string' } } } } },
          { functionId: 'noparams', name: 'noparams', description: '' },
        ],
        configuration: { parameters: {} },
      }],
    };

    it('covers a gateway and its sub-services, resolves response events across them, and parses without errors', async () => {
      const doc = asyncApiFromSelfDescriptions([gateway]);
      const parsed = await parseStrict(doc, 'gateway');
      expect(doc.info.title).to.equal('Gateway');
      expect(Object.keys(doc.channels)).to.deep.equal(['Gateway', 'Sub__one_']);
      expect(parsed.operations().filterBySend().length).to.equal(3);
      expect(parsed.operations().filterByReceive().length).to.equal(4);
      const restart = doc.operations['Gateway-receive-_Handler_restart'] as Json;
      // @id 3 belongs to the sub-service, so the reply keeps only @id 1, on the gateway's channel.
      expect(restart.reply).to.deep.equal({ channel: { $ref: '#/channels/Gateway' }, messages: [{ $ref: '#/channels/Gateway/messages/Gateway-HEARTBEAT' }] });
      const text = JSON.stringify(doc);
      expect(text).not.to.contain('token-secret');
      expect(text).not.to.match(/"\$ref":"(?!#\/)/);
    });

    it('rewrites references, leaves out the ones it cannot resolve and converts exclusive bounds', () => {
      const doc = asyncApiFromSelfDescriptions([gateway]);
      const schemas = doc.components.schemas as Json;
      expect(schemas.Outer.properties).to.deep.equal({
        inner: { $ref: '#/components/schemas/Inner' },
        gone: { 'x-msb-unresolved-ref': '#/definitions/Missing' },
        far: { 'x-msb-unresolved-ref': 'http://example.org/x.json' },
      });
      // The event's Inner and the function's Inner differ, so each has its own component.
      expect(schemas.Inner).to.deep.equal({ type: 'object', properties: { n: { type: 'integer', exclusiveMinimum: 1, maximum: 9 } } });
      expect(schemas.Inner_2).to.deep.equal({ type: 'object', properties: { n: { type: 'string' } } });
      const call = doc.components.messages['Sub__one_-_arrayfun-call'] as Json;
      expect(call.payload.properties.functionParameters.properties).to.deep.equal({
        a: { type: 'array', items: { type: 'string' } },
        b: { $ref: '#/components/schemas/Inner_2' },
      });
      const config = doc.components.messages['Gateway-configuration'] as Json;
      expect(config.payload.properties.params.properties.interval).to.include({ type: 'integer', format: 'int64' });
      expect(config.payload.properties.params.properties.odd).to.deep.equal({ description: 'Value at registration: "x"', 'x-msb-value': 'x' });
    });

    it('resolves names with line separators and JSON-Pointer escapes, and drops repeated enum values', async () => {
      const name = 'Job\u2028a/b';
      const sd = {
        uuid: 'u', name: 'N',
        events: [{ eventId: 'e', dataFormat: { dataObject: { $ref: `#/definitions/${name}`, type: 'object' }, [name]: { type: 'object', properties: { k: { $ref: '#/definitions/T~0x~1y' } } }, 'T~x/y': { type: 'string', enum: ['a', 'a', { b: 1 }, { b: 1 }] } } }],
      };
      const doc = asyncApiFromSelfDescriptions([sd]);
      await parseStrict(doc, 'names');
      expect((doc.components.messages.e as Json).payload.properties.dataObject).to.deep.equal({ $ref: '#/components/schemas/Job_a_b', type: 'object' });
      expect(doc.components.schemas).to.deep.equal({
        Job_a_b: { type: 'object', properties: { k: { $ref: '#/components/schemas/T_x_y' } } },
        T_x_y: { type: 'string', enum: ['a', { b: 1 }] },
      });
    });

    it('finds response events given as inline event objects, or by position when events carry no @id', async () => {
      const sd = {
        uuid: 'u', name: 'N',
        events: [{ eventId: 'done' }, { eventId: 'failed' }],
        functions: [
          { functionId: 'a', responseEvents: [2, 1, 3] },
          { functionId: 'b', responseEvents: [{ eventId: 'failed' }, { '@id': 1 }, { eventId: 'nope' }, 'x'] },
        ],
      };
      const doc = asyncApiFromSelfDescriptions([sd]);
      await parseStrict(doc, 'inline responses');
      const replies = (op: string) => ((doc.operations[op] as Json).reply.messages as Array<{ $ref: string }>).map((m) => m.$ref.split('/').pop());
      expect(replies('receive-a')).to.deep.equal(['failed', 'done']);
      expect(replies('receive-b')).to.deep.equal(['failed', 'done']);
    });

    it('refuses descriptions without uuid, eventId or functionId, naming where', () => {
      expect(() => asyncApiFromSelfDescriptions([{ name: 'x' }])).to.throw(MsbAsyncApiError, 'self-description has no uuid');
      expect(() => asyncApiFromSelfDescriptions([gateway, { uuid: 'u', events: [{}, { name: 'n' }] }]))
        .to.throw(MsbAsyncApiError, 'self-description 1.events[0] has no eventId');
      expect(() => asyncApiFromSelfDescriptions([{ uuid: 'u', functions: [{ functionId: 7 }] }]))
        .to.throw(MsbAsyncApiError, 'self-description.functions[0] has no functionId');
      expect(() => asyncApiFromSelfDescriptions([42 as unknown as object])).to.throw(MsbAsyncApiError, 'self-description is not an object');
    });

    it('refuses a data format nested deeper than 64 schemas rather than risk the stack', () => {
      let deep: Json = { type: 'string' };
      for (let i = 0; i < 5000; i++) deep = { type: 'array', items: deep };
      const sd = { uuid: 'u', events: [{ eventId: 'deep', dataFormat: { dataObject: { $ref: '#/definitions/D' }, D: deep } }] };
      expect(() => asyncApiFromSelfDescriptions([sd])).to.throw(MsbAsyncApiError, 'self-description.events[0]: a data format is nested deeper than 64 schemas');
    });

    it('gives ids such as __proto__ other component keys, and keeps a __proto__ property name as data', async () => {
      const withKey = asyncApiFromSelfDescriptions([{ uuid: 'u', name: 'P', events: [{ eventId: '__proto__', dataFormat: { dataObject: { type: 'string' } } }] }]);
      await parseStrict(withKey, '__proto__ event');
      expect(Object.keys(withKey.components.messages)).to.deep.equal(['__proto___']);
      expect(withKey.components.messages.__proto___).to.include({ name: '__proto__' });
      // Not given to the parser: it reads a __proto__ property name as the prototype (see README).
      const format = JSON.parse('{"dataObject":{"type":"object","properties":{"__proto__":{"type":"string"}}}}') as Json;
      const withProperty = asyncApiFromSelfDescriptions([{ uuid: 'u', name: 'P', events: [{ eventId: 'e', dataFormat: format }] }]);
      const dataObject = (withProperty.components.messages.e as Json).payload.properties.dataObject;
      expect(JSON.stringify(dataObject)).to.equal('{"type":"object","properties":{"__proto__":{"type":"string"}}}');
      expect(({} as Json).type).to.equal(undefined);
    });
  });

  it('toYaml writes what a YAML reader reads back as the same JSON', () => {
    const value = {
      plain: 'word', spaced: 'two words', number: '3.0.0', bool: 'true', yes: 'yes', empty: '', hash: '#/x', colon: 'a: b',
      nums: [0, -1.5, 1e21], flags: [true, false, null], nested: [[], {}, [{ a: 1 }], { 'key with: colon': { '': 'x' } }],
      odd: '\u2028\u0085\uFEFF\u0000"\\\n\ttab', proto: JSON.parse('{"__proto__":{"polluted":1}}'),
    };
    expect(yaml.load(toYaml(value))).to.deep.equal(JSON.parse(JSON.stringify(value)));
    expect(yaml.load(toYaml('alone'))).to.equal('alone');
    expect(yaml.load(toYaml([]))).to.deep.equal([]);
  });

  describe('msb describe --asyncapi', () => {
    it('prints the document of the README quickstart class as JSON and as YAML, both without parser errors', async () => {
      // The quickstart bootstraps as soon as it is loaded; it retries against a closed port
      // and is stopped once the document is out.
      const env = cleanEnv({ MSB_URL: 'ws://127.0.0.1:1' });
      const quickstart = join(ROOT, 'dist', 'samples', 'quickstart.js');
      for (const args of [['--asyncapi'], ['--asyncapi', '--yaml']]) {
        const program = start(process.execPath, [CLI, 'describe', ...args, quickstart], env);
        try {
          // The last line of each form; nothing else goes to stdout while the service is offline.
          await program.waitFor(args.includes('--yaml') ? /x-msb-value: 1200\n$/ : /\n}\n$/);
        } finally {
          program.signal('SIGKILL');
          await program.exited;
        }
        const text = program.stdout;
        const parsed = await parseStrict(text, `quickstart ${args.join(' ')}`);
        expect(parsed.info().title()).to.equal('Drill 7');
        expect(parsed.servers().all().map((s) => s.host())).to.deep.equal(['127.0.0.1:1']);
        expect(parsed.operations().filterByReceive().find((o) => o.messages().all()[0].name() === 'drill')!.reply()!.messages().all().map((m) => m.name())).to.deep.equal(['drillFinished']);
        expect(text).not.to.contain('5e0d9c54dac1');
      }
    });

    it('prints the self-description as YAML with --yaml alone, its token masked as in JSON', async () => {
      const program = start(process.execPath, [CLI, 'describe', '--yaml', join(ROOT, 'dist', 'samples', 'drill.js')], cleanEnv());
      const { code } = await program.exited;
      expect(code, program.stderr).to.equal(0);
      expect(yaml.load(program.stdout)).to.deep.equal({ ...selfDescriptionOf(Drill, { env: false, propertiesFile: false }), token: MASKED_TOKEN });
      expect(program.stdout).not.to.contain('5e0d9c54dac1');
    });
  });
});
