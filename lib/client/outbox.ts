import { Deque } from '../util/deque';
import type { LoggedEvent } from './outbox-log';

/** One accepted event, encoded once at emit time (its postDate is fixed then). */
export interface OutgoingEvent extends LoggedEvent {
  readonly seq: number;
  readonly eventId: string;
  readonly correlationId?: string;
  /** The `E …` message, unframed. */
  readonly message: string;
}

/** Delivery counters, for monitoring. */
export interface OutboxCounters {
  /** Accepted by emit() since start. */
  accepted: number;
  /** Waiting to be sent: never sent yet, or sent before a connection loss and not acknowledged. */
  queued: number;
  /** Sent, not yet acknowledged by the MSB. */
  inFlight: number;
  /** Acknowledged by the MSB (`IO_PUBLISHED`), or written to the socket when the MSB does not acknowledge. */
  acknowledged: number;
  /** Refused by the MSB (`NIO_*EVENT_FORWARDING_ERROR`). */
  refused: number;
  /** Dropped because the offline cache was full (oldest never-sent event first), or not sent for a gateway sub-service that was removed. */
  dropped: number;
  /** Sent again after a connection loss, because no acknowledgement had arrived. */
  resent: number;
  /** Restored from the durable outbox at start. */
  restored: number;
  /** `IO_PUBLISHED` answers that matched no event in flight (ignored). */
  unexpectedAcks: number;
}

/**
 * What one held event costs beyond its encoded text (the event record, its queue slot, the
 * string's header and the pieces of a concatenated string), measured on Node 20: byte bounds
 * count it, so that they approximate the heap the events really take.
 */
export const EVENT_OVERHEAD_BYTES = 256;

const costOf = (event: OutgoingEvent): number => event.message.length + EVENT_OVERHEAD_BYTES;

/** The two bounds of the outbox, never mixed. */
export interface OutboxLimits {
  /** Most never-sent events held while the service is not registered (the offline cache). */
  maxQueued: number;
  /** Most bytes of never-sent events held while the service is not registered (each counted as its length + {@link EVENT_OVERHEAD_BYTES}). */
  maxQueuedBytes: number;
  /** Most events sent and not yet acknowledged (the in-flight window). */
  maxInFlight: number;
  /** Most bytes of events sent and not yet acknowledged. */
  maxInFlightBytes: number;
}

/**
 * The event outbox, in three FIFO parts, each in sequence order:
 *
 * - `inFlight`: handed to the socket, waiting for the MSB's answer. The MSB answers each `E`
 *   with one status, in order, so the oldest one is always the one an answer is about.
 *   Bounded by the in-flight window; when it is full the caller waits (backpressure).
 * - `resend`: events that were in flight when a connection was lost. Sent first after the next
 *   registration (at-least-once) and never dropped: an event handed to a socket once is
 *   delivered or reported, not evicted.
 * - `queue`: accepted events never sent. Only this part is subject to the offline cache
 *   bound, and only while the service is not registered ({@link trimOffline}).
 *
 * It holds no timers and does no I/O; the publisher drives it.
 */
export class Outbox {
  private readonly queue = new Deque<OutgoingEvent>();
  private readonly resend = new Deque<OutgoingEvent>();
  private readonly inFlight = new Deque<OutgoingEvent>();
  private readonly counts = { accepted: 0, acknowledged: 0, refused: 0, dropped: 0, resent: 0, restored: 0 };
  private queuedBytes = 0;
  private inFlightBytes = 0;

  constructor(
    private readonly limits: OutboxLimits,
    restored: readonly LoggedEvent[] = [],
  ) {
    // Restored events may have been sent by the previous process: they are sent first and never dropped.
    for (const e of restored) this.resend.push(e);
    this.counts.restored = restored.length;
  }

  /** Events waiting to be sent (never sent, or to be sent again). */
  get waiting(): number {
    return this.queue.length + this.resend.length;
  }

  get inFlightCount(): number {
    return this.inFlight.length;
  }

  /** Every event not finished (waiting or in flight). */
  get pending(): number {
    return this.waiting + this.inFlight.length;
  }

  /** The oldest event in flight, if any. */
  peekInFlight(): OutgoingEvent | undefined {
    return this.inFlight.peek();
  }

  /** The lowest sequence number not yet finished, or Infinity when everything is. */
  lowestPendingSeq(): number {
    let low = Infinity;
    for (const d of [this.inFlight, this.resend, this.queue]) {
      const head = d.peek();
      if (head && head.seq < low) low = head.seq;
    }
    return low;
  }

