import type { EventEmitter } from 'node:events';
import type { BrokerEvents } from './broker-events';
import { FlowStore } from './flows';
import { BrokerLimits, checkPeriods, resolveLimits } from './limits';
import { WarningLimiter } from './log-limiter';
import { EventStream } from './event-stream';
import { Registry } from './registry';
import { TokenStore } from './tokens';
import { BrokerLogger, BrokerOptions, BrokerStats, SILENT_LOGGER } from './options';
import type { Session } from './session';

/*
 * The state the broker's parts share. The ports, the session handler and the router each work on
 * the same registry, flows, tokens, limits and counters; they get them here, made once, so that
 * none of them owns another's state and none reaches it through the facade on a per-message path.
 */

/** How often each limit refused something; the REST and event-stream counts are kept where they are enforced. */
export type RefusalCounts = Omit<BrokerStats['refused'], 'responseBytes' | 'eventStreams'>;

/** What the ports, the session handler and the router of one broker share. */
export class BrokerContext {
  readonly logger: BrokerLogger;
  readonly limits: BrokerLimits;
  readonly registry: Registry;
  readonly flowStore: FlowStore;
  readonly tokens: TokenStore;
  readonly warnings: WarningLimiter;
  readonly eventStream: EventStream;
  /** Open websocket sessions: the ports add them on upgrade, the session handler removes them when closed. */
  readonly connections = new Set<Session>();
  readonly refused: RefusalCounts = {
    messageBytes: 0,
    services: 0,
    selfDescriptionBytes: 0,
    flows: 0,
    flowBytes: 0,
    callBytes: 0,
    tokens: 0,
    connections: 0,
    bufferedBytes: 0,
    rateLimit: 0,
  };

  /** @throws {MsbOptionsError} for a limit that is not a positive integer. */
  constructor(
    readonly options: BrokerOptions,
    /** The broker itself: the parts emit its events through {@link BrokerContext.emit}. */
    private readonly emitter: EventEmitter<BrokerEvents>,
  ) {
    this.logger = options.logger ?? SILENT_LOGGER;
    this.limits = resolveLimits(options);
    checkPeriods(options);
    const l = this.limits;
    this.registry = new Registry(l.maxServices, l.maxRegistryBytes, (uuid) => this.logger.info(`offline service ${uuid} forgotten to make room (maxServices/maxRegistryBytes)`));
    this.flowStore = new FlowStore(l.maxFlows, l.maxFlowBytes);
    this.tokens = new TokenStore(l.maxTokens);
    this.warnings = new WarningLimiter(this.logger);
    this.eventStream = new EventStream({ maxClients: l.maxEventStreams, maxBufferedBytes: l.maxBufferedBytes });
  }

  /** Emits a broker event without letting a throwing listener break the protocol handling. */
  emit<K extends keyof BrokerEvents>(event: K, ...args: BrokerEvents[K]): void {
    try {
      (this.emitter.emit as (e: string, ...a: unknown[]) => boolean)(event, ...args);
    } catch (e) {
      this.logger.error(`a "${String(event)}" listener threw: ${(e as Error)?.stack ?? String(e)}`);
    }
  }
}
