/*
 * The vocabulary the app speaks to its user: its states, events and counters. Apart from the app
 * so that the parts that drive it (registration, connection log) can name them without importing
 * the facade.
 */
import type { MsbError } from '../errors';
import type { OutboxCounters } from './outbox';
import type { DroppedEventInfo } from './publisher';

/** Where the service stands with the MSB. */
export type AppState = 'disconnected' | 'connecting' | 'connected' | 'registered' | 'closed';

/** A function call as it arrived. */
export interface FunctionCallInfo {
  functionId: string;
  correlationId?: string;
  /** The gateway sub-service called; absent for the main service. */
  uuid?: string;
  parameters: Record<string, unknown>;
}

/** The events of an `MsbApp` (`app.on(…)`). */
export interface MsbAppEvents {
  /** The MSB accepted the registration (after every (re)connect and re-registration). */
  registered: [];
  /** The connection was lost; `reconnectInMs` says when the next attempt is, if any. */
  disconnected: [info: { code: number; reason: string; reconnectInMs?: number }];
  /** Something failed without stopping the service: a refused event, a bad call, a throwing handler … */
  error: [error: MsbError];
  /** A function call arrived (before its handler runs). */
  functionCall: [call: FunctionCallInfo];
  /** Configuration parameters changed; keys are property names. `uuid` names a gateway sub-service. */
  configChanged: [changes: Record<string, unknown>, uuid?: string];
  /** Every state change. */
  stateChange: [state: AppState];
  /** An event was dropped from the full offline cache (never while registered), or was not sent for a removed gateway sub-service. */
  dropped: [event: DroppedEventInfo];
}

/** Delivery counters plus connection counts. */
export interface AppCounters extends OutboxCounters {
  reconnects: number;
  registrations: number;
}