  /** Counts an event as accepted (before its durable write, if any). */
  countAccepted(): void {
    this.counts.accepted++;
  }

  /** Adds an accepted event at the end of the queue. Never drops anything. */
  add(event: OutgoingEvent): void {
    this.queue.push(event);
    this.queuedBytes += costOf(event);
  }

  /**
   * Enforces the offline cache bound: drops the oldest never-sent events while the queue is
   * over it, and returns them. Call it only while the service is not registered.
   */
  trimOffline(): OutgoingEvent[] {
    const dropped: OutgoingEvent[] = [];
    while (this.queue.length > 0 && (this.queue.length > this.limits.maxQueued || this.queuedBytes > this.limits.maxQueuedBytes)) {
      const old = this.queue.shift()!;
      this.queuedBytes -= costOf(old);
      this.counts.dropped++;
      dropped.push(old);
    }
    return dropped;
  }

  /** Whether the in-flight window has room for one more event (always, when it is empty). */
  get windowOpen(): boolean {
    if (this.inFlight.length === 0) return true;
    return this.inFlight.length < this.limits.maxInFlight && this.inFlightBytes < this.limits.maxInFlightBytes;
  }

  /** The next event to send (events to resend first), moved to in-flight. */
  take(): OutgoingEvent | undefined {
    let event = this.resend.shift();
    if (event) this.counts.resent++;
    else {
      event = this.queue.shift();
      if (!event) return undefined;
      this.queuedBytes -= costOf(event);
    }
    this.inFlight.push(event);
    this.inFlightBytes += costOf(event);
    return event;
  }

  /** The MSB acknowledged the oldest in-flight event; undefined when none was in flight. */
  acknowledge(): OutgoingEvent | undefined {
    const event = this.shiftInFlight();
    if (event) this.counts.acknowledged++;
    return event;
  }

  /** The MSB refused the oldest in-flight event; it is not retried (it would be refused again). */
  refuse(): OutgoingEvent | undefined {
    const event = this.shiftInFlight();
    if (event) this.counts.refused++;
    return event;
  }

  /** Treats every in-flight event as delivered (the MSB does not acknowledge); returns them. */
  acknowledgeAll(): OutgoingEvent[] {
    const events = this.inFlight.drain();
    this.inFlightBytes = 0;
    this.counts.acknowledged += events.length;
    return events;
  }

  /** After a connection loss: unacknowledged events go to the front of the resend list, in order. */
  requeueInFlight(): number {
    const events = this.inFlight.drain();
    this.inFlightBytes = 0;
    // Events in flight were taken before whatever still waits to be resent: they go first.
    for (let i = events.length - 1; i >= 0; i--) this.resend.unshift(events[i]);
    return events.length;
  }

  /**
   * Removes the waiting events (never sent, or to be sent again) that `match` picks, counted as
   * dropped, and returns them. Events in flight stay: the MSB answers each of them.
   */
  discardWaiting(match: (event: OutgoingEvent) => boolean): OutgoingEvent[] {
    const out: OutgoingEvent[] = [];
    for (const d of [this.resend, this.queue]) {
      const all = d.drain();
      for (const e of all) {
        if (!match(e)) d.push(e);
        else {
          out.push(e);
          if (d === this.queue) this.queuedBytes -= costOf(e);
        }
      }
    }
    this.counts.dropped += out.length;
    return out;
  }

  /** Removes every event not yet finished (on close), oldest first. */
  drain(): OutgoingEvent[] {
    const left = [...this.inFlight.drain(), ...this.resend.drain(), ...this.queue.drain()].sort((a, b) => a.seq - b.seq);
    this.queuedBytes = 0;
    this.inFlightBytes = 0;
    return left;
  }

  /** Every event not yet finished, oldest first (for the durable log's compaction). */
  live(): OutgoingEvent[] {
    return [...this.inFlight.toArray(), ...this.resend.toArray(), ...this.queue.toArray()].sort((a, b) => a.seq - b.seq);
  }

  /** The events in flight, oldest first. */
  inFlightEvents(): OutgoingEvent[] {
    return this.inFlight.toArray();
  }

  /** Bytes of never-sent events held. */
  get bytesQueued(): number {
    return this.queuedBytes;
  }

  counters(): Omit<OutboxCounters, 'unexpectedAcks'> {
    return { ...this.counts, queued: this.waiting, inFlight: this.inFlight.length };
  }

  private shiftInFlight(): OutgoingEvent | undefined {
    const event = this.inFlight.shift();
    if (event) this.inFlightBytes -= costOf(event);
    return event;
  }
}
