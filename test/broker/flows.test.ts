import { expect } from 'chai';
import { CallTooLargeError, FlowError, FlowLimitError, startBroker } from '../../lib/broker';
import { FlowStore } from '../../lib/broker/flows';
import { compileFlow } from '../../lib/broker/flow-compiler';
import { buildParameters } from '../../lib/broker/flow-mapping';
import { JsonPointerError } from '../../lib/broker/json-pointer';
import { Fixture, TestClient, bodyOf, isPublishAnswer, smartObject, uid, waitFor } from '../support';

/** The [Py] integration_flow.json skeleton of spec 11.3 with placeholders filled in. */
function pyFlow(src: string, dst: string, owner: string): Record<string, unknown> {
  return {
    '@id': 1,
    name: 'py flow',
    description: '',
    ownerUuid: owner,
    transitions: [
      {
        '@id': 1,
        sources: [],
        targets: [],
        outputs: [2],
        processors: [1],
        inputs: [
          {
            '@id': 1,
            direction: 'Input',
            transitionInput: {
              '@id': 1,
              type: 'InputEvent',
              connectionFormat: 'JSON',
              inputParameters: [1],
              eventId: 'arrayev',
              service: { '@id': 1, uUID: src, name: 'source', type: 'SMART_OBJECT', events: [1], endpoints: [] },
            },
            processors: [
              {
                '@id': 1,
                className: 'processor.mapping.datamappingprocessor',
                inputs: [1],
                output: {
                  '@id': 2,
                  processor: 1,
                  direction: 'Output',
                  transitionOutput: {
                    '@id': 1,
                    type: 'FunctionCall',
                    connectionFormat: 'JSON',
                    outputParameters: [2],
                    functionId: '/arrayfun',
                    serviceEndpoint: {
                      '@id': 1,
                      endpointUri: 'vfk.msb.interface.websocket[127.0.0.1:8084]',
                      connectionType: 'WEBSOCKET',
                      functionCalls: [1],
                      service: { '@id': 2, uUID: dst, name: 'target', type: 'SMART_OBJECT', events: [], endpoints: [1] },
                    },
                  },
                },
                pattern: {
                  mapping: [
                    {
                      source: [{ path: '/dataObject', type: 'ARRAY', items: { type: 'STRING' } }],
                      target: { path: '/a', type: 'ARRAY', items: { type: 'STRING' }, template: '${/dataObject}' },
                    },
                  ],
                  template: '{"a":{"items":{"type":"string"},"type":"array"}}',
                },
              },
            ],
          },
        ],
      },
    ],
    services: [1, 2],
  };
}

/**
 * The C# chained flow shape: S1.TestEvent → S2.Relay (responseEvent TestResponseEvent) and
 * S2.TestResponseEvent → S1.ReceiveString, with later occurrences as bare @id ints.
 */
function chainedFlow(s1: string, s2: string): Record<string, unknown> {
  const out = (id: number, fn: string, svc: unknown, extra: Record<string, unknown> = {}): Record<string, unknown> => ({
    '@id': id,
    type: 'FunctionCall',
    functionId: fn,
    serviceEndpoint: { '@id': id, connectionType: 'WEBSOCKET', service: svc },
    ...extra,
  });
  const mapping = [{ source: [{ path: '/dataObject', uniqueEventId: { serviceUuid: s1, eventId: 'TestEvent' } }], target: { path: '/message', template: '${/dataObject}' }, items: { path: '', template: '' } }];
  return {
    '@id': 1,
    name: 'chained',
    deployed: true,
    workflowExecutionControl: true,
    transitions: [
      {
        '@id': 1,
        inputs: [
          {
            '@id': 1,
            transitionInput: { '@id': 1, type: 'InputEvent', eventId: 'TestEvent', service: { '@id': 1, uUID: s1, type: 'APPLICATION_SERVICE' } },
            processors: [
              {
                '@id': 1,
                output: {
                  '@id': 1,
                  transitionOutput: out(1, 'Relay', { '@id': 2, uUID: s2, type: 'APPLICATION_SERVICE' }, {
                    responseEvent: { '@id': 2, type: 'InputEvent', eventId: 'TestResponseEvent', service: 2 },
                  }),
                },
                pattern: { mapping },
              },
            ],
          },
        ],
      },
      {
        '@id': 2,
        inputs: [
          {
            '@id': 2,
            transitionInput: 2,
            processors: [{ '@id': 2, output: { '@id': 2, transitionOutput: out(2, 'ReceiveString', 1) }, pattern: { mapping } }],
          },
        ],
      },
    ],
  };
}

