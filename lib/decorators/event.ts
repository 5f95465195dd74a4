import { appendOwnMetadata, assertLegacyCall, EVENTS_KEY } from './keys';
import type { TypeInput } from '../schema/type-ref';

/** Event priority as the MSB knows it: LOW=0, MEDIUM=1, HIGH=2. */
export type Priority = 'LOW' | 'MEDIUM' | 'HIGH' | 0 | 1 | 2;

/** Options of {@link Event}. */
export interface EventOptions {
  /** The event id on the wire; defaults to the property name. */
  id?: string;
  /** Display name; defaults to the id. */
  name?: string;
  /** Free text; defaults to `""`. */
  description?: string;
  /** The payload type. Without it the event carries no payload (and has no `dataFormat`). */
  dataType?: TypeInput;
  /** The payload is an array of `dataType`. */
  isArray?: boolean;
  /** Default priority of every emit; defaults to LOW. */
  priority?: Priority;
}

/** Per-emit options. */
export interface EmitOptions {
  /** Overrides the event's declared priority for this emit. */
  priority?: Priority;
  /** Ties this event to a function call or a flow; carried into the function calls it triggers. */
  correlationId?: string;
  /** When the event happened; defaults to now. Sent as ISO-8601 UTC with milliseconds. */
  postDate?: Date;
  /** Queue the event while offline (default true). `false`: reject when not registered. */
  cached?: boolean;
  /**
   * Resolve only once the MSB acknowledged the event (`IO_PUBLISHED`), instead of once it is
   * handed to the socket or cached. Rejects with `MsbPublishError` when the MSB refuses it,
   * `MsbDroppedError` when the offline cache drops it, `MsbClosedError` when the app closes first.
   * Against an MSB that does not acknowledge, resolves once the event is written.
   */
  acknowledged?: boolean;
}

/**
 * The type of an `@Event` property: at run time the framework puts an emitter there.
 *
 * `MsbEvent<void>` is an event without payload: `emit()` takes no value.
 */
export interface MsbEvent<T = void> {
  /**
   * Validates the value against the event's data format and sends it, or queues it while
   * offline. Resolves once the frame is handed to the socket (waiting while the in-flight
   * window or the socket is full) or stored in the offline cache; with `{ acknowledged: true }`,
   * once the MSB acknowledged it.
   */
  emit(...args: [T] extends [void] ? [value?: undefined, options?: EmitOptions] : [value: T, options?: EmitOptions]): Promise<void>;
  /** The event id on the wire. */
  readonly eventId: string;
}

/** What `@Event` records for one property. */
export interface EventDeclaration extends EventOptions {
  propertyKey: string;
}

/**
 * Declares an event that the service publishes. Put it on a property typed `MsbEvent<T>`;
 * declaration order gives the events their `@id` 1, 2, 3 ….
 */
export function Event(options: EventOptions = {}): PropertyDecorator {
  return (target, propertyKey) => {
    assertLegacyCall('@Event', propertyKey);
    appendOwnMetadata<EventDeclaration>(EVENTS_KEY, { ...options, propertyKey: String(propertyKey) }, target.constructor);
  };
}
