import type { IncomingMessage } from 'node:http';
import { randomInt } from 'node:crypto';
import type { Duplex } from 'node:stream';
import { WebSocketServer } from 'ws';
import { PING, excerptOf } from '../protocol';
import type { BrokerContext } from './context';
import type { Dashboard } from './dashboard';
import type { MsbPortUrls } from './options';
import { cleanPath, sendJson } from './http';
import { restHandler } from './rest';
import type { RestBackend, RestScope } from './rest-routes';
import { Listener, listen, refuseUpgrade, websocketFraming } from './server';
import { Session, SessionHost } from './session';

/*
 * Everything with a lifetime: the listening ports (the all-in-one port and, when asked, the MSB's
 * separate ones), websocket upgrades into sessions, the heartbeat timers, and a close that leaves
 * no socket or timer behind. What a session says is the session handler's business.
 */

/** Where a broker listens: filled in as its ports open. */
export interface BrokerAddresses {
  url: string;
  httpUrl: string;
  port: number;
  msb?: MsbPortUrls;
}

const DEFAULT_MSB_PORTS = { websocket: 8085, websocketTls: 8084, smartObjects: 8081, flows: 8082 };

/** TCP connections per port beyond `maxConnections`, for REST clients (README, Limits). */
const REST_SOCKETS = 256;

function urlHost(host: string): string {
  if (host === '0.0.0.0' || host === '::' || host === '') return '127.0.0.1';
  return host.includes(':') ? `[${host}]` : host;
}

function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127\./.test(host);
}

type Upgrade = (req: IncomingMessage, socket: Duplex, head: Buffer) => void;

/** The ports of one broker and the sessions they accept. */
export class BrokerPorts {
  private readonly wss: WebSocketServer;
  private readonly servers: Listener[] = [];
  private readonly timers: NodeJS.Timeout[] = [];
  private closing?: Promise<void>;

  constructor(
    private readonly ctx: BrokerContext,
    private readonly host: SessionHost,
    private readonly backend: RestBackend,
    private readonly dashboard: Dashboard | undefined,
  ) {
    this.wss = new WebSocketServer({ noServer: true, maxPayload: ctx.limits.maxMessageBytes, perMessageDeflate: false });
  }

  /**
   * Opens every port and starts the timers; resolves once every port listens. `at` (the broker)
   * gets each address as soon as its port listens, so REST answers given meanwhile can name it.
   */
  async start(at: BrokerAddresses): Promise<void> {
    const o = this.ctx.options;
    const host = o.host ?? '127.0.0.1';
    const upgrade: Upgrade = (req, socket, head) => this.upgrade(req, socket, head);
    const main = await this.open({ port: o.port ?? 0, host, scope: 'all', upgrade });
    const h = urlHost(host);
    at.port = main.port;
    at.url = `${main.secure ? 'wss' : 'ws'}://${h}:${main.port}`;
    at.httpUrl = `${main.secure ? 'https' : 'http'}://${h}:${main.port}`;
    if (o.msbPorts) {
      const p = { ...DEFAULT_MSB_PORTS, ...(o.msbPorts === true ? {} : o.msbPorts) };
      const ws = await this.open({ port: p.websocket, host, scope: 'websocket', upgrade, plain: true });
      const so = await this.open({ port: p.smartObjects, host, scope: 'smartObjects', plain: true });
      const fl = await this.open({ port: p.flows, host, scope: 'flows', plain: true });
      at.msb = {
        websocketUrl: `ws://${h}:${ws.port}`,
        websocketPort: ws.port,
        smartObjectsUrl: `http://${h}:${so.port}`,
        smartObjectsPort: so.port,
        flowsUrl: `http://${h}:${fl.port}`,
        flowsPort: fl.port,
      };
      if (o.tls) {
        const wss = await this.open({ port: p.websocketTls, host, scope: 'websocket', upgrade });
        at.msb.websocketTlsUrl = `wss://${h}:${wss.port}`;
        at.msb.websocketTlsPort = wss.port;
      }
    }
    const connections = this.ctx.connections;
    this.every(o.heartbeatMs, 25_000, () => connections.forEach((c) => c.heartbeat()));
    this.every(o.pingMs, 0, () => connections.forEach((c) => c.send(PING)));
    this.every(o.keepAliveMs, 30_000, () => connections.forEach((c) => c.keepAlive()));
    if (!isLoopback(host) && o.adminSecret === undefined) {
      this.ctx.logger.warn(
        `listening on ${host}, beyond this machine, without adminSecret: anyone who can reach port ${main.port} can use the REST API (issue tokens, deploy flows, call functions). Set adminSecret (msb broker: MSB_BROKER_ADMIN_SECRET) and strictTokens.`,
      );
    }
    this.ctx.logger.info(`MSB broker listening on ${at.url}${at.msb ? ` (+ MSB ports ${JSON.stringify(at.msb)})` : ''}`);
  }

