import { EventEmitter } from 'node:events';
import type { IncomingMessage } from 'node:http';
import { randomInt } from 'node:crypto';
import type { Duplex } from 'node:stream';
import { WebSocketServer } from 'ws';
import { ProtocolError, excerptOf } from '../protocol';
import { DEFAULT_MAX_JSON_DEPTH, jsonDepthExceeds } from '../protocol';
import {
  ConfigurationMessage,
  EventMessage,
  FunctionCallMessage,
  PING,
  RegistrationBody,
  encodeCall,
  encodeConfiguration,
  parseClientMessage,
} from '../protocol';
import { Status, StatusCode } from '../protocol';
import { Session, SessionHost } from './session';
import { DeliveryError } from './errors';
import { CallTooLargeError, FlowDefinition, FlowLimitError, FlowStore, StoredFlow, buildParameters } from './flows';
import { BrokerLimits, resolveLimits } from './limits';
import { WarningLimiter } from './log-limiter';
import { FairScheduler } from './scheduler';
import { EventStream } from './event-stream';
import { cleanPath, sendJson } from './http';
import { Registry, ServiceRecord } from './registry';
import { RestBackend, RestScope, restHandler } from './rest';
import { checkSelfDescription } from './self-description';
import { Listener, listen, refuseUpgrade, websocketFraming } from './server';
import { TokenStore } from './tokens';
import { BrokerLogger, BrokerOptions, BrokerStats, SILENT_LOGGER, ServiceInfo } from './options';
import { BrokerMetrics } from './metrics';
import { Dashboard } from './dashboard';

/** The events a {@link Broker} emits, with their argument. */
export interface BrokerEvents {
  /** A websocket session opened. */
  connection: [{ connectionId: string; sockJs: boolean; remoteAddress: string; path: string }];
  /** A service (or gateway sub-service) registered or re-registered. */
  registered: [{ uuid: string; name: string; selfDescription: RegistrationBody; connectionId: string; parent?: string }];
  /** An event was accepted (after `IO_PUBLISHED` was sent, before flows routed it). */
  event: [{ uuid: string; event: EventMessage; connectionId: string }];
  /** A `C` message was sent (by a flow, `callFunction` or REST). */
  call: [{ uuid: string; functionId: string; call: FunctionCallMessage; flowId?: string | number }];
  /** A `K` message was sent. */
  config: [{ uuid: string; config: ConfigurationMessage }];
  /** A websocket session closed; `uuids` are the services that went offline. */
  disconnected: [{ connectionId: string; code: number; reason: string; uuids: string[] }];
  /** A registration or event was refused with a NIO status, or an upgrade with an HTTP status. */
  rejected: [{ reason: string; status: string; connectionId?: string; uuid?: string }];
  /** A frame or message could not be understood. */
  protocolError: [{ connectionId: string; reason: string; excerpt?: string }];
  /** A flow produced a call that could not be delivered (target unknown or offline). */
  undeliverable: [{ flowId: string | number; uuid: string; functionId: string; correlationId?: string; reason: string }];
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

const DEFAULT_MSB_PORTS = { websocket: 8085, websocketTls: 8084, smartObjects: 8081, flows: 8082 };

function urlHost(host: string): string {
  if (host === '0.0.0.0' || host === '::' || host === '') return '127.0.0.1';
  return host.includes(':') ? `[${host}]` : host;
}

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

