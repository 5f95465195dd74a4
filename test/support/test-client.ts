/** A plain `ws` client of the broker, speaking the protocol message by message. */
import WebSocket from 'ws';
import { decodeServerFrame, encodeClientFrame } from '../../lib/protocol/frames';
import { encodeEvent, encodeRegistration, EventMessage } from '../../lib/protocol/messages';
import { changed, within } from './wait';

interface Waiter {
  predicate: (m: string) => boolean;
  resolve: (m: string) => void;
}

/**
 * A plain `ws` client speaking SockJS or raw framing. Received messages queue up; `next`
 * takes the first queued (or future) message matching a predicate.
 */
export class TestClient {
  /** Every text frame received, undecoded. */
  readonly frames: string[] = [];
  /** Messages not yet taken by `next`. */
  readonly queue: string[] = [];
  private waiters: Waiter[] = [];
  private frameWaiters: Waiter[] = [];
  readonly closed: Promise<{ code: number; reason: string }>;
  closeInfo?: { code: number; reason: string };

  private constructor(
    readonly ws: WebSocket,
    readonly sockJs: boolean,
  ) {
    this.closed = new Promise((resolve) => {
      ws.on('close', (code, reason) => {
        this.closeInfo = { code, reason: reason.toString() };
        changed();
        resolve(this.closeInfo);
      });
    });
    ws.on('error', () => undefined);
    ws.on('message', (data) => {
      const text = (data as Buffer).toString('utf8');
      this.frames.push(text);
      changed();
      this.frameWaiters = this.frameWaiters.filter((w) => !(w.predicate(text) && (w.resolve(text), true)));
      const f = decodeServerFrame(text, sockJs);
      if (f.kind !== 'messages') return;
      for (const m of f.messages) {
        const i = this.waiters.findIndex((w) => w.predicate(m));
        if (i >= 0) this.waiters.splice(i, 1)[0].resolve(m);
        else this.queue.push(m);
      }
    });
  }

  /** Connects to `base` (ws://host:port) on the SockJS path, the raw path or `path`. */
  static async connect(
    base: string,
    opts: { sockJs?: boolean; path?: string; ws?: WebSocket.ClientOptions; waitConnected?: boolean } = {},
  ): Promise<TestClient> {
    const sockJs = opts.sockJs ?? true;
    const path = opts.path ?? (sockJs ? `/websocket/data/${100 + Math.floor(Math.random() * 900)}/${'ab'.repeat(16)}/websocket` : '/websocket/data/websocket');
    const ws = new WebSocket(base + path, opts.ws);
    const c = new TestClient(ws, sockJs);
    await within(
      new Promise<void>((resolve, reject) => {
        ws.once('open', () => resolve());
        ws.once('error', reject);
        ws.once('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
      }),
      3000,
      'websocket open',
    );
    if (opts.waitConnected ?? true) await c.next((m) => m === 'IO_CONNECTED');
    return c;
  }

  /** Sends one message in this client's framing. */
  send(message: string): void {
    this.ws.send(encodeClientFrame(message, this.sockJs));
  }

  /** Sends a frame exactly as given. */
  sendFrame(frame: string | Buffer, binary = false): void {
    this.ws.send(frame, { binary });
  }

  register(sd: object): void {
    this.send(encodeRegistration(sd));
  }

  publish(e: Partial<EventMessage> & { uuid: string; eventId: string }): void {
    this.send(encodeEvent({ priority: 0, postDate: new Date().toISOString(), ...e }));
  }

  /** Registers and waits for the answer (any status), which it returns. */
  async registerAndWait(sd: object, ms = 3000): Promise<string> {
    this.register(sd);
    return this.next(isRegistrationAnswer, ms);
  }

  /** Takes the first queued or future message matching `predicate`. */
  next(predicate: (m: string) => boolean = () => true, ms = 3000): Promise<string> {
    const i = this.queue.findIndex(predicate);
    if (i >= 0) return Promise.resolve(this.queue.splice(i, 1)[0]);
    let waiter: Waiter | undefined;
    const p = new Promise<string>((resolve) => {
      waiter = { predicate, resolve };
      this.waiters.push(waiter);
    });
    return within(p, ms, `a message matching ${predicate.toString().slice(0, 80)}`).finally(() => {
      this.waiters = this.waiters.filter((w) => w !== waiter);
    });
  }

  /** The next raw frame (SockJS `o`, `h`, `c[...]`...) matching `predicate`, including ones already received. */
  nextFrame(predicate: (f: string) => boolean, ms = 3000): Promise<string> {
    const seen = this.frames.find(predicate);
    if (seen !== undefined) return Promise.resolve(seen);
    let waiter: Waiter | undefined;
    const p = new Promise<string>((resolve) => {
      waiter = { predicate, resolve };
      this.frameWaiters.push(waiter);
    });
    return within(p, ms, 'a frame').finally(() => {
      this.frameWaiters = this.frameWaiters.filter((w) => w !== waiter);
    });
  }

  /**
   * Waits until every message the broker sent before now has arrived: re-registers `sd` and
   * waits for its IO_REGISTERED (the broker answers in order on one connection).
   */
  async barrier(sd: object): Promise<void> {
    const answer = await this.registerAndWait(sd);
    if (answer !== 'IO_REGISTERED') throw new Error(`barrier registration answered ${answer}`);
  }

  waitClosed(ms = 3000): Promise<{ code: number; reason: string }> {
    return within(this.closed, ms, 'the websocket to close');
  }

  async close(): Promise<void> {
    if (this.ws.readyState === WebSocket.CLOSED) return;
    this.ws.close();
    await within(this.closed, 3000, 'close').catch(() => this.ws.terminate());
  }
}

export function isRegistrationAnswer(m: string): boolean {
  return m === 'IO_REGISTERED' || m.startsWith('NIO_');
}

export function isPublishAnswer(m: string): boolean {
  return m === 'IO_PUBLISHED' || m === 'NIO_UNAUTHORIZED_CONNECTION' || m.includes('EVENT_FORWARDING');
}
