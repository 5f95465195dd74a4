import { MsbClosedError, MsbDroppedError, MsbPublishError, MsbTimeoutError } from '../errors';
import type { MsbError, MsbOutboxError } from '../errors';
import type { StatusCode } from '../protocol';
import { Deque } from '../util/deque';
import { Outbox } from './outbox';
import type { OutboxCounters, OutboxLimits, OutgoingEvent } from './outbox';
import type { LoggedEvent, OutboxLog } from './outbox-log';
import type { Logger } from './logger';

/** What the publisher needs from the app that owns it. */
export interface PublisherHost {
  /** Frames and sends one message; false when the socket is not open. `onWritten` runs once it left for the network. */
  send(message: string, onWritten: (err?: Error) => void): boolean;
  /** Whether the socket is open. */
  isOpen(): boolean;
  logger: Logger;
  /** A failure that no caller waits for. */
  report(error: MsbError): void;
  /** An event was dropped from the offline cache. */
  dropped(info: DroppedEventInfo): void;
}

/** An event dropped from the full offline cache. */
export interface DroppedEventInfo {
  eventId: string;
  correlationId?: string;
  /** The event's sequence number in this process (1, 2, …, in `emit()` order). */
  seq: number;
}

export interface PublisherOptions {
  limits: OutboxLimits;
  /** Bytes handed to the socket but not yet written out, above which sending pauses. */
  highWaterMark: number;
  /** No `IO_PUBLISHED` at all on a connection for this long: the MSB does not acknowledge. */
  ackTimeoutMs: number;
  durable?: { log: OutboxLog; events: LoggedEvent[] };
}

interface AckWaiter {
  resolve(): void;
  reject(error: MsbError): void;
}

interface FlushWaiter {
  /** Resolves once every event up to this sequence number is finished. */
  upTo: number;
  resolve(): void;
  reject(error: MsbError): void;
  timer?: NodeJS.Timeout;
}

const DROP_LOG_INTERVAL_MS = 1000;

/** The delivery counters of one service of a gateway connection. */
export type ServiceCounters = Pick<OutboxCounters, 'accepted' | 'acknowledged' | 'refused' | 'dropped' | 'queued' | 'inFlight'>;

type Tally = Pick<ServiceCounters, 'accepted' | 'acknowledged' | 'refused' | 'dropped'>;

/** `E {"uuid":"…` : the uuid of an encoded event (uuids need no JSON escaping). */
function uuidOf(message: string): string {
  return message.slice(11, message.indexOf('"', 11));
}

/**
 * Delivery of accepted events: the outbox, the in-flight window, acknowledgements, backpressure,
 * the durable log and the reporting of drops. The app tells it what happens on the connection
 * (`opened`, `registered`, `lost`, statuses); it decides what to send and when an `emit()` resolves.
 *
 * Two bounds, never mixed: while registered, the in-flight window and the socket's high-water
 * mark make `emit()` wait and nothing is dropped; while not registered, never-sent events wait in
 * the offline cache, whose bound drops the oldest of them (counted, reported, summarised in the log).
 */
export class Publisher {
  private readonly outbox: Outbox;
  private readonly log?: OutboxLog;
  private isRegistered = false;
  private closed = false;
  private nextSeq = 1;
  private highestTakenSeq = 0;
  /** Sequence numbers accepted whose durable write has not completed, in order. */
  private readonly writing = new Deque<number>();
  /** emit() calls waiting for their event to reach the socket (backpressure), oldest first. */
  private readonly sendWaiters = new Deque<{ seq: number; resolve: () => void }>();
  private readonly ackWaiters = new Map<number, AckWaiter>();
  private flushWaiters: FlushWaiter[] = [];
  private unwrittenBytes = 0;
  private generation = 0;
  private noAckMode = false;
  private ackSeenOnConnection = false;
  private ackTimer?: NodeJS.Timeout;
  /** Answers still due on this socket for events already put back in the queue. */
  private staleAnswers = 0;
  private tooBigSuspect?: number;
  private unexpectedAcks = 0;
  private readonly drops = { sinceLog: 0, lastLogAt: 0, timer: undefined as NodeJS.Timeout | undefined };
  /** Per-service counts, kept only for a gateway connection. */
  private perService?: Map<string, Tally>;

