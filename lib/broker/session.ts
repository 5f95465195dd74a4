import type { IncomingMessage } from 'node:http';
import { corkUntilNextTick } from '../util/cork';
import type { RawData, WebSocket } from 'ws';
import { ProtocolError } from '../protocol';
import { HEARTBEAT_FRAME, OPEN_FRAME, closeFrame, decodeClientFrame, encodeServerFrame } from '../protocol';
import { Status } from '../protocol';
import { Deque } from '../util/deque';
import type { BrokerLogger } from './options';
import type { ServiceOwner } from './registry';
import type { FairScheduler, Schedulable } from './scheduler';

/**
 * Backlog at which a connection's socket is no longer read (TCP then slows the sender down);
 * reading resumes once the backlog is handled. Bounds the memory a flooding client can fill.
 */
const PAUSE_MESSAGES = 1024;
const PAUSE_CHARS = 1024 * 1024;
/**
 * Unsent answers at which a connection's messages are no longer handled (nor its socket read)
 * until the client has read them: a client that sends without reading cannot make the broker
 * hold more than this of its answers.
 */
const OUTPUT_PAUSE_BYTES = 256 * 1024;
/** Queued messages over all connections at which every connection that queues more is paused. */
const GLOBAL_PAUSE_CHARS = 64 * 1024 * 1024;
/** How many accepted messages a malformed one counts as against a turn's budget (measured: ~10 µs against ~1.5 µs). */
const MALFORMED_WEIGHT = 8;

/** What a session needs from the broker. */
export interface SessionHost {
  readonly logger: BrokerLogger;
  readonly rateLimit: { burst: number; perSecond: number } | false;
  readonly maxBufferedBytes: number;
  readonly scheduler: FairScheduler;
  /** A warning that may repeat per message: summarised by kind. */
  warnRepeated(kind: string, message: string): void;
  /** Counts a throttled (paused) connection. */
  throttled(conn: Session): void;
  /** Counts a connection closed because of a limit. */
  limitHit(conn: Session, limit: 'messageBytes' | 'bufferedBytes' | 'rateLimit'): void;
  /** One decoded text message; false when it was refused as malformed. */
  handleMessage(conn: Session, text: string): boolean;
  /** A frame or transport problem; the session has already answered or closed. */
  reportProtocolError(conn: Session, reason: string, excerpt?: string): void;
  closed(conn: Session, code: number, reason: string): void;
}

let nextId = 1;

/**
 * One websocket session in SockJS or raw framing. It decodes frames, rate-limits, and sends one
 * message per frame; everything about services and events is the host's business.
 */
export class Session implements ServiceOwner, Schedulable {
  readonly id = `c${nextId++}`;
  /** Messages received and not yet handled, in order. */
  private readonly inbox = new Deque<string>();
  private inboxChars = 0;
  private paused = false;
  /** Too many answers unread: wait for the client to read before handling more. */
  private blockedOnOutput = false;
  /** The scheduler turn the budget below belongs to. */
  private turn = -1;
  private usedMessages = 0;
  private usedChars = 0;
  readonly remoteAddress: string;
  readonly path: string;
  private closing = false;
  private closed = false;
  private awaitingPong = false;
  private tokens: number;
  private lastRefill = Date.now();
  private readonly closedPromise: Promise<void>;

  constructor(
    private readonly ws: WebSocket,
    readonly sockJs: boolean,
    private readonly host: SessionHost,
    req: IncomingMessage,
  ) {
    this.remoteAddress = `${req.socket.remoteAddress ?? '?'}:${req.socket.remotePort ?? '?'}`;
    this.path = req.url ?? '';
    this.tokens = host.rateLimit ? host.rateLimit.burst : 0;
    this.closedPromise = new Promise((resolve) => {
      ws.on('close', (code: number, reason: Buffer) => {
        // What the client sent before it closed is still handled (its events recorded), unless
        // the broker itself decided to close: then the rest is the reason it did.
        if (!this.closing) while (this.inbox.length > 0) this.handle(this.inbox.shift()!);
        this.inbox.drain();
        host.scheduler.queuedChars -= this.inboxChars;
        this.inboxChars = 0;
        host.scheduler.forget(this);
        this.closed = true;
        host.closed(this, code, reason.toString('utf8'));
        resolve();
      });
    });
    ws.on('message', (data: RawData, isBinary: boolean) => this.onFrame(data, isBinary));
    ws.on('pong', () => {
      this.awaitingPong = false;
    });
    ws.on('error', (err: Error & { code?: string }) => {
      // ws has already started closing (e.g. 1009 for maxPayload); tell the host why
      if (err.code === 'WS_ERR_UNSUPPORTED_MESSAGE_LENGTH') host.limitHit(this, 'messageBytes');
      host.reportProtocolError(this, `websocket error${err.code ? ` ${err.code}` : ''}: ${err.message}`);
    });
  }