describe('broker: flows', function () {
  this.timeout(10000);
  const fx = Fixture.eachTest();
  const connect = (sockJs = true): Promise<TestClient> => fx.connect({ sockJs });

  it('short form by uuid: default map dataObject → dataObject, correlationId passed on', async () => {
    const src = await connect();
    const dst = await connect(false);
    const a = uid('a');
    const b = uid('b');
    await src.registerAndWait(smartObject(a));
    await dst.registerAndWait(smartObject(b));
    fx.broker.deployFlow({ from: { service: a, event: 'EV1' }, to: { service: b, function: 'fn' } });
    src.publish({ uuid: a, eventId: 'EV1', dataObject: 'hello "x"', correlationId: 'corr-1' });
    expect(await src.next(isPublishAnswer)).to.equal('IO_PUBLISHED');
    const c = await dst.next((m) => m.startsWith('C '));
    expect(bodyOf(c)).to.deep.equal({ uuid: b, correlationId: 'corr-1', functionId: 'fn', functionParameters: { dataObject: 'hello "x"' } });
  });

  it('short form by name with nested targets, typed copies and string templates', async () => {
    const c = await connect();
    const a = uid('a');
    await c.registerAndWait(smartObject(a, { name: 'Drill' }));
    const id = fx.broker.deployFlow({
      id: 'mine',
      from: { service: 'Drill', event: 'arrayev' },
      to: { service: 'Drill', function: '/arrayfun' },
      map: { '/x/list': '/dataObject', '/x/first': '/dataObject/0', '/label': 'id=${/correlationId} n=${/dataObject/1}', '/evt': '/eventId' },
    });
    expect(id).to.equal('mine');
    c.publish({ uuid: a, eventId: 'arrayev', dataObject: ['p', 'q'], correlationId: 'k' });
    const call = bodyOf(await c.next((m) => m.startsWith('C ')));
    expect(call.functionParameters).to.deep.equal({ x: { list: ['p', 'q'], first: 'p' }, label: 'id=k n=q', evt: 'arrayev' });
    expect(call.correlationId).to.equal('k');
  });

  it('the [Py] 11.3 integration flow via REST: arrayev → /arrayfun {a: [...]}, same service, correlation kept', async () => {
    const c = await connect();
    const so = uid('py');
    await c.registerAndWait(smartObject(so));
    const body = JSON.stringify(pyFlow(so, so, 'owner')).replace(/\n/g, '');
    const created = await fetch(`${fx.broker.httpUrl}/integrationFlow/create`, { method: 'POST', body, headers: { 'content-type': 'application/json' } });
    expect(created.status).to.equal(201);
    const { id } = (await created.json()) as { id: number };
    expect(id).to.be.a('number').above(0);
    expect((await fetch(`${fx.broker.httpUrl}/integrationFlow/${id}/deploy`, { method: 'PUT' })).status).to.equal(200);
    c.publish({ uuid: so, eventId: 'arrayev', dataObject: ['Hello', 'World', '!'], correlationId: '123456789987654321' });
    const call = bodyOf(await c.next((m) => m.startsWith('C ')));
    expect(call).to.deep.equal({ uuid: so, correlationId: '123456789987654321', functionId: '/arrayfun', functionParameters: { a: ['Hello', 'World', '!'] } });
  });

  it('the C# chained flow with @id references: event → function → response event → function', async () => {
    const c1 = await connect();
    const c2 = await connect();
    const s1 = uid('s1');
    const s2 = uid('s2');
    await c1.registerAndWait(smartObject(s1, { events: [{ '@id': 0, eventId: 'TestEvent', dataFormat: { dataObject: { type: 'string' } } }], functions: [{ functionId: 'ReceiveString', dataFormat: { message: { type: 'string' } } }] }));
    await c2.registerAndWait(smartObject(s2, { events: [{ '@id': 0, eventId: 'TestResponseEvent', dataFormat: { dataObject: { type: 'string' } } }], functions: [{ functionId: 'Relay', dataFormat: { message: { type: 'string' } }, responseEvents: [0] }] }));
    const res = await fetch(`${fx.broker.httpUrl}/integrationFlow/create/deploy`, { method: 'POST', body: JSON.stringify(chainedFlow(s1, s2)) });
    expect(res.status).to.equal(201);
    expect(await res.json()).to.include({ deployed: true });
    c1.publish({ uuid: s1, eventId: 'TestEvent', dataObject: 'TestValue', correlationId: 'chain-1' });
    const relay = bodyOf(await c2.next((m) => m.startsWith('C ')));
    expect(relay).to.deep.equal({ uuid: s2, correlationId: 'chain-1', functionId: 'Relay', functionParameters: { message: 'TestValue' } });
    c2.publish({ uuid: s2, eventId: 'TestResponseEvent', dataObject: 'TestValue!', correlationId: relay.correlationId });
    const back = bodyOf(await c1.next((m) => m.startsWith('C ')));
    expect(back).to.deep.equal({ uuid: s1, correlationId: 'chain-1', functionId: 'ReceiveString', functionParameters: { message: 'TestValue!' } });
  });

  it('routes nothing for an undeployed flow and again after redeploy', async () => {
    const c = await connect();
    const a = uid('a');
    await c.registerAndWait(smartObject(a));
    const id = fx.broker.deployFlow({ from: { service: a, event: 'EV1' }, to: { service: a, function: 'fn' } });
    expect(fx.broker.undeployFlow(id)).to.equal(true);
    c.publish({ uuid: a, eventId: 'EV1', dataObject: 'one' });
    expect(await c.next(isPublishAnswer)).to.equal('IO_PUBLISHED');
    await c.barrier(smartObject(a));
    expect(c.queue.filter((m) => m.startsWith('C '))).to.deep.equal([]);
    expect(fx.broker.flows().find((f) => f.id === id)?.deployed).to.equal(false);
    expect((await fetch(`${fx.broker.httpUrl}/integrationFlow/${id}/deploy`, { method: 'PUT' })).status).to.equal(200);
    c.publish({ uuid: a, eventId: 'EV1', dataObject: 'two' });
    expect(bodyOf(await c.next((m) => m.startsWith('C '))).functionParameters).to.deep.equal({ dataObject: 'two' });
  });

  it('reports calls to an offline or unknown target as undeliverable, never silently', async () => {
    const src = await connect();
    const dst = await connect();
    const a = uid('a');
    const b = uid('b');
    await src.registerAndWait(smartObject(a));
    await dst.registerAndWait(smartObject(b));
    const flowId = fx.broker.deployFlow({ from: { service: a, event: 'EV1' }, to: { service: b, function: 'fn' } });
    fx.broker.deployFlow({ from: { service: a, event: 'EV1' }, to: { service: 'ghost', function: 'fn' } });
    const gone = waitFor(fx.broker, 'disconnected', (d: { uuids: string[] }) => d.uuids.includes(b));
    await dst.close();
    await gone;
    const offline = waitFor(fx.broker, 'undeliverable', (u: { uuid: string }) => u.uuid === b);
    const ghost = waitFor(fx.broker, 'undeliverable', (u: { uuid: string }) => u.uuid === 'ghost');
    src.publish({ uuid: a, eventId: 'EV1', dataObject: 'x', correlationId: 'lost?' });
    expect(await src.next(isPublishAnswer)).to.equal('IO_PUBLISHED');
    const u = await offline;
    expect(u).to.include({ flowId, functionId: 'fn', correlationId: 'lost?' });
    expect(u.reason).to.match(/offline/);
    expect((await ghost).reason).to.match(/no service ghost/);
  });

  it('rejects flows it cannot understand with a clear FlowError (REST: 400)', async () => {
    expect(() => compileFlow({})).to.throw(FlowError, /transitions.*from/);
    expect(() => compileFlow({ from: { service: 'a' }, to: { service: 'b', function: 'f' } })).to.throw(FlowError, /"from"/);
    expect(() => compileFlow({ from: { service: 'a', event: 'e' }, to: { service: 'b' } })).to.throw(FlowError, /"to"/);
    expect(() => compileFlow({ from: { service: 'a', event: 'e' }, to: { service: 'b', function: 'f' }, map: { x: '/y' } })).to.throw(FlowError, /must be empty or start with/);
    expect(() => compileFlow({ transitions: [] })).to.throw(FlowError, /no InputEvent/);
    expect(() => fx.broker.deployFlow({ transitions: 'x' } as never)).to.throw(FlowError, /transitions/);
    const res = await fetch(`${fx.broker.httpUrl}/integrationFlow/create`, { method: 'POST', body: '{"name":"x"}' });
    expect(res.status).to.equal(400);
    expect(((await res.json()) as { error: string }).error).to.match(/transitions/);
    let err: unknown;
    await startBroker({ flows: [{ nonsense: true }] }).catch((e: unknown) => (err = e));
    expect(err).to.be.instanceOf(FlowError);
  });

  it('deploys flows given in the options at start', async () => {
    const a = uid('a');
    await fx.restart({ flows: [{ from: { service: a, event: 'NOPAY' }, to: { service: a, function: 'fn' }, map: { '/when': '/postDate' } }] });
    const c = await connect();
    await c.registerAndWait(smartObject(a));
    c.publish({ uuid: a, eventId: 'NOPAY', postDate: '2024-01-01T00:00:00.000Z' });
    expect(bodyOf(await c.next((m) => m.startsWith('C '))).functionParameters).to.deep.equal({ when: '2024-01-01T00:00:00.000Z' });
  });
});