  constructor(
    private readonly host: PublisherHost,
    private readonly options: PublisherOptions,
  ) {
    const restored = options.durable?.events ?? [];
    this.outbox = new Outbox(options.limits, restored);
    for (const e of restored) this.nextSeq = Math.max(this.nextSeq, e.seq + 1);
    this.log = options.durable?.log;
    this.log?.setLiveEvents(() => this.outbox.live());
    this.log?.setErrorHandler((e) => host.report(e));
  }

  /** Whether events survive close() and restarts. */
  get durable(): boolean {
    return this.log !== undefined;
  }

  /** Events accepted and not finished (waiting, being written to disk or in flight). */
  get pending(): number {
    return this.outbox.pending + this.writing.length;
  }

  /** Keeps counters per service from now on (a gateway: several services share this outbox). */
  countPerService(): void {
    this.perService ??= new Map();
  }

  /** The counters of one service (needs {@link countPerService}); waiting and in-flight counts are found by a scan. */
  serviceCounters(uuid: string): ServiceCounters {
    const t = this.perService?.get(uuid) ?? { accepted: 0, acknowledged: 0, refused: 0, dropped: 0 };
    let queued = 0;
    let inFlight = 0;
    const live = this.outbox.live();
    const sent = new Set(this.outbox.inFlightEvents());
    for (const e of live) {
      if (uuidOf(e.message) !== uuid) continue;
      if (sent.has(e)) inFlight++;
      else queued++;
    }
    return { ...t, queued, inFlight };
  }

  private tally(event: OutgoingEvent, field: keyof Tally): void {
    const uuid = uuidOf(event.message);
    let t = this.perService!.get(uuid);
    if (!t) this.perService!.set(uuid, (t = { accepted: 0, acknowledged: 0, refused: 0, dropped: 0 }));
    t[field]++;
  }

  counters(): OutboxCounters {
    const c = this.outbox.counters();
    return { ...c, queued: c.queued + this.writing.length, unexpectedAcks: this.unexpectedAcks };
  }

  /**
   * Accepts an encoded event. Resolves by default once the event is handed to the socket
   * (while registered) or cached (while not); with `acknowledged`, once the MSB acknowledged it.
   */
  accept(eventId: string, correlationId: string | undefined, message: string, acknowledged: boolean): Promise<void> {
    // One shape for every event (correlationId present, maybe undefined): the hot path stays monomorphic.
    const event: OutgoingEvent = { seq: this.nextSeq++, eventId, correlationId, message };
    this.outbox.countAccepted();
    if (this.perService) this.tally(event, 'accepted');
    if (!this.log) {
      this.enqueue(event);
      return this.settlement(event, acknowledged);
    }
    this.writing.push(event.seq);
    return new Promise<void>((resolve, reject) => {
      this.log!.append(event, (error?: MsbOutboxError) => {
        this.writing.shift();
        if (error) {
          // Never sent: an event the caller was told failed must not reach the MSB.
          this.settleFlushWaiters();
          reject(error);
          return;
        }
        if (this.closed) return resolve(); // on disk: the next start sends it
        this.enqueue(event);
        this.settlement(event, acknowledged).then(resolve, reject);
      });
    });
  }

  /** The MSB accepted the registration: send what waits. */
  registered(): void {
    this.isRegistered = true;
    this.pump();
  }

  /** The service is no longer registered on the open socket (a refusal): hold events, count them as cached. */
  unregistered(): void {
    this.isRegistered = false;
    this.releaseSendWaiters(Infinity);
    this.trimOffline();
  }

  /**
   * A new socket is open. An MSB found not to acknowledge is taken to behave the same on the
   * new connection (no second wait of `ackTimeoutMs`), unless it did send an `IO_PUBLISHED`
   * after all: then acknowledgements are expected again. The mode never changes within a
   * connection, where a late answer could not be matched to its event.
   */
  opened(): void {
    this.generation++;
    this.unwrittenBytes = 0;
    if (this.noAckMode && this.ackSeenOnConnection) this.noAckMode = false;
    this.ackSeenOnConnection = false;
    this.staleAnswers = 0;
  }

