import { EventEmitter } from 'node:events';
import type { BrokerEvents } from './broker-events';
import { BrokerContext } from './context';
import { Dashboard } from './dashboard';
import type { FlowDefinition } from './flow-compiler';
import { BrokerMetrics } from './metrics';
import type { BrokerOptions, BrokerStats, MsbPortUrls, ServiceInfo } from './options';
import { BrokerPorts } from './ports';
import { restBackend } from './rest-backend';
import type { RestBackend } from './rest-routes';
import { Router } from './router';
import { SessionHandler } from './session-handler';

/*
 * The broker as its users see it: the public methods and events, each handed to the part that
 * does the work (ports.ts: ports and lifecycle; session-handler.ts: the protocol; router.ts:
 * flows and delivery; rest-backend.ts: what REST may do). Nothing here runs per message.
 */

export type { BrokerEvents } from './broker-events';
export type { MsbPortUrls } from './options';

/**
 * A local MSB broker: the websocket interface (SockJS and raw framing), the integration-flow
 * router and the REST management API, faithful enough for the official clients. Create it
 * with {@link startBroker}.
 */
export class Broker extends EventEmitter<BrokerEvents> {
  /** Websocket base URL of the all-in-one port, e.g. `ws://127.0.0.1:PORT`. */
  url = '';
  /** HTTP base URL of the all-in-one port (REST and `/websocket/data/info`). */
  httpUrl = '';
  /** The all-in-one port. */
  port = 0;
  /** The separate MSB-style ports, when `msbPorts` is on. */
  msb?: MsbPortUrls;

  private readonly ctx: BrokerContext;
  private readonly router: Router;
  private readonly handler: SessionHandler;
  private readonly backend: RestBackend;
  private readonly ports: BrokerPorts;
  private readonly metrics: BrokerMetrics;

  /**
   * Starts a broker and resolves once every port listens; closes what it opened when one fails.
   * {@link startBroker} is the public entry point.
   *
   * @internal
   */
  static async start(options: BrokerOptions = {}): Promise<Broker> {
    const broker = new Broker(options);
    try {
      await broker.ports.start(broker);
    } catch (e) {
      await broker.close();
      throw e;
    }
    return broker;
  }

  /**
   * @throws {MsbOptionsError} for a limit that is not a positive integer.
   * @throws {FlowError} when one of `options.flows` cannot be understood.
   */
  private constructor(options: BrokerOptions) {
    super();
    this.ctx = new BrokerContext(options, this);
    this.router = new Router(this.ctx);
    this.handler = new SessionHandler(this.ctx, this.router);
    this.backend = restBackend(this.ctx, this.router, { websocketUrl: () => this.url, metricsText: () => this.metrics.text() });
    this.metrics = new BrokerMetrics(this);
    this.ports = new BrokerPorts(this.ctx, this.handler, this.backend, options.dashboard !== false ? new Dashboard() : undefined);
    for (const f of options.flows ?? []) this.router.storeFlow(f, true);
  }

  /** What the broker holds against its limits, and how often each limit refused something. */
  stats(): BrokerStats {
    const { connections, registry, flowStore, tokens, eventStream, refused, warnings } = this.ctx;
    let queued = 0;
    for (const c of connections) queued += c.queued;
    return {
      connections: connections.size,
      services: registry.size,
      onlineServices: registry.onlineCount,
      registryBytes: registry.bytes,
      flows: flowStore.size,
      flowBytes: flowStore.bytes,
      tokens: tokens.size,
      queuedMessages: queued,
      messagesHandled: this.handler.messagesHandled,
      servicesEvicted: registry.evicted,
      refused: { ...refused, responseBytes: this.backend.responses.refused, eventStreams: eventStream.refused },
      eventStreams: eventStream.size,
      eventStreamsDropped: eventStream.dropped,
      throttled: this.handler.throttledCount,
      suppressedWarnings: warnings.suppressed,
    };
  }

  /**
   * Forgets a service as a restarted MSB would, even while its connection stays open (that
   * connection then gets NIO_UNAUTHORIZED_CONNECTION for its events). For testing clients; the
   * REST DELETE refuses a connected service instead. False when there is no such service.
   */
  forgetService(uuid: string): boolean {
    const ok = this.ctx.registry.forceDelete(uuid);
    if (ok) this.ctx.logger.info(`service ${uuid} forgotten`);
    return ok;
  }

  /** Every registered service, connected or not. */
  services(): ServiceInfo[] {
    return this.ctx.registry.list().map((s) => ({
      uuid: s.uuid,
      name: s.name,
      '@class': s.class,
      connected: s.owner?.isOpen() ?? false,
      verified: s.verified,
      ...(s.parent !== undefined ? { parent: s.parent } : {}),
      ...(s.owner ? { connectionId: s.owner.id } : {}),
      selfDescription: s.selfDescription,
    }));
  }

  /**
   * Sends `C` to the connection that registered `uuid`. Resolves true once written to the socket.
   *
   * @throws {DeliveryError} (rejection) when the service is unknown or offline.
   */
  callFunction(uuid: string, functionId: string, parameters: Record<string, unknown> = {}, correlationId?: string): Promise<boolean> {
    return this.router.callFunction(uuid, functionId, parameters, correlationId);
  }

  /**
   * Sends one raw server message (a status such as `NIO_UNEXPECTED_REGISTRATION_ERROR`,
   * `ping`, or any text) to the connection that registered `uuid`, framed like every other
   * message. For testing how a client copes with answers this broker would not give on its own.
   *
   * @throws {DeliveryError} (rejection) when the service is unknown or offline.
   */
  sendToService(uuid: string, message: string): Promise<void> {
    return this.router.sendToService(uuid, message);
  }

  /**
   * Sends `K {uuid, params}` to the connection that registered `uuid`.
   *
   * @throws {DeliveryError} (rejection) when the service is unknown or offline.
   */
  setConfig(uuid: string, params: Record<string, unknown>): Promise<boolean> {
    return this.router.setConfig(uuid, params);
  }

  /**
   * Stores and deploys a flow (short form or MSB integration-flow JSON); returns its id.
   *
   * @throws {FlowError} when the flow cannot be understood.
   */
  deployFlow(flow: FlowDefinition): string | number {
    return this.router.storeFlow(flow, true).id;
  }

  /** Stops routing a flow (it stays stored); false when there is no such flow. */
  undeployFlow(id: string | number): boolean {
    return this.router.setDeployed(id, false);
  }

  /** Deletes a flow; false when there is no such flow. */
  removeFlow(id: string | number): boolean {
    return this.router.removeFlow(id);
  }

  /** The stored flows: id, name, deployed, and the definition as given. */
  flows(): Array<{ id: string | number; name: string; deployed: boolean; definition: Record<string, unknown> }> {
    return this.ctx.flowStore.list().map((f) => ({ id: f.id, name: f.name, deployed: f.deployed, definition: f.definition }));
  }

  /** Closes every connection (1001) and every port; leaves no timers or sockets behind. */
  close(): Promise<void> {
    return this.ports.close();
  }
}

/**
 * Starts a local MSB broker and resolves once every port listens.
 *
 * @throws {FlowError} when one of `options.flows` cannot be understood; a listen error (port in use).
 */
export function startBroker(options: BrokerOptions = {}): Promise<Broker> {
  return Broker.start(options);
}
