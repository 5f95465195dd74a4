import { EventEmitter } from 'node:events';
import WebSocket from 'ws';
import { decodeServerFrame, encodeClientFrame, rawUrl, sockJsUrl } from '../protocol';
import { Backoff } from './backoff';
import { corkUntilNextTick } from '../util/cork';
import type { ReconnectOptions } from './backoff';
import type { Logger } from './logger';

/** TLS settings for `wss://`. Certificate and hostname checks are on unless turned off here. */
export interface TlsOptions {
  /** Trusted CA certificate(s), PEM; for a private CA or a self-signed MSB. */
  ca?: string | Buffer | Array<string | Buffer>;
  /** Client certificate, PEM (mutual TLS). */
  cert?: string | Buffer;
  /** Client private key, PEM (mutual TLS). */
  key?: string | Buffer;
  /** Check the server's certificate and hostname. Default **true**; set false only for testing. */
  rejectUnauthorized?: boolean;
}

export interface ConnectionOptions {
  url: string;
  sockJsFraming: boolean;
  tls?: TlsOptions;
  /** Client ping period; a peer silent for two periods is dropped. 0: off. */
  heartbeatMs: number;
  reconnect: ReconnectOptions | false;
  maxMessageBytes: number;
  handshakeTimeoutMs: number;
  logger: Logger;
  /** Whether events wait to be sent: reconnect delays are then capped lower. */
  eventsWaiting?: () => boolean;
}

export interface ConnectionEvents {
  connecting: [];
  open: [];
  message: [text: string];
  close: [info: CloseInfo];
}

/** Why a socket closed, and when the next attempt is (absent: none). */
export interface CloseInfo {
  code: number;
  reason: string;
  reconnectInMs?: number;
  /** The HTTP status that refused the websocket upgrade, when that is why; no retry follows. */
  httpStatus?: number;
}

/**
 * One logical connection to the MSB: the websocket, its framing, heartbeats and reconnects.
 * It knows nothing of registration or events; the app drives it through `send` and its
 * events.
 */
export class Connection extends EventEmitter<ConnectionEvents> {
  private ws?: WebSocket;
  private closing = false;
  private reconnectTimer?: NodeJS.Timeout;
  private heartbeatTimer?: NodeJS.Timeout;
  private alive = true;
  private readonly backoff: Backoff;
  private closed?: Promise<void>;

  constructor(private readonly options: ConnectionOptions) {
    super();
    this.backoff = new Backoff(options.reconnect === false ? {} : options.reconnect);
  }

  /** True while the socket is open and frames can be sent. */
  get isOpen(): boolean {
    return this.ws?.readyState === WebSocket.OPEN;
  }

  start(): void {
    if (this.closing) return;
    this.connect();
  }

  /** A successful registration ends a run of failures: the next loss starts from the initial delay. */
  resetBackoff(): void {
    this.backoff.reset();
  }

  /**
   * Frames and sends one message. Returns false when the socket is not open (nothing sent).
   * `onWritten` runs once the frame has left for the network.
   */
  send(message: string, onWritten?: (err?: Error) => void): boolean {
    const ws = this.ws;
    if (!ws || ws.readyState !== WebSocket.OPEN) return false;
    corkUntilNextTick(ws);
    ws.send(encodeClientFrame(message, this.options.sockJsFraming), onWritten);
    return true;
  }

  /** Drops the current socket (a dead peer, a protocol breach); reconnects if enabled. */
  drop(reason: string): void {
    this.options.logger.warn(`Dropping the MSB connection: ${reason}`);
    this.ws?.terminate();
  }

  /** Closes for good: no reconnect, timers cleared. Resolves when the socket is closed. */
  close(): Promise<void> {
    if (this.closed) return this.closed;
    this.closing = true;
    clearTimeout(this.reconnectTimer);
    this.stopHeartbeat();
    const ws = this.ws;
    this.closed = new Promise<void>((resolve) => {
      if (!ws || ws.readyState === WebSocket.CLOSED) return resolve();
      ws.once('close', () => resolve());
      if (ws.readyState === WebSocket.CONNECTING) ws.terminate();
      else {
        ws.close(1000, 'service closing');
        // A peer that never answers the close handshake must not hold the process.
        const t = setTimeout(() => ws.terminate(), 2000);
        t.unref();
      }
    });
    return this.closed;
  }

