import { expect } from 'chai';
import { MsbOptionsError } from '../../lib';
import type { Logger } from '../../lib';
import { defaultLogger } from '../../lib/client/logger';
import { givenInstance, positive, runtimeOptions } from '../../lib/client/service-options';

/** The MsbOptionsError `run` throws or rejects with; fails the test when there is none. */
async function optionsError(run: () => unknown): Promise<MsbOptionsError> {
  let outcome: unknown;
  try {
    outcome = await run();
  } catch (e) {
    expect(e).to.be.instanceOf(MsbOptionsError);
    return e as MsbOptionsError;
  }
  throw new Error(`expected an MsbOptionsError, got the result ${String(outcome)}`);
}

describe('client/service-options', () => {
  describe('positive', () => {
    it('gives the fallback for a missing value and the value for a good one', () => {
      expect(positive('n', undefined, 7)).to.equal(7);
      expect(positive('n', 0.5, 7)).to.equal(0.5);
      expect(positive('n', 0, 7, true)).to.equal(0);
    });

    it('refuses anything else, naming the option and the value', async () => {
      const cases: Array<[unknown, boolean, string]> = [
        [0, false, 'Option n must be a positive number, got 0'],
        [-1, true, 'Option n must be a non-negative number, got -1'],
        [Infinity, false, 'Option n must be a positive number, got Infinity'],
        [Number.NaN, true, 'Option n must be a non-negative number, got NaN'],
        ['5', false, 'Option n must be a positive number, got "5"'],
        [null, false, 'Option n must be a positive number, got null'],
      ];
      for (const [value, allowZero, message] of cases) {
        expect((await optionsError(() => positive('n', value as number, 7, allowZero))).message, String(value)).to.equal(message);
      }
    });
  });

  describe('runtimeOptions', () => {
    it('fills in the documented defaults', () => {
      expect(runtimeOptions({})).to.deep.equal({
        validate: true, maxConcurrentCalls: 64, maxQueuedCalls: 10_000, callTimeoutMs: 30_000, maxEventBytes: 1_000_000, sockJsFraming: true, logger: defaultLogger,
      });
    });

    it('keeps the values given; zero is allowed where it means "none" or "no limit"', () => {
      const logger: Logger = { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined };
      expect(runtimeOptions({ validate: false, maxConcurrentCalls: 1, maxQueuedCalls: 0, callTimeoutMs: 0, maxEventBytes: 10, sockJsFraming: false, logger })).to.deep.equal({
        validate: false, maxConcurrentCalls: 1, maxQueuedCalls: 0, callTimeoutMs: 0, maxEventBytes: 10, sockJsFraming: false, logger,
      });
    });

    it('refuses a malformed bound, naming it', async () => {
      for (const [key, message] of [
        ['maxConcurrentCalls', 'Option maxConcurrentCalls must be a positive number, got 0'],
        ['maxEventBytes', 'Option maxEventBytes must be a positive number, got 0'],
      ] as const) {
        expect((await optionsError(() => runtimeOptions({ [key]: 0 }))).message).to.equal(message);
      }
      expect((await optionsError(() => runtimeOptions({ maxQueuedCalls: -1 }))).message).to.equal('Option maxQueuedCalls must be a non-negative number, got -1');
      expect((await optionsError(() => runtimeOptions({ callTimeoutMs: 'soon' as never }))).message).to.equal('Option callTimeoutMs must be a non-negative number, got "soon"');
    });
  });

  describe('givenInstance', () => {
    class Drill {
      constructor(readonly depth: number) {}
    }
    class Press {}
    class FastDrill extends Drill {}

    it('is undefined when neither instance nor factory is given, so that the class makes one', async () => {
      expect(await givenInstance(Drill, {})).to.equal(undefined);
    });

    it('takes the instance, or what the factory gives or resolves to, of the class or a subclass', async () => {
      const drill = new Drill(1);
      expect(await givenInstance(Drill, { instance: drill })).to.equal(drill);
      expect(await givenInstance(Drill, { factory: () => drill })).to.equal(drill);
      expect(await givenInstance(Drill, { factory: async () => drill })).to.equal(drill);
      const fast = new FastDrill(2);
      expect(await givenInstance(Drill, { instance: fast })).to.equal(fast);
    });

    it('refuses both at once, a factory that is no function or throws, and anything not of the class, naming the class', async () => {
      const drill = new Drill(1);
      const cases: Array<[object, string]> = [
        [{ instance: drill, factory: () => drill }, 'Drill: give options.instance or options.factory, not both'],
        [{ factory: 'new Drill()' }, 'Drill: options.factory must be a function returning the instance'],
        [{ factory: () => { throw new Error('no PLC'); } }, 'Drill: options.factory threw: no PLC'],
        [{ factory: () => Promise.reject(new Error('no PLC')) }, 'Drill: options.factory threw: no PLC'],
        [{ factory: () => { throw 'bare'; } }, 'Drill: options.factory threw: bare'],
        [{ factory: () => new Press() }, 'Drill: options.factory returned an instance of Press, not an instance of Drill'],
        [{ factory: () => null }, 'Drill: options.factory returned null, not an instance of Drill'],
        [{ instance: { depth: 1 } }, 'Drill: options.instance is an instance of Object, not an instance of Drill'],
        [{ instance: 5 }, 'Drill: options.instance is 5, not an instance of Drill'],
        [{ instance: Object.create(null) }, 'Drill: options.instance is an instance of another class, not an instance of Drill'],
      ];
      for (const [options, message] of cases) {
        expect((await optionsError(() => givenInstance(Drill, options))).message, message).to.equal(message);
      }
      const Anonymous = (() => class {})();
      expect(Anonymous.name).to.equal('');
      expect((await optionsError(() => givenInstance(Anonymous, { instance: drill }))).message).to.equal('(anonymous class): options.instance is an instance of Drill, not an instance of (anonymous class)');
    });
  });
});
