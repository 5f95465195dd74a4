import type { IncomingMessage, ServerResponse } from 'node:http';
import type { EventMessage } from '../protocol';
import { sendJson } from './http';

/** One accepted event as the stream sends it (one JSON object per Server-Sent Event). */
export interface StreamedEvent {
  service: string;
  eventId: string;
  correlationId?: string;
  priority: number;
  postDate: string;
  payload?: unknown;
}

interface Subscriber {
  res: ServerResponse;
  service?: string;
  eventId?: string;
  correlationId?: string;
}

/** Bounds of the event stream (README, Limits). */
export interface EventStreamLimits {
  /** Stream clients at once; further ones get 503. */
  maxClients: number;
  /** A client with more unsent bytes than this is too slow: it is dropped, the broker never waits for it. */
  maxBufferedBytes: number;
}

/** Comment lines keep proxies and idle timeouts from closing a quiet stream. */
const KEEPALIVE_MS = 15_000;

/**
 * `GET /events`: accepted events as Server-Sent Events, filtered by the query (`service`,
 * `event`, `correlationId`). Fed after `IO_PUBLISHED`, like the `event` listeners of the broker.
 */
export class EventStream {
  private readonly subscribers = new Set<Subscriber>();
  private timer?: NodeJS.Timeout;
  /** Clients dropped for reading too slowly. */
  dropped = 0;
  /** Clients refused because maxClients were connected. */
  refused = 0;

  constructor(
    private readonly limits: EventStreamLimits,
    /** Period of the keep-alive comments (an option so that a test need not wait 15 s for one). */
    private readonly keepAliveMs = KEEPALIVE_MS,
  ) {}

  get size(): number {
    return this.subscribers.size;
  }

  /** Answers a `GET /events` request: opens the stream, or 503 when full. */
  open(req: IncomingMessage, res: ServerResponse): void {
    const query = new URL(req.url ?? '/', 'http://x').searchParams;
    if (this.subscribers.size >= this.limits.maxClients) {
      this.refused++;
      res.setHeader('retry-after', '1');
      sendJson(res, 503, { error: `${this.subscribers.size} event stream clients already connected (maxEventStreams)` });
      return;
    }
    const filter = (k: string): string | undefined => query.get(k) ?? undefined;
    const sub: Subscriber = { res };
    const service = filter('service');
    const eventId = filter('event');
    const correlationId = filter('correlationId');
    if (service !== undefined) sub.service = service;
    if (eventId !== undefined) sub.eventId = eventId;
    if (correlationId !== undefined) sub.correlationId = correlationId;
    this.subscribers.add(sub);
    res.once('close', () => this.subscribers.delete(sub));
    res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-store', connection: 'keep-alive', 'x-accel-buffering': 'no' });
    // the first bytes tell the client that it is subscribed: what is published from now on reaches it
    res.write(': subscribed\n\n');
    if (!this.timer) {
      this.timer = setInterval(() => this.keepAlive(), this.keepAliveMs);
      this.timer.unref();
    }
  }

  /** Sends an accepted event to every matching client. */
  publish(e: EventMessage): void {
    if (this.subscribers.size === 0) return;
    let frame: string | undefined;
    for (const sub of this.subscribers) {
      if (sub.service !== undefined && sub.service !== e.uuid) continue;
      if (sub.eventId !== undefined && sub.eventId !== e.eventId) continue;
      if (sub.correlationId !== undefined && sub.correlationId !== e.correlationId) continue;
      frame ??= `event: event\ndata: ${JSON.stringify(toStreamed(e))}\n\n`;
      this.write(sub, frame);
    }
  }

  /** Ends every stream (the broker is closing). */
  close(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    for (const sub of this.subscribers) sub.res.end();
    this.subscribers.clear();
  }

  private write(sub: Subscriber, frame: string): void {
    if (sub.res.writableLength + frame.length > this.limits.maxBufferedBytes) {
      this.dropped++;
      this.subscribers.delete(sub);
      // what is buffered is discarded with the socket: the client sees the stream end
      sub.res.destroy();
      return;
    }
    sub.res.write(frame);
  }

  private keepAlive(): void {
    for (const sub of this.subscribers) this.write(sub, ': keep-alive\n\n');
    if (this.subscribers.size === 0 && this.timer) {
      clearInterval(this.timer);
      this.timer = undefined;
    }
  }
}

function toStreamed(e: EventMessage): StreamedEvent {
  return {
    service: e.uuid,
    eventId: e.eventId,
    ...(e.correlationId !== undefined ? { correlationId: e.correlationId } : {}),
    priority: e.priority,
    postDate: e.postDate,
    ...(e.dataObject !== undefined ? { payload: e.dataObject } : {}),
  };
}
