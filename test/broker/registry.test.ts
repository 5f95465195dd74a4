import { expect } from 'chai';
import { Registry } from '../../lib/broker/registry';
import type { ServiceOwner } from '../../lib/broker/registry';
import type { DescribedService } from '../../lib/broker/self-description';

/** A session stand-in: open until the test closes it. */
function owner(id: string): ServiceOwner & { open: boolean } {
  return { id, open: true, isOpen() { return this.open; } };
}

/** A checked service as the registry receives it (the checker is tested on its own). */
function service(uuid: string, extra: Partial<DescribedService> = {}): DescribedService {
  return { uuid, name: `name of ${uuid}`, class: 'SmartObject', selfDescription: { uuid } as DescribedService['selfDescription'], eventIds: new Set(), functionIds: new Set(), ...extra };
}

/** A gateway registration: the gateway first, then its sub-services. */
function gateway(uuid: string, subs: string[]): DescribedService[] {
  return [service(uuid, { class: 'Gateway' }), ...subs.map((s) => service(s, { parent: uuid }))];
}

/** The records of a registration that must have succeeded. */
function registered(result: ReturnType<Registry['register']>): Exclude<typeof result, { full: unknown }> {
  if (!Array.isArray(result)) throw new Error(`the registration was refused: ${result.message}`);
  return result;
}

