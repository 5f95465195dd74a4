import type { IdentityOptions } from '../metadata/identity';
import type { ReconnectOptions } from './backoff';
import type { TlsOptions } from './connection';
import type { InstanceOptions, ServiceRuntimeOptions } from './service-options';
import type { SubService } from './service-set';

/**
 * The offline event cache: events accepted while the service is not registered wait here.
 * Beyond either bound the oldest never-sent event is dropped (counted, reported as a
 * `dropped` app event, summarised in the log). Events already handed to a socket once are
 * never dropped; they are sent first after the next registration.
 */
export interface EventCacheOptions {
  /** Most never-sent events held while not registered (default: no count bound, `maxBytes` bounds the cache). */
  size?: number;
  /**
   * Most bytes of never-sent events held while not registered, each counted as its encoded
   * length plus 256 bytes of bookkeeping, so that this approximates the heap they take
   * (default 64 MiB: about 150 000 small events).
   */
  maxBytes?: number;
  /**
   * Durable outbox: a directory (the log is `<dir>/<uuid>.outbox.log`) or a `.log` file path.
   * Every accepted event is on disk before `emit()` resolves, and events not acknowledged by
   * the MSB are sent after a restart, even after the process was killed. Off by default.
   */
  persist?: string;
}

/**
 * The in-flight window: events sent and not yet acknowledged by the MSB. While it is full,
 * `emit()` waits (backpressure); nothing is dropped while the service is registered. After a
 * connection loss its events are sent again first (so at most this many can arrive twice).
 */
export interface InFlightOptions {
  /** Most events sent and not yet acknowledged (default 1000). */
  maxEvents?: number;
  /** Most bytes of events sent and not yet acknowledged (default 4 MiB). */
  maxBytes?: number;
}

/** Options of `bootstrap`. Every field is optional. */
export interface BootstrapOptions<T extends object = object> extends IdentityOptions, InstanceOptions<T>, ServiceRuntimeOptions {
  /**
   * A `@Gateway`'s sub-services: decorated `@SmartObject`/`@Application` classes (made with their
   * no-argument constructor) or instances. Registered with the gateway over its one connection;
   * their identity comes from their decorators only. More at run time with `app.addService()`.
   */
  services?: ReadonlyArray<SubService>;
  /**
   * Close the app cleanly on these signals (for example `['SIGINT', 'SIGTERM']`): `@OnClose` hooks,
   * then queued events flushed within `closeTimeoutMs`; then the signal is raised again so the
   * process ends as it would have (unless other listeners keep it). Default: none.
   */
  closeOnSignals?: readonly NodeJS.Signals[];
  /** The MSB websocket interface: `ws://`, `wss://`, `http://` or `https://`. Else `msb.url` / `MSB_URL`. */
  url?: string;
  /** SockJS framing, as the MSB expects (default true); false: raw websocket messages. */
  sockJsFraming?: boolean;
  /** TLS for `wss://`; certificate and hostname checks stay on unless `rejectUnauthorized: false`. */
  tls?: TlsOptions;
  /** Reconnect after losses the user did not ask for (default on); false: never. */
  reconnect?: boolean | ReconnectOptions;
  /** Client ping period in ms (default 20 000); a silent peer is dropped after two. 0: off. */
  heartbeatMs?: number;
  /** Offline event cache; `false`: no offline caching (emit rejects while not registered). */
  eventCache?: EventCacheOptions | false;
  /** The in-flight window (events sent, not yet acknowledged). */
  inFlight?: InFlightOptions;
  /** Aborting it closes the app. */
  signal?: AbortSignal;
  /**
   * true (default): the promise resolves at `IO_REGISTERED` and rejects on a registration
   * error or after `registrationTimeoutMs`. false: it resolves at once; the service caches
   * events until it registers.
   */
  waitForRegistration?: boolean;
  /** How long `bootstrap` waits for the registration (default 30 000 ms). */
  registrationTimeoutMs?: number;
  /**
   * How long the MSB may take to answer one registration (`R`) before the service warns,
   * drops the connection and registers anew on a new one (default 10 000 ms).
   */
  registrationAnswerTimeoutMs?: number;
  /** How long `close()` waits for `@OnClose` hooks and for queued events to be sent and acknowledged (default 5 000 ms). */
  closeTimeoutMs?: number;
  /**
   * Bytes handed to the socket but not yet written to the network above which sending pauses
   * and `emit()` waits (default 1 MiB). Keeps memory bounded when the network is slower than
   * the producer.
   */
  highWaterMark?: number;
  /** Largest message accepted from the MSB, in bytes (default 10 MiB). */
  maxMessageBytes?: number;
  /**
   * If sent events get no `IO_PUBLISHED` at all for this long, the MSB is taken not to
   * acknowledge, and an event counts as delivered once written to an open socket (default 10 000 ms).
   */
  ackTimeoutMs?: number;
}
