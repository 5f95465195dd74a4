/*
 * The promises that wait on delivery, kept apart from the decisions: the publisher decides what
 * becomes of each event (the invariants are listed on `Publisher`), and this settles whoever waits
 * for it. Three kinds of waiting: an `emit()` for its event to reach the socket (backpressure), an
 * `emit(…, { acknowledged: true })` for its event's outcome, `flush()` for every event up to one.
 */
import type { MsbError } from '../errors';
import { Deque } from '../util/deque';

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

export class DeliveryWaiters {
  /** emit() calls waiting for their event to reach the socket, oldest first. */
  private readonly sendWaiters = new Deque<{ seq: number; resolve: () => void }>();
  private readonly ackWaiters = new Map<number, AckWaiter>();
  private flushWaiters: FlushWaiter[] = [];

  /** Whether a flush() waits (then each finished event may settle it). */
  get flushing(): boolean {
    return this.flushWaiters.length > 0;
  }

  /** Resolves once event `seq` was handed to the socket ({@link sentUpTo}). */
  untilSent(seq: number): Promise<void> {
    return new Promise<void>((resolve) => this.sendWaiters.push({ seq, resolve }));
  }

  /** Events up to `seq` were handed to the socket, or need not wait for it any more (Infinity: all). */
  sentUpTo(seq: number): void {
    for (let w = this.sendWaiters.peek(); w && w.seq <= seq; w = this.sendWaiters.peek()) {
      this.sendWaiters.shift();
      w.resolve();
    }
  }

  /** Resolves once event `seq` is acknowledged; rejects when it is refused or dropped ({@link settle}). */
  untilAcknowledged(seq: number): Promise<void> {
    return new Promise<void>((resolve, reject) => this.ackWaiters.set(seq, { resolve, reject }));
  }

  /** Event `seq` is finished: acknowledged, or failed with `error`. */
  settle(seq: number, error?: MsbError): void {
    if (this.ackWaiters.size === 0) return;
    const waiter = this.ackWaiters.get(seq);
    if (!waiter) return;
    this.ackWaiters.delete(seq);
    if (error) waiter.reject(error);
    else waiter.resolve();
  }

  /**
   * Resolves once every event up to `upTo` is finished ({@link finishedBelow}); after `timeoutMs`,
   * rejects with the error `timedOut` gives then.
   */
  untilFinished(upTo: number, timeoutMs: number | undefined, timedOut: () => MsbError): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const waiter: FlushWaiter = { upTo, resolve, reject };
      if (timeoutMs !== undefined) {
        waiter.timer = setTimeout(() => {
          this.flushWaiters = this.flushWaiters.filter((w) => w !== waiter);
          reject(timedOut());
        }, timeoutMs);
      }
      this.flushWaiters.push(waiter);
    });
  }

  /** Every event below sequence number `low` is finished. */
  finishedBelow(low: number): void {
    if (this.flushWaiters.length === 0) return;
    const still: FlushWaiter[] = [];
    for (const w of this.flushWaiters) {
      if (w.upTo < low) {
        clearTimeout(w.timer);
        w.resolve();
      } else still.push(w);
    }
    this.flushWaiters = still;
  }

  /** The app closed: emits waiting for the socket resolve, waiting for an outcome or a flush reject. */
  close(eventError: (seq: number) => MsbError, flushError: () => MsbError): void {
    this.sentUpTo(Infinity);
    for (const [seq, w] of this.ackWaiters) w.reject(eventError(seq));
    this.ackWaiters.clear();
    for (const w of this.flushWaiters) {
      clearTimeout(w.timer);
      w.reject(flushError());
    }
    this.flushWaiters = [];
  }
}
