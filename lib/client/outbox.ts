import { Deque } from '../util/deque';

/** One accepted event, encoded once at emit time (its postDate is fixed then). */
export interface OutgoingEvent {
  readonly eventId: string;
  readonly correlationId?: string;
  /** The `E …` message, unframed. */
  readonly message: string;
}

/** Delivery counters, for monitoring. */
export interface OutboxCounters {
  /** Accepted by emit() since start. */
  accepted: number;
  /** Waiting to be sent (the event cache). */
  queued: number;
  /** Sent, not yet acknowledged by the MSB. */
  inFlight: number;
  /** Acknowledged by the MSB (`IO_PUBLISHED`), or written to the socket when the MSB does not acknowledge. */
  acknowledged: number;
  /** Refused by the MSB (`NIO_*EVENT_FORWARDING_ERROR`). */
  refused: number;
  /** Dropped because the cache was full (oldest first). */
  dropped: number;
  /** Sent again after a connection loss, because no acknowledgement had arrived. */
  resent: number;
}

/**
 * The event outbox: a bounded FIFO of events waiting to be sent, and the events sent but
 * not yet acknowledged, in order. The MSB answers each `E` with one status, in order, so
 * the oldest in-flight event is always the one an answer is about. On a connection loss the
 * in-flight events go back to the front of the queue (at-least-once).
 */
export class Outbox {
  private readonly queue = new Deque<OutgoingEvent>();
  private readonly inFlight = new Deque<OutgoingEvent>();
  private readonly counts = { accepted: 0, acknowledged: 0, refused: 0, dropped: 0, resent: 0 };

  /** @param capacity most events held (queued + in flight); the oldest queued one is dropped beyond it. */
  constructor(private readonly capacity: number) {}

  get queued(): number {
    return this.queue.length;
  }

  get inFlightCount(): number {
    return this.inFlight.length;
  }

  /** Accepts an event. Returns the event dropped to make room, if any. */
  push(event: OutgoingEvent): OutgoingEvent | undefined {
    this.counts.accepted++;
    let dropped: OutgoingEvent | undefined;
    if (this.queue.length + this.inFlight.length >= this.capacity && this.queue.length > 0) {
      dropped = this.queue.shift();
      this.counts.dropped++;
    }
    this.queue.push(event);
    return dropped;
  }

  /** The next event to send, moved to in-flight. */
  take(): OutgoingEvent | undefined {
    const event = this.queue.shift();
    if (event) this.inFlight.push(event);
    return event;
  }

  /** Puts back an event that `take` returned but that could not be written. */
  untake(): void {
    const event = this.inFlight.shift();
    if (event) this.queue.unshift(event);
  }

  /** The MSB acknowledged the oldest in-flight event. */
  acknowledge(): OutgoingEvent | undefined {
    const event = this.inFlight.shift();
    if (event) this.counts.acknowledged++;
    return event;
  }

  /** The MSB refused the oldest in-flight event; it is not retried (it would be refused again). */
  refuse(): OutgoingEvent | undefined {
    const event = this.inFlight.shift();
    if (event) this.counts.refused++;
    return event;
  }

  /** Treats every in-flight event as delivered (the MSB does not acknowledge). */
  acknowledgeAll(): number {
    const n = this.inFlight.length;
    this.inFlight.drain();
    this.counts.acknowledged += n;
    return n;
  }

  /** After a connection loss: unacknowledged events go back to the front, in order. */
  requeueInFlight(): number {
    const events = this.inFlight.drain();
    for (let i = events.length - 1; i >= 0; i--) this.queue.unshift(events[i]);
    this.counts.resent += events.length;
    return events.length;
  }

  /** Removes and returns every event not yet acknowledged (on close). */
  discard(): OutgoingEvent[] {
    return [...this.inFlight.drain(), ...this.queue.drain()];
  }

  counters(): OutboxCounters {
    return { ...this.counts, queued: this.queue.length, inFlight: this.inFlight.length };
  }
}