  private connect(): void {
    const { options } = this;
    let url: string;
    try {
      url = options.sockJsFraming ? sockJsUrl(options.url) : rawUrl(options.url);
    } catch (e) {
      // A bad URL never gets better by retrying.
      this.closing = true;
      this.emit('close', { code: 1015, reason: (e as Error).message });
      return;
    }
    this.emit('connecting');
    options.logger.debug(`Connecting to ${url}`);
    const ws = new WebSocket(url, {
      handshakeTimeout: options.handshakeTimeoutMs,
      maxPayload: options.maxMessageBytes,
      perMessageDeflate: false,
      ca: options.tls?.ca,
      cert: options.tls?.cert,
      key: options.tls?.key,
      rejectUnauthorized: options.tls?.rejectUnauthorized !== false,
    });
    this.ws = ws;
    ws.on('open', () => {
      this.alive = true;
      this.startHeartbeat(ws);
      this.emit('open');
    });
    ws.on('message', (data, isBinary) => {
      this.alive = true;
      if (isBinary) {
        options.logger.warn('Ignoring a binary frame from the MSB (the protocol is text only)');
        return;
      }
      this.onFrame(data.toString());
    });
    ws.on('pong', () => {
      this.alive = true;
    });
    ws.on('error', (err) => {
      options.logger.debug(`MSB socket error: ${err.message}`);
      this.lastError = err.message;
    });
    ws.on('close', (code, reasonBuffer) => {
      this.stopHeartbeat();
      if (this.ws === ws) this.ws = undefined;
      const reason = reasonBuffer.toString() || this.lastError || '';
      this.lastError = undefined;
      // An HTTP 4xx to the upgrade (a wrong path, a proxy refusing) does not get better by retrying;
      // 408 and 429 are the server asking to come back later.
      const refused = /^Unexpected server response: (\d+)$/.exec(reason);
      const status = refused ? Number(refused[1]) : 0;
      if (status >= 400 && status < 500 && status !== 408 && status !== 429) {
        this.closing = true;
        this.emit('close', { code, reason: `the server answered the websocket upgrade with HTTP ${status}`, httpStatus: status });
        return;
      }
      let reconnectInMs: number | undefined;
      if (!this.closing && options.reconnect !== false) {
        reconnectInMs = this.backoff.next(options.eventsWaiting?.() ?? false);
        this.reconnectTimer = setTimeout(() => this.connect(), reconnectInMs);
      }
      this.emit('close', { code, reason, reconnectInMs });
    });
  }

  private lastError?: string;

  private onFrame(data: string): void {
    let frame;
    try {
      frame = decodeServerFrame(data, this.options.sockJsFraming);
    } catch (e) {
      this.options.logger.warn(`Ignoring a malformed frame from the MSB: ${(e as Error).message}`);
      return;
    }
    switch (frame.kind) {
      case 'messages':
        for (const m of frame.messages) this.emit('message', m);
        break;
      case 'close':
        this.drop(`the MSB sent a SockJS close frame ${frame.code} ${JSON.stringify(frame.reason)}`);
        break;
      default:
        break;
    }
  }

  private startHeartbeat(ws: WebSocket): void {
    const period = this.options.heartbeatMs;
    if (!(period > 0)) return;
    this.stopHeartbeat();
    this.heartbeatTimer = setInterval(() => {
      if (!this.alive) {
        this.drop(`no answer from the MSB for ${period} ms (dead peer)`);
        return;
      }
      this.alive = false;
      try {
        ws.ping();
      } catch {
        // the close event follows
      }
    }, period);
  }

  private stopHeartbeat(): void {
    clearInterval(this.heartbeatTimer);
    this.heartbeatTimer = undefined;
  }
}
