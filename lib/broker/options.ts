import type { RegistrationBody } from '../protocol';
import type { FlowDefinition } from './flow-compiler';

/** Where the broker writes its log lines; `console` fits. */
export interface BrokerLogger {
  debug(message: string, ...meta: unknown[]): void;
  info(message: string, ...meta: unknown[]): void;
  warn(message: string, ...meta: unknown[]): void;
  error(message: string, ...meta: unknown[]): void;
}

/** The separate ports of a real MSB (spec section 1); 0 picks a free port. */
export interface MsbPorts {
  /** Plain websocket interface, `/websocket/data/...` plus health (MSB: 8085). */
  websocket?: number;
  /** TLS websocket interface; needs `tls` (MSB: 8084). */
  websocketTls?: number;
  /** Smart-object management REST: `/service`, `/smartobject`, `/application`, `/gateway`, `/token` (MSB: 8081). */
  smartObjects?: number;
  /** Integration-flow management REST: `/integrationFlow` (MSB: 8082). */
  flows?: number;
}

/** URLs of the MSB-style separate ports, when `msbPorts` is on. */
export interface MsbPortUrls {
  websocketUrl: string;
  websocketPort: number;
  websocketTlsUrl?: string;
  websocketTlsPort?: number;
  smartObjectsUrl: string;
  smartObjectsPort: number;
  flowsUrl: string;
  flowsPort: number;
}

/** Options of {@link startBroker}. */
export interface BrokerOptions {
  /** Port of the all-in-one server (websocket + REST); default 0 = any free port. */
  port?: number;
  /** Interface to listen on; default `127.0.0.1`. */
  host?: string;
  /** Flows deployed at start, in either form. */
  flows?: FlowDefinition[];
  /** SockJS `h` heartbeat period in ms; default 25 000 (Spring's); 0 disables. */
  heartbeatMs?: number;
  /** Application-level `ping` period in ms; default 0 (off). */
  pingMs?: number;
  /** WebSocket protocol ping period in ms; a socket that did not answer the previous one is terminated as half-open. Default 30 000; 0 disables. */
  keepAliveMs?: number;
  /**
   * Largest accepted websocket message (ws `maxPayload`, close 1009 beyond; the message parser
   * applies the same limit); default 1 000 000 (Java's limit).
   */
  maxMessageBytes?: number;
  /** Largest accepted REST body (413 beyond); default 1 000 000. */
  maxBodyBytes?: number;
  /**
   * Clients of the live event stream (`GET /events`) at once, 503 beyond; default 16. A client
   * with more than `maxBufferedBytes` unsent is dropped: the broker never waits for a reader.
   */
  maxEventStreams?: number;
  /**
   * Per-connection message rate limit, a token bucket: `burst` messages at once, refilled at
   * `perSecond`; a connection that exceeds it is closed with 1008. Default `false` (off): a
   * development broker must keep up with any client; turn it on for a shared broker.
   */
  rateLimit?: { burst: number; perSecond: number } | false;
  /** A connection whose unsent output exceeds this many bytes (a client that stopped reading) is terminated; default 4 MiB. */
  maxBufferedBytes?: number;
  /**
   * Most services held, online plus remembered offline ones; when full, the service that went
   * offline longest ago is forgotten to make room, and a registration is refused only when every
   * held service is online. Default 10 000.
   */
  maxServices?: number;
  /** Largest `R` message (self-description) accepted; NIO_REGISTRATION_ERROR beyond. Default 512 KiB. */
  maxSelfDescriptionBytes?: number;
  /** Total size of the self-descriptions held (as received); offline ones are forgotten, oldest first, to stay under it. Default 64 MiB. */
  maxRegistryBytes?: number;
  /** Most stored flows (deployed or not); a further one is refused (REST 409). Default 1 000. */
  maxFlows?: number;
  /** Largest flow definition, as JSON; a larger one is refused (REST 413). Default 64 KiB. */
  maxFlowBytes?: number;
  /**
   * Largest `C`/`K` message the broker builds: a flow mapping that would produce more is reported
   * as `undeliverable` before the call is built; `callFunction`/`setConfig` reject. Default 1 000 000.
   */
  maxCallBytes?: number;
  /** Most tokens issued (REST 429 beyond). Default 10 000. */
  maxTokens?: number;
  /**
   * When set, every REST request except health needs it, as `Authorization: Bearer <secret>` or
   * as the password of HTTP Basic auth (401 otherwise). Set it before listening beyond loopback.
   */
  adminSecret?: string;
  /** Whether the REST API issues tokens (`POST /token/{owner}`); `false` answers 403. Default true. */
  issueTokens?: boolean;
  /** Serve HTTPS/WSS instead of HTTP/WS, PEM strings or buffers. */
  tls?: { key: string | Buffer; cert: string | Buffer };
  /** Log sink; default silent. */
  logger?: BrokerLogger;
  /**
   * Refuse registrations whose token this broker did not issue, and registrations of a uuid with
   * any token other than the one it is bound to (NIO_REGISTRATION_ERROR); default false.
   */
  strictTokens?: boolean;
  /** Also listen on the MSB's separate ports: `true` = 8085/8081/8082 (+8084 with `tls`), or the ports to use. */
  msbPorts?: boolean | MsbPorts;
  /** Most simultaneous websocket connections; further upgrades get HTTP 503. Default 1 000. */
  maxConnections?: number;
  /**
   * The live dashboard, a web page at `/` of the all-in-one port (its data behind `adminSecret`
   * like the rest of the REST API); default true, `false` serves no page.
   */
  dashboard?: boolean;
}

/** A registered service as {@link Broker.services} lists it. */
export interface ServiceInfo {
  uuid: string;
  name: string;
  '@class': string;
  connected: boolean;
  /** Registered with a token this broker issued. */
  verified: boolean;
  /** The gateway this is a sub-service of. */
  parent?: string;
  connectionId?: string;
  selfDescription: RegistrationBody;
}

export const SILENT_LOGGER: BrokerLogger = {
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
};

/** What the broker holds and how often a limit was hit, from {@link Broker.stats}. */
export interface BrokerStats {
  connections: number;
  services: number;
  onlineServices: number;
  /** Size of the self-descriptions held, as received (bounded by `maxRegistryBytes`). */
  registryBytes: number;
  flows: number;
  /** Size of the stored flow definitions as JSON. */
  flowBytes: number;
  tokens: number;
  /** Messages received and not yet handled, over all connections. */
  queuedMessages: number;
  /** Messages handled since start. */
  messagesHandled: number;
  /** Offline services forgotten to make room. */
  servicesEvicted: number;
  /** Times a limit refused something, by limit (`bufferedBytes`, `rateLimit`, `messageBytes`: connections closed). */
  refused: {
    messageBytes: number;
    services: number;
    selfDescriptionBytes: number;
    flows: number;
    flowBytes: number;
    callBytes: number;
    tokens: number;
    connections: number;
    bufferedBytes: number;
    rateLimit: number;
    /** Large REST answers refused (503) while 2 × `maxRegistryBytes` of answers were being sent. */
    responseBytes: number;
    /** Event stream clients refused (503) because `maxEventStreams` were connected. */
    eventStreams: number;
  };
  /** Clients of the live event stream (`GET /events`). */
  eventStreams: number;
  /** Event stream clients dropped for reading more slowly than events came (`maxBufferedBytes` unsent). */
  eventStreamsDropped: number;
  /** Times a flooding connection's reading was paused until its backlog was handled. */
  throttled: number;
  /** Warning lines summarised instead of written. */
  suppressedWarnings: number;
}