  private readonly logger: BrokerLogger;
  private readonly limits: BrokerLimits;
  private readonly registry: Registry;
  private readonly flowStore: FlowStore;
  private readonly tokens: TokenStore;
  private readonly warnings: WarningLimiter;
  private readonly scheduler = new FairScheduler();
  private readonly eventStream: EventStream;
  private readonly connections = new Set<Session>();
  private messagesHandled = 0;
  private throttledCount = 0;
  private readonly refused: Omit<BrokerStats['refused'], 'responseBytes' | 'eventStreams'> = {
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
  private readonly wss: WebSocketServer;
  private readonly servers: Listener[] = [];
  private readonly timers: NodeJS.Timeout[] = [];
  private readonly host: SessionHost;
  private readonly backend: RestBackend;
  private readonly metrics: BrokerMetrics;
  private readonly dashboard?: Dashboard;
  private closing?: Promise<void>;

  /**
   * Use {@link startBroker}.
   *
   * @throws {MsbOptionsError} for a limit that is not a positive integer.
   */
  constructor(private readonly options: BrokerOptions = {}) {
    super();
    this.logger = options.logger ?? SILENT_LOGGER;
    this.limits = resolveLimits(options);
    const l = this.limits;
    this.registry = new Registry(l.maxServices, l.maxRegistryBytes, (uuid) => this.logger.info(`offline service ${uuid} forgotten to make room (maxServices/maxRegistryBytes)`));
    this.flowStore = new FlowStore(l.maxFlows, l.maxFlowBytes);
    this.tokens = new TokenStore(l.maxTokens);
    this.warnings = new WarningLimiter(this.logger);
    this.eventStream = new EventStream({ maxClients: l.maxEventStreams, maxBufferedBytes: l.maxBufferedBytes });
    this.wss = new WebSocketServer({ noServer: true, maxPayload: l.maxMessageBytes, perMessageDeflate: false });
    // Off by default: a local broker must not cut off a service that publishes fast. Floods are
    // throttled instead (the fair scheduler), and a client that does not read its answers is
    // stopped by maxBufferedBytes.
    const rate = options.rateLimit ?? false;
    this.host = {
      logger: this.logger,
      rateLimit: rate,
      maxBufferedBytes: l.maxBufferedBytes,
      scheduler: this.scheduler,
      warnRepeated: (kind, message) => this.warnings.warn(kind, message),
      throttled: (c) => {
        this.throttledCount++;
        this.logger.debug(`connection ${c.id}: ${c.queued} messages waiting; not reading it until they are handled`);
      },
      limitHit: (_c, limit) => void this.refused[limit]++,
      handleMessage: (c, text) => this.handleMessage(c, text),
      reportProtocolError: (c, reason, excerpt) => {
        this.warnings.warn(`protocol:${c.id}`, `connection ${c.id}: ${reason}`);
        this.safeEmit('protocolError', { connectionId: c.id, reason, ...(excerpt !== undefined ? { excerpt } : {}) });
      },
      closed: (c, code, reason) => this.connectionClosed(c, code, reason),
    };
    this.backend = {
      maxBodyBytes: l.maxBodyBytes,
      // a listing of a full registry, twice over
      responses: { inFlight: 0, max: 2 * l.maxRegistryBytes, refused: 0 },
      ...(options.adminSecret !== undefined ? { adminSecret: options.adminSecret } : {}),
      issueToken: (owner) => {
        if (options.issueTokens === false) return { status: 403, error: 'this broker issues no tokens (issueTokens: false)' };
        const token = this.tokens.issue(owner);
        if (token === undefined) {
          this.refused.tokens++;
          this.warnings.warn('tokens', `token for owner ${owner} refused: ${l.maxTokens} tokens issued already (maxTokens)`);
          return { status: 429, error: `this broker has issued its maximum of ${l.maxTokens} tokens (maxTokens)` };
        }
        this.logger.info(`token issued for owner ${owner}`);
        return { token };
      },
      serviceRecords: () => this.registry.list(),
      serviceRecord: (uuid) => this.registry.get(uuid),
      forgetService: (uuid) => {
        const r = this.registry.delete(uuid);
        if (r === 'deleted') this.logger.info(`service ${uuid} deleted`);
        return r;
      },
      sendConfig: (uuid, params) => this.setConfig(uuid, params),
      sendCall: (uuid, f, p, c) => this.callFunction(uuid, f, p, c),
      storeFlow: (def, deployed) => this.storeFlow(def, deployed),
      flowList: () => this.flowStore.list(),
      flow: (id) => this.flowStore.get(id),
      setFlowDeployed: (id, deployed) => (deployed ? this.deployFlowById(id) : this.undeployFlow(id)),
      removeFlow: (id) => this.removeFlow(id),
      events: this.eventStream,
      metricsText: () => this.metrics.text(),
      websocketUrl: () => this.url,
    };
    this.metrics = new BrokerMetrics(this);
    if (options.dashboard !== false) this.dashboard = new Dashboard();
    for (const f of options.flows ?? []) this.storeFlow(f, true);
  }

  /** What the broker holds against its limits, and how often each limit refused something. */
  stats(): BrokerStats {
    let queued = 0;
    for (const c of this.connections) queued += c.queued;
    return {
      connections: this.connections.size,
      services: this.registry.size,
      onlineServices: this.registry.onlineCount,
      registryBytes: this.registry.bytes,
      flows: this.flowStore.size,
      flowBytes: this.flowStore.bytes,
      tokens: this.tokens.size,
      queuedMessages: queued,
      messagesHandled: this.messagesHandled,
      servicesEvicted: this.registry.evicted,
      refused: { ...this.refused, responseBytes: this.backend.responses.refused, eventStreams: this.eventStream.refused },
      eventStreams: this.eventStream.size,
      eventStreamsDropped: this.eventStream.dropped,
      throttled: this.throttledCount,
      suppressedWarnings: this.warnings.suppressed,
    };
  }

  /**
   * Forgets a service as a restarted MSB would, even while its connection stays open (that
   * connection then gets NIO_UNAUTHORIZED_CONNECTION for its events). For testing clients; the
   * REST DELETE refuses a connected service instead. False when there is no such service.
   */
  forgetService(uuid: string): boolean {
    const ok = this.registry.forceDelete(uuid);
    if (ok) this.logger.info(`service ${uuid} forgotten`);
    return ok;
  }

  /** Every registered service, connected or not. */
  services(): ServiceInfo[] {
    return this.registry.list().map((s) => ({
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
    const call: FunctionCallMessage = {
      uuid,
      ...(correlationId !== undefined ? { correlationId } : {}),
      functionId,
      functionParameters: parameters,
    };
    return this.deliverCall(call);
  }

  /**
   * Sends one raw server message (a status such as `NIO_UNEXPECTED_REGISTRATION_ERROR`,
   * `ping`, or any text) to the connection that registered `uuid`, framed like every other
   * message. For testing how a client copes with answers this broker would not give on its own.
   *
   * @throws {DeliveryError} (rejection) when the service is unknown or offline.
   */
  sendToService(uuid: string, message: string): Promise<void> {
    return this.deliver(uuid, message, 'raw message').then(() => this.logger.info(`raw message → ${uuid}: ${excerptOf(message)}`));
  }

  /**
   * Sends `K {uuid, params}` to the connection that registered `uuid`.
   *
   * @throws {DeliveryError} (rejection) when the service is unknown or offline.
   */
  setConfig(uuid: string, params: Record<string, unknown>): Promise<boolean> {
    const config: ConfigurationMessage = { uuid, params };
    const message = this.encodable(() => encodeConfiguration(config), 'configuration change', uuid);
    if (message instanceof DeliveryError) return Promise.reject(message);
    return this.deliver(uuid, message, 'configuration change').then(() => {
      this.logger.info(`configuration → ${uuid}: ${excerptOf(JSON.stringify(params))}`);
      this.safeEmit('config', { uuid, config });
      return true;
    });
  }

  /**
   * Stores and deploys a flow (short form or MSB integration-flow JSON); returns its id.
   *
   * @throws {FlowError} when the flow cannot be understood.
   */
  deployFlow(flow: FlowDefinition): string | number {
    return this.storeFlow(flow, true).id;
  }

  /** Stops routing a flow (it stays stored); false when there is no such flow. */
  undeployFlow(id: string | number): boolean {
    const f = this.flowStore.get(id);
    if (!f) return false;
    f.deployed = false;
    this.logger.info(`flow ${id} undeployed`);
    return true;
  }

  /** Deletes a flow; false when there is no such flow. */
  removeFlow(id: string | number): boolean {
    const ok = this.flowStore.remove(id);
    if (ok) this.logger.info(`flow ${id} deleted`);
    return ok;
  }

  /** The stored flows: id, name, deployed, and the definition as given. */
  flows(): Array<{ id: string | number; name: string; deployed: boolean; definition: Record<string, unknown> }> {
    return this.flowStore.list().map((f) => ({ id: f.id, name: f.name, deployed: f.deployed, definition: f.definition }));
  }

  /** Closes every connection (1001) and every port; leaves no timers or sockets behind. */
  close(): Promise<void> {
    this.closing ??= (async () => {
      for (const t of this.timers) clearInterval(t);
      this.timers.length = 0;
      await Promise.all(
        [...this.connections].map(async (c) => {
          const done = c.close(1001, 'broker shutting down');
          let timer: NodeJS.Timeout | undefined;
          const timeout = new Promise<void>((resolve) => {
            timer = setTimeout(() => {
              c.terminate();
              resolve();
            }, 1000);
          });
          await Promise.race([done, timeout]);
          clearTimeout(timer);
        }),
      );
      this.wss.close();
      this.eventStream.close();
      await Promise.all(this.servers.map((l) => l.close()));
      this.warnings.close();
      this.logger.info('broker closed');
    })();
    return this.closing;
  }

  private async start(): Promise<void> {
    const o = this.options;
    const host = o.host ?? '127.0.0.1';
    const upgrade = (req: IncomingMessage, socket: Duplex, head: Buffer): void => this.upgrade(req, socket, head);
    const main = await this.open({ port: o.port ?? 0, host, scope: 'all', upgrade });
    this.port = main.port;
    const h = urlHost(host);
    this.url = `${main.secure ? 'wss' : 'ws'}://${h}:${main.port}`;
    this.httpUrl = `${main.secure ? 'https' : 'http'}://${h}:${main.port}`;
    if (o.msbPorts) {
      const p = { ...DEFAULT_MSB_PORTS, ...(o.msbPorts === true ? {} : o.msbPorts) };
      const ws = await this.open({ port: p.websocket, host, scope: 'websocket', upgrade, plain: true });
      const so = await this.open({ port: p.smartObjects, host, scope: 'smartObjects', plain: true });
      const fl = await this.open({ port: p.flows, host, scope: 'flows', plain: true });
      this.msb = {
        websocketUrl: `ws://${h}:${ws.port}`,
        websocketPort: ws.port,
        smartObjectsUrl: `http://${h}:${so.port}`,
        smartObjectsPort: so.port,
        flowsUrl: `http://${h}:${fl.port}`,
        flowsPort: fl.port,
      };
      if (o.tls) {
        const wss = await this.open({ port: p.websocketTls, host, scope: 'websocket', upgrade });
        this.msb.websocketTlsUrl = `wss://${h}:${wss.port}`;
        this.msb.websocketTlsPort = wss.port;
      }
    }
    const every = (ms: number | undefined, fallback: number, fn: () => void): void => {
      const period = ms ?? fallback;
      if (period > 0) {
        const t = setInterval(fn, period);
        t.unref();
        this.timers.push(t);
      }
    };
    every(o.heartbeatMs, 25_000, () => this.connections.forEach((c) => c.heartbeat()));
    every(o.pingMs, 0, () => this.connections.forEach((c) => c.send(PING)));
    every(o.keepAliveMs, 30_000, () => this.connections.forEach((c) => c.keepAlive()));
    if (!isLoopback(host) && o.adminSecret === undefined) {
      this.logger.warn(
        `listening on ${host}, beyond this machine, without adminSecret: anyone who can reach port ${main.port} can use the REST API (issue tokens, deploy flows, call functions). Set adminSecret (msb broker: MSB_BROKER_ADMIN_SECRET) and strictTokens.`,
      );
    }
    this.logger.info(`MSB broker listening on ${this.url}${this.msb ? ` (+ MSB ports ${JSON.stringify(this.msb)})` : ''}`);
  }

  private async open(a: { port: number; host: string; scope: RestScope; upgrade?: (req: IncomingMessage, socket: Duplex, head: Buffer) => void; plain?: boolean }): Promise<Listener> {
    const rest = restHandler(this.backend, a.scope);
    const dashboard = a.scope === 'all' ? this.dashboard : undefined;
    const servesInfo = a.scope === 'all' || a.scope === 'websocket';
    const listener = await listen({
      port: a.port,
      host: a.host,
      ...(this.options.tls && !a.plain ? { tls: this.options.tls } : {}),
      onRequest: (req, res) => {
        if (servesInfo && cleanPath(req.url) === '/websocket/data/info' && (req.method === 'GET' || req.method === undefined)) {
          // the Java client (Spring SockJsClient) needs exactly 200 with "websocket": true
          sendJson(res, 200, { entropy: randomInt(0, 2 ** 31 - 1), origins: ['*:*'], cookie_needed: false, websocket: true });
          return;
        }
        if (dashboard?.handle(req, res)) return;
        rest(req, res);
      },
      ...(a.upgrade ? { onUpgrade: a.upgrade } : {}),
      // the websockets, and room for REST clients besides
      ...(Number.isFinite(this.limits.maxConnections) ? { maxSockets: this.limits.maxConnections + REST_SOCKETS } : {}),
    });
    this.servers.push(listener);
    return listener;
  }

  private upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    const framing = websocketFraming(req.url);
    if (this.closing) return refuseUpgrade(socket, 503, 'broker shutting down');
    if (!framing) {
      this.logger.warn(`websocket upgrade refused: no MSB websocket path ${excerptOf(req.url ?? '')}`);
      this.safeEmit('rejected', { reason: `no websocket endpoint at ${req.url ?? ''}`, status: 'HTTP_404' });
      return refuseUpgrade(socket, 404, 'no MSB websocket endpoint at this path; use /websocket/data/{server}/{session}/websocket or /websocket/data/websocket');
    }
    if (this.connections.size >= this.limits.maxConnections) {
      this.refused.connections++;
      this.warnings.warn('maxConnections', `websocket upgrade refused: ${this.connections.size} connections already open (maxConnections)`);
      this.safeEmit('rejected', { reason: `connection limit of ${this.limits.maxConnections} reached`, status: 'HTTP_503' });
      return refuseUpgrade(socket, 503, 'too many connections');
    }
    this.wss.handleUpgrade(req, socket, head, (ws) => {
      const c = new Session(ws, framing === 'sockjs', this.host, req);
      this.connections.add(c);
      this.logger.info(`connection ${c.id} opened (${framing}) from ${c.remoteAddress}`);
      this.safeEmit('connection', { connectionId: c.id, sockJs: c.sockJs, remoteAddress: c.remoteAddress, path: c.path });
      c.start();
    });
  }

  private connectionClosed(c: Session, code: number, reason: string): void {
    this.connections.delete(c);
    const uuids = this.registry.release(c);
    this.logger.info(`connection ${c.id} closed (${code}${reason ? ` ${reason}` : ''})${uuids.length ? `; offline: ${uuids.join(', ')}` : ''}`);
    this.safeEmit('disconnected', { connectionId: c.id, code, reason, uuids });
  }

  /** Emits without letting a throwing listener break the protocol handling. */
  private safeEmit<K extends keyof BrokerEvents>(event: K, ...args: BrokerEvents[K]): void {
    try {
      (this.emit as (e: string, ...a: unknown[]) => boolean)(event, ...args);
    } catch (e) {
      this.logger.error(`a "${String(event)}" listener threw: ${(e as Error)?.stack ?? String(e)}`);
    }
  }

  private reply(c: Session, status: StatusCode): void {
    c.send(status);
  }

  private reject(c: Session, status: StatusCode, reason: string, uuid?: string): void {
    this.warnings.warn(`${c.id}:${status}`, `connection ${c.id}: ${status}${uuid ? ` for ${uuid}` : ''}: ${reason}`);
    this.reply(c, status);
    this.safeEmit('rejected', { reason, status, connectionId: c.id, ...(uuid !== undefined ? { uuid } : {}) });
  }

  private handleMessage(c: Session, text: string): boolean {
    this.messagesHandled++;
    const kind = text.trimStart()[0];
    if (kind === 'R' && text.length > this.limits.maxSelfDescriptionBytes) {
      // refused before parsing: the parse would be the expensive part
      this.refused.selfDescriptionBytes++;
      this.reject(c, Status.NIO_REGISTRATION_ERROR, `registration of ${text.length} characters refused: the limit is ${this.limits.maxSelfDescriptionBytes} (maxSelfDescriptionBytes)`);
      return false;
    }
    try {
      const msg = parseClientMessage(text, { maxLength: this.limits.maxMessageBytes });
      if (msg.type === 'pong') this.logger.debug(`connection ${c.id}: pong`);
      else if (msg.type === 'register') this.register(c, msg.body, text);
      else this.publish(c, msg.body);
      return true;
    } catch (e) {
      if (e instanceof ProtocolError) {
        // answer in the category of the message, so the client's matching listener hears it
        // one (summarised) log line for the two events: a flood of bad messages must not be a flood of lines
        const status = kind === 'R' ? Status.NIO_REGISTRATION_ERROR : kind === 'E' ? Status.NIO_EVENT_FORWARDING_ERROR : Status.NIO;
        this.safeEmit('protocolError', { connectionId: c.id, reason: e.message, excerpt: text.slice(0, 200) });
        this.reject(c, status, e.message);
      } else {
        const status = kind === 'R' ? Status.NIO_UNEXPECTED_REGISTRATION_ERROR : Status.NIO_UNEXPECTED_EVENT_FORWARDING_ERROR;
        this.logger.error(`connection ${c.id}: unexpected error handling a message: ${(e as Error)?.stack ?? String(e)}`);
        this.reject(c, status, `internal error: ${(e as Error)?.message ?? String(e)}`);
      }
      return false;
    }
  }

  private register(c: Session, sd: RegistrationBody, text: string): void {
    const check = checkSelfDescription(sd);
    const uuid = typeof sd.uuid === 'string' ? sd.uuid : undefined;
    if (check.problems.length) {
      return this.reject(c, Status.NIO_REGISTRATION_ERROR, `invalid self-description: ${check.problems.join('; ')}`, uuid);
    }
    const top = check.services[0];
    const taken = this.registry.conflict(check.services.map((s) => s.uuid), c);
    if (taken !== undefined) {
      return this.reject(c, Status.NIO_ALREADY_CONNECTED, `service ${taken} is held by another live connection`, top.uuid);
    }
    const already = this.registry.get(top.uuid);
    // A uuid verified once stays bound to its token, in every mode: nobody else can take it over
    // while it is offline. Sub-services of a gateway may carry tokens of their own; without one,
    // the gateway's token stands for them.
    for (const s of check.services.slice(1)) {
      const token = typeof s.selfDescription.token === 'string' ? s.selfDescription.token : sd.token;
      if (this.tokens.isClaimed(s.uuid)) {
        const problem = this.tokens.verify(token, s.uuid);
        if (problem) return this.reject(c, Status.NIO_REGISTRATION_ERROR, `token refused for sub-service ${s.uuid}: ${problem}`, top.uuid);
      }
    }
    let verified = false;
    if (this.tokens.isIssued(sd.token) || this.tokens.isClaimed(top.uuid) || this.options.strictTokens) {
      const problem = this.tokens.verify(sd.token, top.uuid);
      if (problem && (this.options.strictTokens || this.tokens.isClaimed(top.uuid))) {
        return this.reject(c, Status.NIO_REGISTRATION_ERROR, `token refused: ${problem}`, top.uuid);
      }
      verified = problem === undefined;
    }
    const records = this.registry.register(check.services, c, verified, text.length);
    if (!Array.isArray(records)) {
      this.refused.services++;
      return this.reject(c, Status.NIO_REGISTRATION_ERROR, `registration refused: ${records.message}`, top.uuid);
    }
    this.reply(c, Status.IO_REGISTERED);
    for (const r of records) {
      this.logger.info(
        `${already ? 're-registered' : 'registered'} ${r.class} ${r.uuid} "${r.name}" on connection ${c.id}` +
          ` (${r.eventIds.size} events, ${Array.isArray(r.selfDescription.functions) ? r.selfDescription.functions.length : 0} functions${r.parent ? `, gateway ${r.parent}` : ''})`,
      );
      this.safeEmit('registered', {
        uuid: r.uuid,
        name: r.name,
        selfDescription: r.selfDescription,
        connectionId: c.id,
        ...(r.parent !== undefined ? { parent: r.parent } : {}),
      });
    }
  }

  private publish(c: Session, e: EventMessage): void {
    const service = this.registry.get(e.uuid);
    if (!service || !this.registry.owns(c, e.uuid)) {
      const why = service ? 'it is registered by another connection' : 'no such service is registered';
      return this.reject(c, Status.NIO_UNAUTHORIZED_CONNECTION, `event ${e.eventId} for ${e.uuid} refused: ${why} on this connection`, e.uuid);
    }
    if (!service.eventIds.has(e.eventId)) {
      return this.reject(c, Status.NIO_EVENT_FORWARDING_ERROR, `service ${e.uuid} declared no event "${e.eventId}"`, e.uuid);
    }
    // Recorded before it is acknowledged: if the broker dies in between, the client sends the
    // event again (a duplicate) rather than the log missing an event the client counts as delivered.
    this.logger.info(`event ${e.eventId} from ${e.uuid}${e.correlationId !== undefined ? ` (correlation ${e.correlationId})` : ''}`);
    this.safeEmit('event', { uuid: e.uuid, event: e, connectionId: c.id });
    this.eventStream.publish(e);
    this.reply(c, Status.IO_PUBLISHED);
    try {
      this.route(e, service);
    } catch (err) {
      // already answered IO_PUBLISHED: a failure now must not become a second answer
      this.logger.error(`routing event ${e.eventId} from ${e.uuid} failed: ${(err as Error)?.stack ?? String(err)}`);
    }
  }

  /**
   * Runs the flows an accepted event matches. Nothing here may throw: the publisher has already
   * had its IO_PUBLISHED, and a second answer would be taken for the next event's.
   */
  private route(e: EventMessage, source: ServiceRecord): void {
    for (const { flow, route } of this.flowStore.matching(e.uuid, source.name, e.eventId)) {
      const target = this.registry.resolve(route.target);
      const targetUuid = target?.uuid ?? route.target;
      let parameters: Record<string, unknown>;
      try {
        parameters = buildParameters(e, route.mappings, this.limits.maxCallBytes);
      } catch (err) {
        if (err instanceof CallTooLargeError) this.refused.callBytes++;
        this.undeliverable(flow, targetUuid, route.functionId, e.correlationId, `mapping failed: ${(err as Error)?.message ?? String(err)}`);
        continue;
      }
      const call: FunctionCallMessage = {
        uuid: targetUuid,
        ...(e.correlationId !== undefined ? { correlationId: e.correlationId } : {}),
        functionId: route.functionId,
        functionParameters: parameters,
      };
      this.deliverCall(call, flow.id).catch((err: Error) =>
        this.undeliverable(flow, targetUuid, route.functionId, e.correlationId, err.message),
      );
    }
  }

  private undeliverable(flow: StoredFlow, uuid: string, functionId: string, correlationId: string | undefined, reason: string): void {
    this.warnings.warn(`flow:${flow.id}`, `flow ${flow.id}: call ${functionId} → ${uuid} not delivered: ${reason}`);
    this.safeEmit('undeliverable', { flowId: flow.id, uuid, functionId, ...(correlationId !== undefined ? { correlationId } : {}), reason });
  }

  private deliver(uuid: string, message: string, what: string): Promise<void> {
    const s = this.registry.get(uuid);
    if (!s) return Promise.reject(new DeliveryError('UNKNOWN_SERVICE', `cannot send ${what}: no service ${uuid} is registered`));
    const owner = s.owner;
    if (!owner || !owner.isOpen() || !(owner instanceof Session)) {
      return Promise.reject(new DeliveryError('OFFLINE', `cannot send ${what}: service ${uuid} is offline`));
    }
    return new Promise((resolve, reject) => {
      owner.send(message, (err) =>
        err ? reject(new DeliveryError('SEND_FAILED', `cannot send ${what} to ${uuid}: ${err.message}`)) : resolve(),
      );
    });
  }

  private deliverCall(call: FunctionCallMessage, flowId?: string | number): Promise<boolean> {
    // Calls built by flows are bounded (their size comes from other services' events); calls from
    // in-process code are trusted, and REST ones are bounded by maxBodyBytes already.
    const max = flowId !== undefined ? this.limits.maxCallBytes : Infinity;
    const message = this.encodable(() => encodeCall(call), `function call ${call.functionId}`, call.uuid, max);
    if (message instanceof DeliveryError) return Promise.reject(message);
    const s = this.registry.get(call.uuid);
    if (s && !s.functionIds.has(call.functionId)) {
      this.warnings.warn(`undeclared:${call.uuid}`, `call ${call.functionId} → ${call.uuid}: the service declared no such function (sent anyway)`);
    }
    return this.deliver(call.uuid, message, `function call ${call.functionId}`).then(() => {
      this.logger.info(
        `call ${call.functionId} → ${call.uuid}${flowId !== undefined ? ` (flow ${flowId})` : ''}${call.correlationId !== undefined ? ` (correlation ${call.correlationId})` : ''}`,
      );
      this.safeEmit('call', { uuid: call.uuid, functionId: call.functionId, call, ...(flowId !== undefined ? { flowId } : {}) });
      return true;
    });
  }

  private storeFlow(def: unknown, deployed: boolean): StoredFlow {
    let f: StoredFlow;
    try {
      f = this.flowStore.add(def, deployed);
    } catch (e) {
      if (e instanceof FlowLimitError) this.refused[e.limit === 'flows' ? 'flows' : 'flowBytes']++;
      throw e;
    }
    this.logger.info(`flow ${f.id} "${f.name}" stored${deployed ? ' and deployed' : ''} (${f.routes.length} routes)`);
    return f;
  }

  /**
   * Encodes a server message, or says why it cannot be sent: parameters that are no JSON (a
   * cycle, a BigInt), nest deeper than the receiving client's parser accepts (a flow mapping
   * can add levels to an event's payload), or exceed maxCallBytes. As a value, so callers
   * reject instead of throwing.
   */
  private encodable(encode: () => string, what: string, uuid: string, maxBytes = Infinity): string | DeliveryError {
    let message: string;
    try {
      message = encode();
    } catch (e) {
      return new DeliveryError('BAD_MESSAGE', `cannot send ${what} to ${uuid}: it cannot be encoded as JSON: ${(e as Error)?.message ?? String(e)}`);
    }
    const max = maxBytes;
    if (message.length > max || (message.length * 3 > max && Buffer.byteLength(message) > max)) {
      this.refused.callBytes++;
      return new DeliveryError('BAD_MESSAGE', `cannot send ${what} to ${uuid}: it is ${Buffer.byteLength(message)} bytes, more than the limit of ${max} (maxCallBytes)`);
    }
    if (jsonDepthExceeds(message, DEFAULT_MAX_JSON_DEPTH)) {
      return new DeliveryError('BAD_MESSAGE', `cannot send ${what} to ${uuid}: it nests more than ${DEFAULT_MAX_JSON_DEPTH} levels deep, more than an MSB client parses`);
    }
    return message;
  }

  private deployFlowById(id: string | number): boolean {
    const f = this.flowStore.get(id);
    if (!f) return false;
    f.deployed = true;
    this.logger.info(`flow ${id} deployed`);
    return true;
  }
}

/** TCP connections per port beyond `maxConnections`, for REST clients (README, Limits). */
const REST_SOCKETS = 256;

function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127\./.test(host);
}

/**
 * Starts a local MSB broker and resolves once every port listens.
 *
 * @throws {FlowError} when one of `options.flows` cannot be understood; a listen error (port in use).
 */
export async function startBroker(options: BrokerOptions = {}): Promise<Broker> {
  const broker = new Broker(options);
  try {
    await broker['start']();
  } catch (e) {
    await broker.close();
    throw e;
  }
  return broker;
}
