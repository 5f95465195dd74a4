/*
 * Delivery of the events `emit()` accepted. The rules of delivery are stated once, on the class
 * below; the parts it drives each own one piece: the outbox (where each event is), the ack tracker
 * (what an answer can be matched to), the waiters (who waits for what), the drop log and a
 * gateway's per-service counts.
 */
import { MsbClosedError, MsbDroppedError, MsbPublishError, MsbTimeoutError } from '../errors';
import type { MsbError, MsbOutboxError } from '../errors';
import type { StatusCode } from '../protocol';
import { Deque } from '../util/deque';
import { AckTracker } from './acknowledgements';
import { DeliveryWaiters } from './delivery-waiters';
import { DropLog } from './drop-log';
import { Outbox } from './outbox';
import type { OutboxCounters, OutboxLimits, OutgoingEvent } from './outbox';
import type { LoggedEvent, OutboxLog } from './outbox-log';
import type { Logger } from './logger';
import { PerServiceCounts } from './service-counters';
import type { ServiceCounters } from './service-counters';

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

/**
 * Delivery of accepted events. The app tells it what happens on the connection (`opened`,
 * `registered`, `lost`, statuses); it decides what to send and when an `emit()` resolves.
 * The README's "Delivery guarantees" says the same in words. The invariants:
 *
 * 1. **Every accepted event finishes exactly once**: acknowledged (`IO_PUBLISHED`, or written to the
 *    open socket when the MSB does not acknowledge), refused (`NIO_*EVENT_FORWARDING_ERROR`, or a
 *    1009 close twice with it oldest in flight), or dropped (offline cache full, gateway sub-service
 *    removed); or it is left at `close()` (with a durable log: on disk, for the next start).
 * 2. **Order**: events are sent in `emit()` order; after a loss, the events in flight go first (the
 *    resend list), then the never-sent ones. The MSB answers each `E` in order, so an answer is
 *    about the oldest event in flight; answers due for events already put back are skipped.
 * 3. **Two bounds, never mixed**: while registered, the in-flight window and the socket's high-water
 *    mark make `emit()` wait and nothing is dropped; while not registered, never-sent events wait in
 *    the offline cache, whose bound drops the oldest of them (counted, reported, summarised in the
 *    log). An event handed to a socket once is never dropped.
 * 4. **When `emit()` resolves**: while registered, once its event reached the socket; while not, once
 *    cached; with `acknowledged`, at its outcome (rejecting on refusal or drop); with a durable log,
 *    never before the event is on disk, and an event whose write failed is never sent.
 * 5. **Acknowledgement mode per connection**: an MSB that sends no `IO_PUBLISHED` within
 *    `ackTimeoutMs` is taken not to acknowledge; the mode never changes within a connection.
 */
export class Publisher {
  private readonly outbox: Outbox;
  private readonly log?: OutboxLog;
  private readonly acks: AckTracker;
  private readonly waiters = new DeliveryWaiters();
  private readonly drops: DropLog;
  private isRegistered = false;
  private closed = false;
  private nextSeq = 1;
  private highestTakenSeq = 0;
  /** Sequence numbers accepted whose durable write has not completed, in order. */
  private readonly writing = new Deque<number>();
  private unwrittenBytes = 0;
  /** Counts sockets: a write callback of an earlier one says nothing about the current one. */
  private generation = 0;
  private tooBigSuspect?: number;
  /** Per-service counts, kept only for a gateway connection. */
  private perService?: PerServiceCounts;

  constructor(
    private readonly host: PublisherHost,
    private readonly options: PublisherOptions,
  ) {
    const restored = options.durable?.events ?? [];
    this.outbox = new Outbox(options.limits, restored);
    for (const e of restored) this.nextSeq = Math.max(this.nextSeq, e.seq + 1);
    this.acks = new AckTracker({
      inFlight: () => this.outbox.inFlightCount,
      isOpen: () => host.isOpen(),
      takeAsDelivered: (n) => {
        this.takeAsDelivered(n);
        this.pump();
      },
      logger: host.logger,
    }, options.ackTimeoutMs);
    this.drops = new DropLog(options.limits, host.logger, () => this.outbox.counters().dropped);
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
    this.perService ??= new PerServiceCounts();
  }

  /** The counters of one service (needs {@link countPerService}). */
  serviceCounters(uuid: string): ServiceCounters {
    return (this.perService ?? new PerServiceCounts()).of(uuid, this.outbox);
  }

  counters(): OutboxCounters {
    const c = this.outbox.counters();
    return { ...c, queued: c.queued + this.writing.length, unexpectedAcks: this.acks.unexpected };
  }

  /**
   * Accepts an encoded event. Resolves by default once the event is handed to the socket
   * (while registered) or cached (while not); with `acknowledged`, once the MSB acknowledged it.
   */
  accept(eventId: string, correlationId: string | undefined, message: string, acknowledged: boolean): Promise<void> {
    // One shape for every event (correlationId present, maybe undefined): the hot path stays monomorphic.
    const event: OutgoingEvent = { seq: this.nextSeq++, eventId, correlationId, message };
    this.outbox.countAccepted();
    if (this.perService) this.perService.count(event, 'accepted');
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
          if (this.waiters.flushing) this.waiters.finishedBelow(this.lowestPendingSeq());
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
    this.waiters.sentUpTo(Infinity);
    this.trimOffline();
  }

  /** A new socket is open. */
  opened(): void {
    this.generation++;
    this.unwrittenBytes = 0;
    this.acks.opened();
  }