  /** The socket closed: events in flight go back to be sent first, waiting emits count as cached. */
  lost(code: number): void {
    clearTimeout(this.ackTimer);
    this.ackTimer = undefined;
    this.isRegistered = false;
    this.generation++;
    this.unwrittenBytes = 0;
    this.refuseTooBigAfterRepeatedClose(code);
    const back = this.outbox.requeueInFlight();
    if (back > 0) this.host.logger.debug(`${back} events sent but not acknowledged will be sent again after reconnecting`);
    this.releaseSendWaiters(Infinity);
    this.trimOffline();
  }

  /** `IO_PUBLISHED`: the oldest event in flight is delivered. */
  published(): void {
    if (this.consumeStale()) return;
    this.ackSeenOnConnection = true;
    if (this.noAckMode) {
      // Events written in this mode already counted as delivered; a late answer cannot be matched to one.
      this.noteUnexpectedAck('while acknowledgements were taken as missing on this connection');
      return;
    }
    const event = this.outbox.acknowledge();
    if (!event) {
      this.noteUnexpectedAck('with no event in flight');
      return;
    }
    if (this.perService) this.tally(event, 'acknowledged');
    this.finished(event);
    this.settleAck(event.seq);
    this.pump();
  }

  /** `NIO_*EVENT_FORWARDING_ERROR`: the oldest event in flight is refused; not retried. */
  refused(status: StatusCode): void {
    if (this.consumeStale()) return;
    const event = this.outbox.refuse();
    if (event && this.perService) this.tally(event, 'refused');
    const error = new MsbPublishError(status, event?.eventId ?? '(unknown)', event?.correlationId);
    if (event) {
      this.finished(event);
      this.settleAck(event.seq, error);
    }
    this.host.report(error);
    this.pump();
  }

  /**
   * `NIO_UNAUTHORIZED_CONNECTION`: the MSB does not count this connection as registered, and
   * refused every event in flight with it. They are sent again after registering anew.
   */
  unauthorized(): void {
    if (this.consumeStale()) return;
    const n = this.outbox.requeueInFlight();
    this.staleAnswers = Math.max(0, n - 1);
    this.unregistered();
  }

  /**
   * Drops the waiting events of services the MSB no longer lists (gateway sub-services removed):
   * sent after a registration without them, they would be refused as unauthorized over and over.
   * Each is reported as dropped; an `emit(…, { acknowledged: true })` waiting for one rejects.
   */
  discardServices(uuids: ReadonlySet<string>): void {
    if (uuids.size === 0) return;
    const prefixes = [...uuids].map((u) => `E {"uuid":${JSON.stringify(u)},`);
    const gone = this.outbox.discardWaiting((e) => prefixes.some((p) => e.message.startsWith(p)));
    for (const d of gone) {
      if (this.perService) this.tally(d, 'dropped');
      this.finished(d);
      this.settleAck(d.seq, new MsbClosedError(`Event ${d.eventId} #${d.seq} was not sent: its service was removed from the gateway`));
      this.host.dropped({ eventId: d.eventId, ...(d.correlationId !== undefined ? { correlationId: d.correlationId } : {}), seq: d.seq });
    }
    if (gone.length > 0) this.host.logger.warn(`Dropped ${gone.length} event${gone.length === 1 ? '' : 's'} not yet sent for gateway sub-services that were removed`);
  }

