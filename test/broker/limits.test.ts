import { expect } from 'chai';
import { DEFAULT_LIMITS, startBroker } from '../../lib/broker';
import type { BrokerLimits, BrokerOptions } from '../../lib/broker';
import { MsbOptionsError } from '../../lib/errors';
import { checkPeriods, resolveLimits } from '../../lib/broker/limits';

const KEYS = Object.keys(DEFAULT_LIMITS) as Array<keyof BrokerLimits>;

/** The error `resolveLimits(options)` throws; fails the test when it throws none. */
function refusal(options: BrokerOptions): Error {
  try {
    resolveLimits(options);
  } catch (e) {
    return e as Error;
  }
  throw new Error(`resolveLimits accepted ${JSON.stringify(options)}`);
}

describe('broker/limits', () => {
  it('every limit has its documented default, and no option changes none', () => {
    expect(DEFAULT_LIMITS).to.deep.equal({
      maxMessageBytes: 1_000_000,
      maxBodyBytes: 1_000_000,
      maxConnections: 1_000,
      maxBufferedBytes: 4 * 1024 * 1024,
      maxServices: 10_000,
      maxSelfDescriptionBytes: 512 * 1024,
      maxRegistryBytes: 64 * 1024 * 1024,
      maxFlows: 1_000,
      maxFlowBytes: 64 * 1024,
      maxCallBytes: 1_000_000,
      maxTokens: 10_000,
      maxEventStreams: 16,
    });
    const resolved = resolveLimits({});
    expect(resolved).to.deep.equal(DEFAULT_LIMITS);
    expect(resolved, 'a copy: the defaults stay as they are').to.not.equal(DEFAULT_LIMITS);
  });

  it('each limit given replaces its default alone; Infinity means unlimited; other options are ignored', () => {
    for (const key of KEYS) {
      // the registry bound must still hold the default self-description bound
      const value = key === 'maxRegistryBytes' ? DEFAULT_LIMITS.maxSelfDescriptionBytes : 7;
      expect(resolveLimits({ [key]: value }), key).to.deep.equal({ ...DEFAULT_LIMITS, [key]: value });
    }
    expect(resolveLimits({ maxServices: Infinity, maxRegistryBytes: Infinity, port: 0, heartbeatMs: 5 })).to.deep.equal({ ...DEFAULT_LIMITS, maxServices: Infinity, maxRegistryBytes: Infinity });
  });

  it('refuses a limit that is not a positive integer, naming the option and the value', () => {
    const bad: unknown[] = [0, -1, 1.5, Number.NaN, -Infinity, '10', null, true];
    for (const key of KEYS) {
      for (const value of bad) {
        const e = refusal({ [key]: value } as BrokerOptions);
        expect(e, `${key}: ${String(value)}`).to.be.instanceOf(MsbOptionsError);
        expect(e.message).to.equal(`broker option ${key} must be a positive integer, got ${String(value)}`);
      }
    }
  });

  it('refuses a self-description bound above the registry bound, which no registration could then fill', () => {
    expect(refusal({ maxSelfDescriptionBytes: 2000, maxRegistryBytes: 1000 }).message).to.equal('broker option maxSelfDescriptionBytes (2000) cannot exceed maxRegistryBytes (1000)');
    expect(refusal({ maxRegistryBytes: 1000 }).message, 'against the default').to.equal(`broker option maxSelfDescriptionBytes (${DEFAULT_LIMITS.maxSelfDescriptionBytes}) cannot exceed maxRegistryBytes (1000)`);
    expect(resolveLimits({ maxSelfDescriptionBytes: 1000, maxRegistryBytes: 1000 })).to.include({ maxSelfDescriptionBytes: 1000, maxRegistryBytes: 1000 });
  });

  it('startBroker refuses bad limits with the same error, before it listens', async () => {
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

  it('refuses a timer period Node cannot keep (beyond 2147483647 ms it fires after 1 ms), naming the option', async () => {
    for (const [key, value] of [['heartbeatMs', 2 ** 31], ['pingMs', NaN], ['keepAliveMs', -1], ['heartbeatMs', '5']] as const) {
      expect(() => checkPeriods({ [key]: value } as never), `${key} ${String(value)}`).to.throw(MsbOptionsError, `broker option ${key} must be a number of ms from 0 (off) to 2147483647, got ${String(value)}`);
    }
    expect(() => checkPeriods({ heartbeatMs: 0, pingMs: 2_147_483_647, keepAliveMs: 1500.5 })).to.not.throw();
    let err: unknown;
    await startBroker({ heartbeatMs: 1e10 }).catch((e: unknown) => (err = e));
    expect((err as Error).message).to.equal('broker option heartbeatMs must be a number of ms from 0 (off) to 2147483647, got 10000000000');
  });
});