describe('broker: parameter mapping', () => {
  const event = { uuid: 'u', eventId: 'e', priority: 0, postDate: 'd', correlationId: 'c', dataObject: { 'a/b': 1, 'm~n': 2, list: [10, 20], deep: { x: { y: true } } } };

  it('builds parameters: typed ${} templates, interpolation, missing values left out, copies not aliases', () => {
    const params = buildParameters(event, [
      { target: '/whole', template: '${/dataObject}' },
      { target: '/text', template: 'c=${/correlationId}, list=${/dataObject/list}, none=${/nope}' },
      { target: '/skipped', source: '/nope' },
      { target: '/n', source: '/dataObject/list/0' },
    ]);
    expect(params).to.deep.equal({ whole: event.dataObject, text: 'c=c, list=[10,20], none=', n: 10 });
    expect(params.whole).to.not.equal(event.dataObject);
    expect(buildParameters(event, [{ target: '', source: '/dataObject/deep' }])).to.deep.equal({ x: { y: true } });
    expect(() => buildParameters(event, [{ target: '/__proto__/x', source: '/uuid' }])).to.throw(JsonPointerError);
  });

  it('keeps a "__proto__" key of an event value as plain data', () => {
    const hostile = JSON.parse('{"uuid":"u","eventId":"e","priority":0,"postDate":"d","dataObject":{"__proto__":{"polluted":true}}}');
    const params = buildParameters(hostile, [{ target: '/dataObject', source: '/dataObject' }]);
    const d = params.dataObject as Record<string, unknown>;
    expect(Object.getPrototypeOf(d)).to.equal(Object.prototype);
    expect(Object.prototype.hasOwnProperty.call(d, '__proto__')).to.equal(true);
    expect(({} as Record<string, unknown>).polluted).to.equal(undefined);
  });

  it('buildParameters adds up the output before building it', () => {
    const big = { uuid: 'u', eventId: 'e', priority: 0, postDate: 'd', dataObject: 'x'.repeat(1000) };
    expect(buildParameters(big, [{ target: '/a', template: '${/dataObject}${/dataObject}' }], 2100).a).to.have.length(2000);
    expect(() => buildParameters(big, [{ target: '/a', template: '${/dataObject}'.repeat(3) }], 2100)).to.throw(CallTooLargeError, /was not built/);
    expect(() => buildParameters(big, [{ target: '/a', source: '/dataObject' }, { target: '/b', template: '${/dataObject}' }], 1500)).to.throw(CallTooLargeError);
  });
});

describe('broker: the flow store', () => {
  it('a flow replacing one with the same id needs no room; bytes follow adds and removals', () => {
    const store = new FlowStore(2, 1000);
    const flow = (id: string, name = ''): Record<string, unknown> => ({ id, name, from: { service: 'a', event: 'e' }, to: { service: 'b', function: 'f' } });
    store.add(flow('one'), true);
    store.add(flow('two'), true);
    expect(() => store.add(flow('three'), true)).to.throw(FlowLimitError, /maximum of 2 flows/);
    store.add(flow('two', 'renamed'), true);
    expect(store.size).to.equal(2);
    const bytes = store.bytes;
    expect(bytes).to.equal(JSON.stringify(flow('one')).length + JSON.stringify(flow('two', 'renamed')).length);
    store.remove('one');
    expect(store.bytes).to.equal(JSON.stringify(flow('two', 'renamed')).length);
    expect(() => store.add(flow('big', 'x'.repeat(1000)), true)).to.throw(FlowLimitError, /maxFlowBytes/);
  });
});