  /**
   * Resolves once every event accepted so far is finished: acknowledged by the MSB (or written,
   * when it does not acknowledge), refused, or dropped. Refusals and drops are reported as they
   * happen. Rejects with {@link MsbTimeoutError} after `timeoutMs`, or {@link MsbClosedError} on close.
   */
  flush(timeoutMs?: number): Promise<void> {
    if (this.closed) return Promise.reject(new MsbClosedError('The app is closed'));
    const upTo = this.nextSeq - 1;
    if (this.lowestPendingSeq() > upTo) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      const waiter: FlushWaiter = { upTo, resolve, reject };
      if (timeoutMs !== undefined) {
        waiter.timer = setTimeout(() => {
          this.flushWaiters = this.flushWaiters.filter((w) => w !== waiter);
          reject(new MsbTimeoutError(`flush(): ${this.pending} events were still not acknowledged after ${timeoutMs} ms (${this.outbox.inFlightCount} in flight, state: ${this.isRegistered ? 'registered' : 'not registered'})`));
        }, timeoutMs);
      }
      this.flushWaiters.push(waiter);
    });
  }

  /**
   * Stops for good: emits waiting for acknowledgements or flushes are rejected, events not yet
   * finished are removed and returned (with a durable log they stay on disk for the next start).
   */
  async close(): Promise<OutgoingEvent[]> {
    this.closed = true;
    clearTimeout(this.ackTimer);
    this.logDropSummary();
    clearTimeout(this.drops.timer);
    this.releaseSendWaiters(Infinity);
    const why = this.log ? 'the app closed before the MSB acknowledged it; it stays in the durable outbox' : 'the app closed before the MSB acknowledged it';
    for (const [seq, w] of this.ackWaiters) w.reject(new MsbClosedError(`Event #${seq}: ${why}`));
    this.ackWaiters.clear();
    for (const w of this.flushWaiters) {
      clearTimeout(w.timer);
      w.reject(new MsbClosedError(`flush(): the app closed with ${this.pending} events not acknowledged`));
    }
    this.flushWaiters = [];
    const left = this.outbox.drain();
    await this.log?.close();
    return left;
  }

  // ---- internals --------------------------------------------------------------------------

  private enqueue(event: OutgoingEvent): void {
    this.outbox.add(event);
    if (this.isRegistered) this.pump();
    else this.trimOffline();
  }

  /** When the emit() of `event` resolves. */
  private settlement(event: OutgoingEvent, acknowledged: boolean): Promise<void> {
    if (acknowledged) {
      return new Promise<void>((resolve, reject) => this.ackWaiters.set(event.seq, { resolve, reject }));
    }
    // Backpressure: while registered, resolve once the event reached the socket; offline, it is cached now.
    if (this.isRegistered && event.seq > this.highestTakenSeq && this.host.isOpen()) {
      return new Promise<void>((resolve) => this.sendWaiters.push({ seq: event.seq, resolve }));
    }
    return Promise.resolve();
  }

  /** Sends waiting events, oldest first, while registered, the window has room and the socket keeps up. */
  private pump(): void {
    if (!this.isRegistered || this.closed) return;
    const generation = this.generation;
    while (
      this.outbox.waiting > 0 &&
      this.unwrittenBytes < this.options.highWaterMark &&
      (this.noAckMode || this.outbox.windowOpen) &&
      this.host.isOpen()
    ) {
      const next = this.outbox.take()!;
      const size = next.message.length;
      this.unwrittenBytes += size;
      if (next.seq > this.highestTakenSeq) this.highestTakenSeq = next.seq;
      this.host.send(next.message, (err) => {
        // Callbacks of a socket that has since closed say nothing about the current one.
        if (generation !== this.generation) return;
        this.unwrittenBytes -= size;
        if (!err && this.noAckMode) this.takeAsDelivered(1);
        if (this.unwrittenBytes < this.options.highWaterMark / 2) this.pump();
      });
      this.releaseSendWaiters(next.seq);
      if (!this.noAckMode && !this.ackSeenOnConnection && !this.ackTimer) this.startAckTimer();
    }
  }

  private startAckTimer(): void {
    this.ackTimer = setTimeout(() => {
      this.ackTimer = undefined;
      if (this.ackSeenOnConnection || this.outbox.inFlightCount === 0 || !this.host.isOpen()) return;
      this.noAckMode = true;
      const n = this.outbox.inFlightCount;
      this.host.logger.warn(`The MSB sent no IO_PUBLISHED within ${this.options.ackTimeoutMs} ms; on this connection an event counts as delivered once written to the open socket (${n} taken as delivered)`);
      this.takeAsDelivered(n);
      this.pump();
    }, this.options.ackTimeoutMs);
  }

  /** No-acknowledgement mode: the oldest `n` events in flight are delivered. */
  private takeAsDelivered(n: number): void {
    for (let i = 0; i < n; i++) {
      const event = this.outbox.acknowledge();
      if (!event) return;
      if (this.perService) this.tally(event, 'acknowledged');
      this.finished(event);
      this.settleAck(event.seq);
    }
  }

  private trimOffline(): void {
    for (const d of this.outbox.trimOffline()) {
      if (this.perService) this.tally(d, 'dropped');
      this.finished(d);
      this.settleAck(d.seq, new MsbDroppedError(d.eventId, d.correlationId, d.seq));
      this.host.dropped({ eventId: d.eventId, ...(d.correlationId !== undefined ? { correlationId: d.correlationId } : {}), seq: d.seq });
      this.noteDrop();
    }
  }

  /** Drops are logged as a summary at most once a second, never one line per event. */
  private noteDrop(): void {
    this.drops.sinceLog++;
    if (this.drops.timer) return;
    const wait = this.drops.lastLogAt + DROP_LOG_INTERVAL_MS - Date.now();
    if (wait <= 0) {
      this.logDropSummary();
      return;
    }
    this.drops.timer = setTimeout(() => {
      this.drops.timer = undefined;
      this.logDropSummary();
    }, wait);
    this.drops.timer.unref();
  }

  private logDropSummary(): void {
    if (this.drops.sinceLog === 0) return;
    const { maxQueued, maxQueuedBytes } = this.options.limits;
    const bound = `${Number.isFinite(maxQueued) ? `${maxQueued} events / ` : ''}${maxQueuedBytes} bytes`;
    const total = this.outbox.counters().dropped;
    const n = this.drops.sinceLog;
    this.host.logger.warn(`Offline event cache full (${bound}): dropped ${n.toLocaleString('en')} event${n === 1 ? '' : 's'} in the last second; ${total.toLocaleString('en')} so far (oldest first)`);
    this.drops.sinceLog = 0;
    this.drops.lastLogAt = Date.now();
  }

  private finished(event: OutgoingEvent): void {
    this.log?.finish(event.seq);
    if (this.flushWaiters.length > 0) this.settleFlushWaiters();
  }

  private settleAck(seq: number, error?: MsbError): void {
    if (this.ackWaiters.size === 0) return;
    const waiter = this.ackWaiters.get(seq);
    if (!waiter) return;
    this.ackWaiters.delete(seq);
    if (error) waiter.reject(error);
    else waiter.resolve();
  }

  private lowestPendingSeq(): number {
    const writing = this.writing.peek();
    return Math.min(this.outbox.lowestPendingSeq(), writing ?? Infinity);
  }

  private settleFlushWaiters(): void {
    if (this.flushWaiters.length === 0) return;
    const low = this.lowestPendingSeq();
    const still: FlushWaiter[] = [];
    for (const w of this.flushWaiters) {
      if (w.upTo < low) {
        clearTimeout(w.timer);
        w.resolve();
      } else still.push(w);
    }
    this.flushWaiters = still;
  }

  /** Resolves the emit() calls waiting for events up to `seq` (FIFO). */
  private releaseSendWaiters(seq: number): void {
    for (let w = this.sendWaiters.peek(); w && w.seq <= seq; w = this.sendWaiters.peek()) {
      this.sendWaiters.shift();
      w.resolve();
    }
  }

  private noteUnexpectedAck(when: string): void {
    if (this.unexpectedAcks++ > 0) return;
    this.host.logger.warn(`Ignoring an IO_PUBLISHED ${when}; such answers are counted (counters().unexpectedAcks) and not logged again`);
  }

  /** Answers to events that were already put back in the queue are ignored. */
  private consumeStale(): boolean {
    if (this.staleAnswers === 0) return false;
    this.staleAnswers--;
    return true;
  }

  /**
   * A server that closes with 1009 (message too big) twice while the same event is the oldest
   * in flight will refuse it forever: report it and drop it rather than resend it on every
   * reconnect. (emit() already refuses events over maxEventBytes; this covers a server whose
   * limit is lower.)
   */
  private refuseTooBigAfterRepeatedClose(code: number): void {
    const head = this.outbox.peekInFlight();
    if (code !== 1009 || !head) {
      this.tooBigSuspect = undefined;
      return;
    }
    if (this.tooBigSuspect !== head.seq) {
      this.tooBigSuspect = head.seq;
      return;
    }
    this.tooBigSuspect = undefined;
    this.outbox.refuse();
    if (this.perService) this.tally(head, 'refused');
    const error = new MsbPublishError('CLOSED_1009_MESSAGE_TOO_BIG', head.eventId, head.correlationId);
    this.finished(head);
    this.settleAck(head.seq, error);
    this.host.report(error);
  }
}
