import type { SelfDescription } from '../protocol/messages';
import type { FlowDefinition } from './flows';

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
  /** Largest accepted websocket message (ws `maxPayload`, close 1009 beyond); default 1 000 000 (Java's limit). */
  maxMessageBytes?: number;
  /** Largest accepted REST body (413 beyond); default 1 000 000. */
  maxBodyBytes?: number;
  /**
   * Per-connection message rate limit, a token bucket: `burst` messages at once, refilled at
   * `perSecond`; a connection that exceeds it is closed with 1008. Default `false` (off): a
   * development broker must keep up with any client; turn it on for a shared broker.
   */
  rateLimit?: { burst: number; perSecond: number } | false;
  /** A connection whose unsent output exceeds this many bytes (a client that stopped reading) is terminated; default 16 MiB. */
  maxBufferedBytes?: number;
  /** Serve HTTPS/WSS instead of HTTP/WS, PEM strings or buffers. */
  tls?: { key: string | Buffer; cert: string | Buffer };
  /** Log sink; default silent. */
  logger?: BrokerLogger;
  /** Refuse registrations whose token this broker did not issue (NIO_REGISTRATION_ERROR); default false. */
  strictTokens?: boolean;
  /** Also listen on the MSB's separate ports: `true` = 8085/8081/8082 (+8084 with `tls`), or the ports to use. */
  msbPorts?: boolean | MsbPorts;
  /** Most simultaneous websocket connections; further upgrades get HTTP 503. Default unlimited. */
  maxConnections?: number;
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
  selfDescription: SelfDescription;
}

export const SILENT_LOGGER: BrokerLogger = {
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
};