  /** Closes every connection (1001) and every port; leaves no timers or sockets behind. */
  close(): Promise<void> {
    this.closing ??= (async () => {
      for (const t of this.timers) clearInterval(t);
      this.timers.length = 0;
      await Promise.all(
        [...this.ctx.connections].map(async (c) => {
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
      this.ctx.eventStream.close();
      await Promise.all(this.servers.map((l) => l.close()));
      this.ctx.warnings.close();
      this.ctx.logger.info('broker closed');
    })();
    return this.closing;
  }

  private every(ms: number | undefined, fallback: number, fn: () => void): void {
    const period = ms ?? fallback;
    if (period > 0) {
      const t = setInterval(fn, period);
      t.unref();
      this.timers.push(t);
    }
  }

  private async open(a: { port: number; host: string; scope: RestScope; upgrade?: Upgrade; plain?: boolean }): Promise<Listener> {
    const rest = restHandler(this.backend, a.scope);
    const dashboard = a.scope === 'all' ? this.dashboard : undefined;
    const servesInfo = a.scope === 'all' || a.scope === 'websocket';
    const { tls } = this.ctx.options;
    const { maxConnections } = this.ctx.limits;
    const listener = await listen({
      port: a.port,
      host: a.host,
      ...(tls && !a.plain ? { tls } : {}),
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
      ...(Number.isFinite(maxConnections) ? { maxSockets: maxConnections + REST_SOCKETS } : {}),
    });
    this.servers.push(listener);
    return listener;
  }

  private upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    const { connections, limits, logger } = this.ctx;
    const framing = websocketFraming(req.url);
    if (this.closing) return refuseUpgrade(socket, 503, 'broker shutting down');
    if (!framing) {
      logger.warn(`websocket upgrade refused: no MSB websocket path ${excerptOf(req.url ?? '')}`);
      this.ctx.emit('rejected', { reason: `no websocket endpoint at ${req.url ?? ''}`, status: 'HTTP_404' });
      return refuseUpgrade(socket, 404, 'no MSB websocket endpoint at this path; use /websocket/data/{server}/{session}/websocket or /websocket/data/websocket');
    }
    if (connections.size >= limits.maxConnections) {
      this.ctx.refused.connections++;
      this.ctx.warnings.warn('maxConnections', `websocket upgrade refused: ${connections.size} connections already open (maxConnections)`);
      this.ctx.emit('rejected', { reason: `connection limit of ${limits.maxConnections} reached`, status: 'HTTP_503' });
      return refuseUpgrade(socket, 503, 'too many connections');
    }
    this.wss.handleUpgrade(req, socket, head, (ws) => {
      const c = new Session(ws, framing === 'sockjs', this.host, req);
      connections.add(c);
      logger.info(`connection ${c.id} opened (${framing}) from ${c.remoteAddress}`);
      this.ctx.emit('connection', { connectionId: c.id, sockJs: c.sockJs, remoteAddress: c.remoteAddress, path: c.path });
      c.start();
    });
  }
}