describe('broker/registry', () => {
  it('registers a service: the record holds the owner, the verification, the message size and the time', () => {
    const r = new Registry(10, 10_000);
    const a = owner('a');
    const before = Date.now();
    const [record] = registered(r.register([service('u1')], a, true, 120));
    expect(record).to.deep.include({ uuid: 'u1', name: 'name of u1', class: 'SmartObject', verified: true, owner: a, bytes: 120 });
    expect(record.registeredAt.getTime()).to.be.within(before, Date.now());
    expect(r.get('u1')).to.equal(record);
    expect(r.owns(a, 'u1')).to.equal(true);
    expect(r.owns(owner('b'), 'u1')).to.equal(false);
    expect([r.size, r.onlineCount, r.bytes, r.evicted]).to.deep.equal([1, 1, 120, 0]);
  });

  it('re-registering a uuid replaces its record and its size, and needs no room', () => {
    const r = new Registry(1, 1_000);
    const a = owner('a');
    registered(r.register([service('u1')], a, false, 600));
    const [again] = registered(r.register([service('u1', { name: 'renamed' })], a, true, 900));
    expect(r.get('u1')).to.equal(again);
    expect(again).to.deep.include({ name: 'renamed', verified: true });
    expect([r.size, r.bytes, r.evicted]).to.deep.equal([1, 900, 0]);
  });

  it('release() marks the owner\'s services offline and returns them; a new registration brings one back online', () => {
    const r = new Registry(10, 10_000);
    const a = owner('a');
    const b = owner('b');
    registered(r.register([service('u1')], a, false, 1));
    registered(r.register([service('u2')], a, false, 1));
    registered(r.register([service('u3')], b, false, 1));
    expect(r.release(a)).to.deep.equal(['u1', 'u2']);
    expect(r.get('u1')!.owner).to.equal(undefined);
    expect(r.owns(a, 'u1')).to.equal(false);
    expect([r.size, r.onlineCount]).to.deep.equal([3, 1]);
    expect(r.release(a), 'nothing left to release').to.deep.equal([]);
    const c = owner('c');
    registered(r.register([service('u1')], c, false, 1));
    expect([r.size, r.onlineCount]).to.deep.equal([3, 2]);
    expect(r.owns(c, 'u1')).to.equal(true);
  });

  it('conflict() names the first uuid a live session other than the caller holds', () => {
    const r = new Registry(10, 10_000);
    const a = owner('a');
    const b = owner('b');
    registered(r.register([service('u1')], a, false, 1));
    registered(r.register([service('u2')], a, false, 1));
    expect(r.conflict(['new', 'u2', 'u1'], b)).to.equal('u2');
    expect(r.conflict(['u1', 'u2'], a), 'its own services').to.equal(undefined);
    expect(r.conflict(['new'], b), 'unknown uuids').to.equal(undefined);
    a.open = false;
    expect(r.conflict(['u1'], b), 'a closed session that was not released yet').to.equal(undefined);
  });

  it('forgets the service offline longest first to make room, never an online one, and refuses when every service is online', () => {
    const evicted: string[] = [];
    const r = new Registry(3, 1_000, (uuid) => evicted.push(uuid));
    const a = owner('a');
    const b = owner('b');
    for (const u of ['u1', 'u2', 'u3']) registered(r.register([service(u)], u === 'u3' ? b : a, false, 100));
    // u3 goes offline first, then u1 and u2
    b.open = false;
    r.release(b);
    a.open = false;
    r.release(a);
    const c = owner('c');
    registered(r.register([service('u4')], c, false, 100));
    expect(evicted, 'offline longest').to.deep.equal(['u3']);
    registered(r.register([service('u5')], c, false, 100));
    registered(r.register([service('u6')], c, false, 100));
    expect(evicted).to.deep.equal(['u3', 'u1', 'u2']);
    expect(r.evicted).to.equal(3);
    expect(r.register([service('u7')], c, false, 100)).to.deep.equal({ full: 'services', message: 'the broker holds its maximum of 3 services, all of them online' });
    expect(r.list().map((s) => s.uuid)).to.deep.equal(['u4', 'u5', 'u6']);
    expect([r.size, r.bytes, r.evicted]).to.deep.equal([3, 300, 3]);
  });

  it('bounds the bytes held: forgets offline services for room, refuses when the online ones fill it', () => {
    const evicted: string[] = [];
    const r = new Registry(100, 1_000, (uuid) => evicted.push(uuid));
    const a = owner('a');
    registered(r.register([service('old')], a, false, 400));
    a.open = false;
    r.release(a);
    const c = owner('c');
    registered(r.register([service('x')], c, false, 300));
    expect(evicted, 'room enough without forgetting').to.deep.equal([]);
    registered(r.register([service('y')], c, false, 500));
    expect(evicted).to.deep.equal(['old']);
    expect(r.register([service('z')], c, false, 201)).to.deep.equal({ full: 'bytes', message: 'the self-descriptions held would exceed 1000 bytes, and every service held is online' });
    registered(r.register([service('z')], c, false, 200));
    expect(r.bytes).to.equal(1_000);
  });

  it('never forgets the service being registered, nor a sub-service of the gateway being registered, to make room for it', () => {
    const evicted: string[] = [];
    const r = new Registry(3, 10_000, (uuid) => evicted.push(uuid));
    const g = owner('g');
    registered(r.register(gateway('gw', ['s1', 's2']), g, false, 100));
    g.open = false;
    r.release(g);
    const g2 = owner('g2');
    // the same gateway comes back with one more sub-service: its own offline records are not room
    expect(r.register(gateway('gw', ['s1', 's2', 's3']), g2, false, 100)).to.deep.include({ full: 'services' });
    expect(evicted).to.deep.equal([]);
    expect(r.size).to.equal(3);
    registered(r.register(gateway('gw', ['s1', 's3']), g2, false, 100));
    expect(r.list().map((s) => s.uuid).sort()).to.deep.equal(['gw', 's1', 's3']);
    expect(evicted, 's2 was dropped by its gateway, not forgotten for room').to.deep.equal([]);
  });

  it('a gateway\'s sub-services are counted with it: bytes on the gateway, dropped when it re-registers without them, forgotten with it', () => {
    const evicted: string[] = [];
    const r = new Registry(100, 10_000, (uuid) => evicted.push(uuid));
    const g = owner('g');
    const records = registered(r.register(gateway('gw', ['s1', 's2']), g, false, 500));
    expect(records.map((x) => [x.uuid, x.bytes, x.parent])).to.deep.equal([['gw', 500, undefined], ['s1', 0, 'gw'], ['s2', 0, 'gw']]);
    expect([r.size, r.bytes]).to.deep.equal([3, 500]);
    registered(r.register(gateway('gw', ['s2']), g, false, 300));
    expect(r.get('s1'), 'no longer listed').to.equal(undefined);
    expect([r.size, r.bytes]).to.deep.equal([2, 300]);
    g.open = false;
    r.release(g);
    const small = new Registry(2, 10_000, (uuid) => evicted.push(uuid));
    const h = owner('h');
    registered(small.register(gateway('gw', ['s1']), h, false, 100));
    h.open = false;
    small.release(h);
    registered(small.register([service('x')], owner('x'), false, 100));
    expect(evicted, 'the gateway and its sub-service go together').to.deep.equal(['gw', 's1']);
    expect(small.evicted).to.equal(2);
    expect(small.list().map((s) => s.uuid)).to.deep.equal(['x']);
  });

  it('delete() forgets an offline service and its sub-services, refuses an online one; forceDelete() forgets either', () => {
    const evicted: string[] = [];
    const r = new Registry(100, 10_000, (uuid) => evicted.push(uuid));
    const g = owner('g');
    const c = owner('c');
    registered(r.register(gateway('gw', ['s1', 's2']), g, false, 500));
    registered(r.register([service('x')], c, false, 300));
    expect(r.delete('gw'), 'its session is open').to.equal('online');
    g.open = false;
    r.release(g);
    expect(r.delete('gw')).to.equal('deleted');
    expect([r.size, r.bytes]).to.deep.equal([1, 300]);
    expect(r.delete('nope')).to.equal('unknown');
    expect(r.forceDelete('x')).to.equal(true);
    expect(r.forceDelete('x')).to.equal(false);
    expect([r.size, r.bytes, r.onlineCount]).to.deep.equal([0, 0, 0]);
    expect(evicted, 'deletions are not evictions').to.deep.equal([]);
    expect(r.evicted).to.equal(0);
  });

  it('resolve() finds a service by uuid, else by name, preferring one whose session is open', () => {
    const r = new Registry(100, 10_000);
    const a = owner('a');
    const b = owner('b');
    registered(r.register([service('u1', { name: 'drill' })], a, false, 1));
    registered(r.register([service('u2', { name: 'drill' })], b, false, 1));
    registered(r.register([service('u3', { name: 'u1' })], b, false, 1));
    expect(r.resolve('u1')!.uuid, 'a uuid wins over a name').to.equal('u1');
    expect(r.resolve('drill')!.uuid, 'the first registered, both online').to.equal('u1');
    a.open = false;
    expect(r.resolve('drill')!.uuid, 'the online one').to.equal('u2');
    b.open = false;
    expect(r.resolve('drill')!.uuid, 'all offline: the first').to.equal('u1');
    expect(r.resolve('press')).to.equal(undefined);
  });
});
