import { expect } from 'chai';
import { CallTooLargeError, FlowLimitError, startBroker } from '../../lib/broker';
import { buildParameters } from '../../lib/broker/flow-mapping';
import { MsbOptionsError } from '../../lib/errors';
import { FlowStore } from '../../lib/broker/flows';
import { WarningLimiter } from '../../lib/broker/log-limiter';
import { Registry, ServiceOwner } from '../../lib/broker/registry';
import { checkSelfDescription } from '../../lib/broker/self-description';
import { smartObject } from './helpers';

function owner(id: string): ServiceOwner & { open: boolean } {
  return { id, open: true, isOpen() { return this.open; } };
}

function described(uuid: string, extra: Record<string, unknown> = {}): ReturnType<typeof checkSelfDescription>['services'] {
  const check = checkSelfDescription(smartObject(uuid, extra));
  expect(check.problems).to.deep.equal([]);
  return check.services;
}

describe('broker limits: units', () => {
  it('the registry forgets the service offline longest first, never an online one, and refuses when all are online', () => {
    const r = new Registry(3, 1000);
    const a = owner('a');
    const b = owner('b');
    for (const u of ['u1', 'u2', 'u3']) expect(r.register(described(u), u === 'u3' ? b : a, false, 100)).to.be.an('array');
    // u3 goes offline first, then u1 and u2
    b.open = false;
    r.release(b);
    a.open = false;
    r.release(a);
    const c = owner('c');
    expect(r.register(described('u4'), c, false, 100)).to.be.an('array');
    expect(r.get('u3'), 'offline longest').to.equal(undefined);
    expect(r.get('u1')).to.not.equal(undefined);
    expect(r.register(described('u5'), c, false, 100)).to.be.an('array');
    expect(r.register(described('u6'), c, false, 100)).to.be.an('array');
    expect(r.evicted).to.equal(3);
    expect(r.register(described('u7'), c, false, 100)).to.deep.include({ full: 'services' });
    // re-registering a held uuid needs no room
    expect(r.register(described('u6'), c, false, 100)).to.be.an('array');
    expect(r.size).to.equal(3);
    expect(r.bytes).to.equal(300);
  });

  it('the registry counts bytes: replacing a service frees its old size; a gateway and its sub-services go together', () => {
    const r = new Registry(100, 1000);
    const c = owner('c');
    r.register(described('x'), c, false, 600);
    r.register(described('x'), c, false, 300);
    expect(r.bytes).to.equal(300);
    expect(r.register(described('y'), c, false, 800)).to.deep.include({ full: 'bytes' });
    const gw = checkSelfDescription({ uuid: 'gw', '@class': 'Gateway', services: [smartObject('s1'), smartObject('s2')] });
    expect(gw.problems).to.deep.equal([]);
    const g = owner('g');
    r.register(gw.services, g, false, 500);
    expect(r.size).to.equal(4);
    g.open = false;
    r.release(g);
    expect(r.delete('gw')).to.equal('deleted');
    expect(r.size).to.equal(1);
    expect(r.bytes).to.equal(300);
    expect(r.delete('x')).to.equal('online');
    expect(r.delete('nope')).to.equal('unknown');
  });

  it('the flow store: a flow replacing one with the same id needs no room; bytes follow adds and removals', () => {
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

  it('buildParameters adds up the output before building it', () => {
    const event = { uuid: 'u', eventId: 'e', priority: 0, postDate: 'd', dataObject: 'x'.repeat(1000) };
    expect(buildParameters(event, [{ target: '/a', template: '${/dataObject}${/dataObject}' }], 2100).a).to.have.length(2000);
    expect(() => buildParameters(event, [{ target: '/a', template: '${/dataObject}'.repeat(3) }], 2100)).to.throw(CallTooLargeError, /was not built/);
    expect(() => buildParameters(event, [{ target: '/a', source: '/dataObject' }, { target: '/b', template: '${/dataObject}' }], 1500)).to.throw(CallTooLargeError);
  });

  it('repeated warnings of one kind: the first written, the rest summarised per period', () => {
    const lines: string[] = [];
    const limiter = new WarningLimiter({ debug: () => undefined, info: () => undefined, warn: (m) => void lines.push(m), error: () => undefined }, 60_000);
    for (let i = 0; i < 1000; i++) limiter.warn('k', `bad message ${i}`);
    limiter.warn('other', 'another kind');
    expect(lines).to.deep.equal(['bad message 0', 'another kind']);
    limiter.flush();
    expect(lines[2]).to.equal('999 more like this in the last 60 s; the last: bad message 999');
    limiter.warn('k', 'again');
    expect(lines[3]).to.equal('again');
    expect(limiter.suppressed).to.equal(999);
    limiter.close();
  });

  it('a limit that is not a positive integer is an MsbOptionsError naming the option', async () => {
    for (const [key, value] of [['maxServices', 0], ['maxFlows', -1], ['maxCallBytes', 1.5], ['maxTokens', '10']] as const) {
      let err: unknown;
      await startBroker({ [key]: value } as never).catch((e: unknown) => (err = e));
      expect(err, key).to.be.instanceOf(MsbOptionsError);
      expect((err as Error).message).to.include(`broker option ${key} must be a positive integer, got ${value}`);
    }
    let err: unknown;
    await startBroker({ maxSelfDescriptionBytes: 2000, maxRegistryBytes: 1000 }).catch((e: unknown) => (err = e));
    expect((err as Error).message).to.match(/cannot exceed maxRegistryBytes/);
  });
});