  /** Sends the greeting: SockJS `o`, then `IO_CONNECTED` at once (C# gives up after 3 s). */
  start(): void {
    if (this.sockJs) this.sendFrame(OPEN_FRAME);
    this.send(Status.IO_CONNECTED);
  }

  isOpen(): boolean {
    return !this.closing && !this.closed && this.ws.readyState === this.ws.OPEN;
  }

  /** Sends one message in this session's framing; false when the session cannot send. */
  send(message: string, done?: (err?: Error) => void): boolean {
    return this.sendFrame(encodeServerFrame(message, this.sockJs), done);
  }

  private sendFrame(frame: string, done?: (err?: Error) => void): boolean {
    if (!this.isOpen()) {
      done?.(new Error('the connection is closed'));
      return false;
    }
    if (this.ws.bufferedAmount > this.host.maxBufferedBytes) {
      this.host.logger.warn(`connection ${this.id}: client is not reading (${this.ws.bufferedAmount} bytes unsent, limit maxBufferedBytes ${this.host.maxBufferedBytes}); terminating`);
      this.host.limitHit(this, 'bufferedBytes');
      this.terminate();
      done?.(new Error('the client stopped reading'));
      return false;
    }
    corkUntilNextTick(this.ws);
    this.ws.send(frame, (err) => {
      if (this.blockedOnOutput && this.ws.bufferedAmount <= OUTPUT_PAUSE_BYTES / 2) {
        this.blockedOnOutput = false;
        if (this.inbox.length > 0) this.host.scheduler.wake(this);
      }
      done?.(err ?? undefined);
    });
    return true;
  }

  /** SockJS heartbeat; raw sessions have none. */
  heartbeat(): void {
    if (this.sockJs) this.sendFrame(HEARTBEAT_FRAME);
  }

  /** WebSocket protocol ping; terminates a socket that left the previous one unanswered. */
  keepAlive(): void {
    if (this.closed) return;
    if (this.awaitingPong) {
      this.host.logger.warn(`connection ${this.id}: no answer to the websocket ping; terminating half-open socket`);
      this.host.reportProtocolError(this, 'half-open socket: no answer to the websocket ping');
      this.terminate();
      return;
    }
    this.awaitingPong = true;
    try {
      this.ws.ping();
    } catch {
      this.terminate();
    }
  }

  /** Closes with a code and reason (SockJS: `c[code,"reason"]` first, as Spring does). */
  close(code: number, reason: string): Promise<void> {
    if (!this.closing && !this.closed) {
      if (this.sockJs && this.ws.readyState === this.ws.OPEN) this.ws.send(closeFrame(code, reason));
      this.closing = true;
      this.ws.close(code, reason);
    }
    return this.closedPromise;
  }

  terminate(): void {
    this.closing = true;
    this.ws.terminate();
  }

  private takeToken(n: number): boolean {
    const limit = this.host.rateLimit;
    if (!limit) return true;
    const now = Date.now();
    this.tokens = Math.min(limit.burst, this.tokens + ((now - this.lastRefill) * limit.perSecond) / 1000);
    this.lastRefill = now;
    this.tokens -= n;
    return this.tokens >= 0;
  }

