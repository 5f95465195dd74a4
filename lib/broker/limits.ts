import { MsbOptionsError } from '../errors';
import type { BrokerOptions } from './options';
import { MAX_TIMER_MS } from '../util/timers';

/** Every per-broker and per-connection bound, resolved from {@link BrokerOptions}. */
export interface BrokerLimits {
  maxMessageBytes: number;
  maxBodyBytes: number;
  maxConnections: number;
  maxBufferedBytes: number;
  maxServices: number;
  maxSelfDescriptionBytes: number;
  maxRegistryBytes: number;
  maxFlows: number;
  maxFlowBytes: number;
  maxCallBytes: number;
  maxTokens: number;
  maxEventStreams: number;
}

/**
 * The defaults. Chosen so that the benchmark's 1,000 services and 500 flows fit with room to
 * spare, while the worst case of every bound together stays in the hundreds of MiB (README,
 * "Limits"): an attacker filling each one cannot exhaust a developer machine.
 */
export const DEFAULT_LIMITS: Readonly<BrokerLimits> = {
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
};

/**
 * Reads the limits from the options, each a positive integer (or Infinity where the option
 * allows "unlimited").
 *
 * @throws {MsbOptionsError} naming the option and the value given.
 */
export function resolveLimits(o: BrokerOptions): BrokerLimits {
  const out = { ...DEFAULT_LIMITS };
  for (const key of Object.keys(DEFAULT_LIMITS) as Array<keyof BrokerLimits>) {
    const v = o[key];
    if (v === undefined) continue;
    if (typeof v !== 'number' || !(v === Infinity || (Number.isInteger(v) && v > 0))) {
      throw new MsbOptionsError(`broker option ${key} must be a positive integer, got ${String(v)}`);
    }
    out[key] = v;
  }
  if (out.maxSelfDescriptionBytes > out.maxRegistryBytes) {
    throw new MsbOptionsError(
      `broker option maxSelfDescriptionBytes (${out.maxSelfDescriptionBytes}) cannot exceed maxRegistryBytes (${out.maxRegistryBytes})`,
    );
  }
  return out;
}

/** The broker's timer periods, in ms (0 turns one off). */
const PERIODS = ['heartbeatMs', 'pingMs', 'keepAliveMs'] as const;

/**
 * Checks the timer periods: Node fires a longer one than {@link MAX_TIMER_MS} after 1 ms, and a
 * NaN one at once, so a mistyped period would ping every session every millisecond.
 * @throws {MsbOptionsError} naming the option
 */
export function checkPeriods(o: BrokerOptions): void {
  for (const key of PERIODS) {
    const v = o[key];
    if (v === undefined) continue;
    if (typeof v !== 'number' || !Number.isFinite(v) || v < 0 || v > MAX_TIMER_MS) {
      throw new MsbOptionsError(`broker option ${key} must be a number of ms from 0 (off) to ${MAX_TIMER_MS}, got ${String(v)}`);
    }
  }
}
