import 'reflect-metadata';
import { expect } from 'chai';
import { Event, Gateway, MsbDeclarationError, MsbOptionsError, SmartObject } from '../../lib';
import type { MsbEvent } from '../../lib';
import type { SelfDescription } from '../../lib/metadata/self-description';
import { ServiceSet, loadSubService } from '../../lib/client/service-set';
import type { ServiceRuntime } from '../../lib/client/service-runtime';

const SUB_UUID = '2b0e7c44-0000-4000-8000-000000000001';

@SmartObject({ uuid: SUB_UUID, name: 'Press', token: 'press-token' })
class Press {
  @Event({ id: 'pressed' }) pressed!: MsbEvent;
}

@Gateway({ uuid: '2b0e7c44-0000-4000-8000-000000000002', name: 'Hall', token: 'hall-token' })
class Hall {}

/**
 * What the set needs of a service runtime: its uuid, identity, class name, events and
 * self-description. The self-description records the first event `@id` it was given.
 */
function runtime(uuid: string, kind: 'SmartObject' | 'Gateway', className: string, events: number): ServiceRuntime {
  return {
    uuid,
    identity: { kind, name: `${className} name`, uuid },
    model: { className, events: new Array(events).fill({}) },
    selfDescription: (firstAtId: number) => ({ uuid, firstAtId }) as unknown as SelfDescription,
  } as unknown as ServiceRuntime;
}

describe('client/service-set', () => {
  describe('loadSubService', () => {
    it('reads a class or an instance by its decorator alone: the environment names the gateway, not its services', () => {
      const saved = process.env.MSB_UUID;
      process.env.MSB_UUID = 'c0ffee00-0000-4000-8000-00000000ffff';
      try {
        const fromClass = loadSubService(Press);
        expect(fromClass.identity).to.deep.include({ uuid: SUB_UUID, name: 'Press', kind: 'SmartObject' });
        expect(fromClass.instance).to.be.instanceOf(Press);
        const press = new Press();
        const fromInstance = loadSubService(press);
        expect(fromInstance.instance).to.equal(press);
        expect(fromInstance.identity.uuid).to.equal(SUB_UUID);
      } finally {
        if (saved === undefined) delete process.env.MSB_UUID;
        else process.env.MSB_UUID = saved;
      }
    });

    it('refuses a gateway as a sub-service, and an undecorated class, with an MsbDeclarationError naming it', () => {
      expect(() => loadSubService(Hall)).to.throw(MsbDeclarationError).that.deep.include({ className: 'Hall', problems: ["Hall is a @Gateway: a gateway's sub-services are SmartObjects or Applications"] });
      class Loose {}
      expect(() => loadSubService(Loose)).to.throw(MsbDeclarationError, /Loose is not decorated with @SmartObject, @Application or @Gateway/);
    });
  });

  describe('ServiceSet', () => {
    it('finds the service a message is for: no uuid, an empty one or the main uuid is the main service', () => {
      const main = runtime('gw', 'Gateway', 'Hall', 0);
      const sub = runtime('s1', 'SmartObject', 'Press', 1);
      const set = new ServiceSet(main);
      set.add(sub);
      expect([set.get(undefined), set.get(''), set.get('gw'), set.get('s1'), set.get('nope')]).to.deep.equal([main, main, main, sub, undefined]);
      expect(set.all()).to.deep.equal([main, sub]);
      expect(set.remove('s1')).to.equal(sub);
      expect(set.remove('s1')).to.equal(undefined);
      expect(set.remove('gw'), 'the main service stays').to.equal(undefined);
      expect(set.all()).to.deep.equal([main]);
    });

    it('check() refuses a sub-service for a main service that is no gateway, and a uuid already held, naming both', () => {
      const press = loadSubService(Press);
      expect(() => new ServiceSet(runtime('so', 'SmartObject', 'Drill', 0)).check(press)).to.throw(MsbOptionsError, 'Drill is not a @Gateway: only a gateway has sub-services (Press was given)');
      const set = new ServiceSet(runtime('gw', 'Gateway', 'Hall', 0));
      expect(() => set.check(press)).to.not.throw();
      set.add(runtime(SUB_UUID, 'SmartObject', 'OldPress', 0));
      expect(() => set.check(press)).to.throw(MsbOptionsError, `Press has uuid ${SUB_UUID}, which OldPress has already in gateway Hall name`);
      const clash = new ServiceSet(runtime(SUB_UUID, 'Gateway', 'Hall', 0));
      expect(() => clash.check(press)).to.throw(MsbOptionsError, `Press has uuid ${SUB_UUID}, which Hall has already in gateway Hall name`);
    });

    it('describes a gateway with its sub-services, numbering their events on from the gateway\'s', () => {
      const set = new ServiceSet(runtime('gw', 'Gateway', 'Hall', 2));
      set.add(runtime('s1', 'SmartObject', 'Press', 3));
      set.add(runtime('s2', 'SmartObject', 'Saw', 0));
      set.add(runtime('s3', 'SmartObject', 'Drill', 1));
      expect(set.selfDescription()).to.deep.equal({
        uuid: 'gw', firstAtId: 1,
        services: [{ uuid: 's1', firstAtId: 3 }, { uuid: 's2', firstAtId: 6 }, { uuid: 's3', firstAtId: 6 }],
      });
      expect(new ServiceSet(runtime('so', 'SmartObject', 'Drill', 4)).selfDescription(), 'no services key for a plain service').to.deep.equal({ uuid: 'so', firstAtId: 1 });
    });
  });
});