  private onFrame(data: RawData, isBinary: boolean): void {
    if (this.closing || this.closed) return;
    if (isBinary) {
      // as Spring's TextWebSocketHandler: the MSB speaks text only
      this.host.reportProtocolError(this, 'binary frame received; the MSB protocol uses text frames only');
      void this.close(1003, 'binary frames are not supported');
      return;
    }
    const text = Buffer.isBuffer(data)
      ? data.toString('utf8')
      : Array.isArray(data)
        ? Buffer.concat(data).toString('utf8')
        : Buffer.from(data).toString('utf8');
    let messages: string[];
    try {
      messages = decodeClientFrame(text, this.sockJs);
    } catch (e) {
      // Spring closes a SockJS session whose frame it cannot decode with BAD_DATA (1007)
      const reason = e instanceof ProtocolError ? e.message : String(e);
      this.host.reportProtocolError(this, reason, text.slice(0, 200));
      void this.close(1007, 'bad SockJS frame: expected a JSON array of strings');
      return;
    }
    if (!this.takeToken(Math.max(1, messages.length))) {
      const limit = this.host.rateLimit as { burst: number; perSecond: number };
      this.host.logger.warn(`connection ${this.id}: more than ${limit.burst} messages at once / ${limit.perSecond} per second; closing`);
      this.host.limitHit(this, 'rateLimit');
      this.host.reportProtocolError(this, 'message rate limit exceeded');
      void this.close(1008, 'message rate limit exceeded');
      return;
    }
    for (const m of messages) {
      if (this.closing || this.closed) return;
      if (this.inbox.length === 0 && this.withinBudget(m.length)) this.handle(m);
      else this.enqueue(m);
    }
  }

  /** Messages waiting to be handled. */
  get queued(): number {
    return this.inbox.length;
  }

  /** Handles backlog within this turn's budget; true while some remains. */
  runTurn(): boolean {
    while (this.inbox.length > 0 && !this.closing && this.withinBudget(this.inbox.peek()!.length)) {
      const m = this.inbox.shift()!;
      this.inboxChars -= m.length;
      this.host.scheduler.queuedChars -= m.length;
      this.handle(m);
    }
    if (this.closing || this.closed) {
      this.host.scheduler.queuedChars -= this.inboxChars;
      this.inbox.drain();
      this.inboxChars = 0;
      return false;
    }
    // woken again by the send callback once the client has read its answers
    if (this.blockedOnOutput) return false;
    if (this.inbox.length === 0 && this.paused) {
      this.paused = false;
      this.ws.resume();
    }
    return this.inbox.length > 0;
  }

  /** Whether a message of `chars` fits this turn's budget (the first of a turn always does); uses it. */
  private withinBudget(chars: number): boolean {
    const s = this.host.scheduler;
    if (this.blockedOnOutput) return false;
    if (this.ws.bufferedAmount > OUTPUT_PAUSE_BYTES) {
      this.blockedOnOutput = true;
      this.pause();
      return false;
    }
    if (this.turn !== s.turn) {
      this.turn = s.turn;
      this.usedMessages = 0;
      this.usedChars = 0;
    } else if (this.usedMessages >= s.budgetMessages || this.usedChars >= s.budgetChars) return false;
    this.usedMessages++;
    this.usedChars += chars;
    s.arm();
    return true;
  }

  private enqueue(m: string): void {
    const s = this.host.scheduler;
    this.inbox.push(m);
    this.inboxChars += m.length;
    s.queuedChars += m.length;
    if (!this.blockedOnOutput) s.wake(this);
    if (this.inbox.length >= PAUSE_MESSAGES || this.inboxChars >= PAUSE_CHARS || s.queuedChars >= GLOBAL_PAUSE_CHARS) this.pause();
  }

  /** Stops reading the socket (TCP then slows the client down) until the backlog is handled. */
  private pause(): void {
    if (this.paused) return;
    this.paused = true;
    this.ws.pause();
    this.host.throttled(this);
  }

  private handle(m: string): void {
    // A refused message costs several times an accepted one (an exception with its stack, a
    // refusal), so it uses up more of the turn: a flood of garbage gets fewer messages per turn.
    if (!this.host.handleMessage(this, m)) this.usedMessages += MALFORMED_WEIGHT - 1;
  }
}
