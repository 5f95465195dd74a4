import { Deque } from '../util/deque';
import type { LoggedEvent, OutboxLog } from './outbox-log';

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
  /** Restored from the durable outbox at start. */
  restored: number;
}

export interface OutboxLimits {
  /** Most events held (queued + in flight). */
  maxEvents: number;
  /** Most bytes of encoded events held. */
  maxBytes: number;
}

/**
 * The event outbox: a bounded FIFO of events waiting to be sent, and the events sent but
 * not yet acknowledged, in order. The MSB answers each `E` with one status, in order, so
 * the oldest in-flight event is always the one an answer is about. On a connection loss the
 * in-flight events go back to the front of the queue (at-least-once). With a durable log,
 * every accepted event is on disk until it is finished.
 */
export class Outbox {
  private readonly queue = new Deque<OutgoingEvent>();
  private readonly inFlight = new Deque<OutgoingEvent>();
  private readonly counts = { accepted: 0, acknowledged: 0, refused: 0, dropped: 0, resent: 0, restored: 0 };
  private nextSeq = 1;
  private heldBytes = 0;

  constructor(
    private readonly limits: OutboxLimits,
    private readonly log?: OutboxLog,
    restored: readonly LoggedEvent[] = [],
  ) {
    for (const e of restored) {
      this.queue.push(e);
      this.heldBytes += e.message.length;
      this.nextSeq = Math.max(this.nextSeq, e.seq + 1);
    }
    this.counts.restored = restored.length;
    log?.setLiveEvents(() => [...this.inFlight.toArray(), ...this.queue.toArray()]);
  }

  get queued(): number {
    return this.queue.length;
  }

  get inFlightCount(): number {
    return this.inFlight.length;
  }

  /** The oldest event in flight, if any. */
  peekInFlight(): OutgoingEvent | undefined {
    return this.inFlight.peek();
  }

  /** The oldest queued event (the next to send), if any. */
  peek(): OutgoingEvent | undefined {
    return this.queue.peek();
  }

  /**
   * Accepts an event. Returns the events dropped to make room (oldest queued first) and a
   * promise that settles once the event is durable (at once without a log).
   */
  push(eventId: string, correlationId: string | undefined, message: string): { event: OutgoingEvent; dropped: OutgoingEvent[]; durable: Promise<void> } {
    const event: OutgoingEvent = { seq: this.nextSeq++, eventId, ...(correlationId !== undefined ? { correlationId } : {}), message };
    this.counts.accepted++;
    const dropped: OutgoingEvent[] = [];
    while (
      this.queue.length > 0 &&
      (this.queue.length + this.inFlight.length >= this.limits.maxEvents || this.heldBytes + message.length > this.limits.maxBytes)
    ) {
      const old = this.queue.shift()!;
      this.heldBytes -= old.message.length;
      this.counts.dropped++;
      this.log?.finish(old.seq);
      dropped.push(old);
    }
    this.queue.push(event);
    this.heldBytes += message.length;
    const durable = this.log ? this.log.append(event) : Promise.resolve();
    return { event, dropped, durable };
  }

  /** The next event to send, moved to in-flight. */
  take(): OutgoingEvent | undefined {
    const event = this.queue.shift();
    if (event) this.inFlight.push(event);
    return event;
  }

  /** The MSB acknowledged the oldest in-flight event. */
  acknowledge(): OutgoingEvent | undefined {
    const event = this.inFlight.shift();
    if (event) {
      this.counts.acknowledged++;
      this.finished(event);
    }
    return event;
  }

  /** The MSB refused the oldest in-flight event; it is not retried (it would be refused again). */
  refuse(): OutgoingEvent | undefined {
    const event = this.inFlight.shift();
    if (event) {
      this.counts.refused++;
      this.finished(event);
    }
    return event;
  }

  /** Treats every in-flight event as delivered (the MSB does not acknowledge). */
  acknowledgeAll(): number {
    const events = this.inFlight.drain();
    for (const e of events) this.finished(e);
    this.counts.acknowledged += events.length;
    return events.length;
  }

  /** After a connection loss: unacknowledged events go back to the front, in order. */
  requeueInFlight(): number {
    const events = this.inFlight.drain();
    for (let i = events.length - 1; i >= 0; i--) this.queue.unshift(events[i]);
    this.counts.resent += events.length;
    return events.length;
  }

  /**
   * On close: removes every event not yet acknowledged. With a durable log they stay on disk
   * and are sent at the next start; without one they are lost (the caller logs how many).
   */
  async close(): Promise<OutgoingEvent[]> {
    const left = [...this.inFlight.drain(), ...this.queue.drain()];
    this.heldBytes = 0;
    await this.log?.close();
    return left;
  }

  /** Whether events survive close() and restarts. */
  get durable(): boolean {
    return this.log !== undefined;
  }

  counters(): OutboxCounters {
    return { ...this.counts, queued: this.queue.length, inFlight: this.inFlight.length };
  }

  private finished(event: OutgoingEvent): void {
    this.heldBytes -= event.message.length;
    this.log?.finish(event.seq);
  }
}