  /** The socket closed: events in flight go back to be sent first, waiting emits count as cached. */
  lost(code: number): void {
    this.acks.stop();
    this.isRegistered = false;
    this.generation++;
    this.unwrittenBytes = 0;
    this.refuseTooBigAfterRepeatedClose(code);
    const back = this.outbox.requeueInFlight();
    if (back > 0) this.host.logger.debug(`${back} events sent but not acknowledged will be sent again after reconnecting`);
    this.waiters.sentUpTo(Infinity);
    this.trimOffline();
  }

  /** `IO_PUBLISHED`: the oldest event in flight is delivered. */
  published(): void {
    if (this.acks.stale() || !this.acks.published()) return;
    const event = this.outbox.acknowledge();
    if (!event) {
      this.acks.unexpectedAck('with no event in flight');
      return;
    }
    if (this.perService) this.perService.count(event, 'acknowledged');
    this.finished(event);
    this.waiters.settle(event.seq);
    this.pump();
  }

  /** `NIO_*EVENT_FORWARDING_ERROR`: the oldest event in flight is refused; not retried. */
  refused(status: StatusCode): void {
    if (this.acks.stale()) return;
    const event = this.outbox.refuse();
    if (event && this.perService) this.perService.count(event, 'refused');
    const error = new MsbPublishError(status, event?.eventId ?? '(unknown)', event?.correlationId);
    if (event) {
      this.finished(event);
      this.waiters.settle(event.seq, error);
    }
    this.host.report(error);
    this.pump();
  }

  /**
   * `NIO_UNAUTHORIZED_CONNECTION`: the MSB does not count this connection as registered, and
   * refused every event in flight with it. They are sent again after registering anew.
   */
  unauthorized(): void {
    if (this.acks.stale()) return;
    this.acks.putBack(this.outbox.requeueInFlight());
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
      this.drop(d, new MsbClosedError(`Event ${d.eventId} #${d.seq} was not sent: its service was removed from the gateway`));
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
    return this.waiters.untilFinished(upTo, timeoutMs, () => new MsbTimeoutError(
      `flush(): ${this.pending} events were still not acknowledged after ${timeoutMs} ms (${this.outbox.inFlightCount} in flight, state: ${this.isRegistered ? 'registered' : 'not registered'})`,
    ));
  }

  /**
   * Stops for good: emits waiting for acknowledgements or flushes are rejected, events not yet
   * finished are removed and returned (with a durable log they stay on disk for the next start).
   */
  async close(): Promise<OutgoingEvent[]> {
    this.closed = true;
    this.acks.stop();
    this.drops.close();
    const why = this.log ? 'the app closed before the MSB acknowledged it; it stays in the durable outbox' : 'the app closed before the MSB acknowledged it';
    this.waiters.close(
      (seq) => new MsbClosedError(`Event #${seq}: ${why}`),
      () => new MsbClosedError(`flush(): the app closed with ${this.pending} events not acknowledged`),
    );
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
    if (acknowledged) return this.waiters.untilAcknowledged(event.seq);
    // Backpressure: while registered, resolve once the event reached the socket; offline, it is cached now.
    if (this.isRegistered && event.seq > this.highestTakenSeq && this.host.isOpen()) return this.waiters.untilSent(event.seq);
    return Promise.resolve();
  }

  /** Sends waiting events, oldest first, while registered, the window has room and the socket keeps up. */
  private pump(): void {
    if (!this.isRegistered || this.closed) return;
    const generation = this.generation;
    while (
      this.outbox.waiting > 0 &&
      this.unwrittenBytes < this.options.highWaterMark &&
      (this.acks.noAckMode || this.outbox.windowOpen) &&
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
        if (!err && this.acks.noAckMode) this.takeAsDelivered(1);
        if (this.unwrittenBytes < this.options.highWaterMark / 2) this.pump();
      });
      this.waiters.sentUpTo(next.seq);
      this.acks.sent();
    }
  }

  /** No-acknowledgement mode: the oldest `n` events in flight are delivered. */
  private takeAsDelivered(n: number): void {
    for (let i = 0; i < n; i++) {
      const event = this.outbox.acknowledge();
      if (!event) return;
      if (this.perService) this.perService.count(event, 'acknowledged');
      this.finished(event);
      this.waiters.settle(event.seq);
    }
  }

  private trimOffline(): void {
    for (const d of this.outbox.trimOffline()) {
      this.drop(d, new MsbDroppedError(d.eventId, d.correlationId, d.seq));
      this.drops.note();
    }
  }

  /** A dropped event: counted, finished, its waiter rejected with `error`, reported to the app. */
  private drop(d: OutgoingEvent, error: MsbError): void {
    if (this.perService) this.perService.count(d, 'dropped');
    this.finished(d);
    this.waiters.settle(d.seq, error);
    this.host.dropped({ eventId: d.eventId, ...(d.correlationId !== undefined ? { correlationId: d.correlationId } : {}), seq: d.seq });
  }

  private finished(event: OutgoingEvent): void {
    this.log?.finish(event.seq);
    if (this.waiters.flushing) this.waiters.finishedBelow(this.lowestPendingSeq());
  }

  private lowestPendingSeq(): number {
    const writing = this.writing.peek();
    return Math.min(this.outbox.lowestPendingSeq(), writing ?? Infinity);
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
    if (this.perService) this.perService.count(head, 'refused');
    const error = new MsbPublishError('CLOSED_1009_MESSAGE_TOO_BIG', head.eventId, head.correlationId);
    this.finished(head);
    this.waiters.settle(head.seq, error);
    this.host.report(error);
  }
}
