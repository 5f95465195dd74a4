/*
 * Whether the MSB acknowledges, decided per connection. The MSB answers each `E` with one status,
 * in order, so an answer is about the oldest event in flight; but a server may never send
 * `IO_PUBLISHED`, and answers may arrive for events already put back in the queue. This tracks
 * what an answer can be matched to; the publisher does the matching (its invariants are listed on
 * `Publisher`).
 */
import type { Logger } from './logger';

/** What the tracker needs from the publisher. */
export interface AckHost {
  /** Events in flight now. */
  inFlight(): number;
  isOpen(): boolean;
  /** No acknowledgement came within `ackTimeoutMs`: the `n` events in flight count as delivered. */
  takeAsDelivered(n: number): void;
  logger: Logger;
}

export class AckTracker {
  /**
   * No `IO_PUBLISHED` came on this connection within `ackTimeoutMs` of sending: an event counts as
   * delivered once written to the open socket. Read on every send.
   */
  noAckMode = false;
  /** `IO_PUBLISHED` answers that matched no event in flight. */
  unexpected = 0;
  private seenOnConnection = false;
  private timer?: NodeJS.Timeout;
  /** Answers still due on this socket for events already put back in the queue. */
  private staleAnswers = 0;

  constructor(private readonly host: AckHost, private readonly ackTimeoutMs: number) {}

  /**
   * A new socket is open. An MSB found not to acknowledge is taken to behave the same on the new
   * connection (no second wait of `ackTimeoutMs`), unless it did send an `IO_PUBLISHED` after all:
   * then acknowledgements are expected again. The mode never changes within a connection, where a
   * late answer could not be matched to its event.
   */
  opened(): void {
    if (this.noAckMode && this.seenOnConnection) this.noAckMode = false;
    this.seenOnConnection = false;
    this.staleAnswers = 0;
  }

  /** The socket closed, or the app closes: no more waiting for a first answer. */
  stop(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
  }

  /** An event was written: until the first answer on this connection, wait `ackTimeoutMs` for one. */
  sent(): void {
    if (!this.noAckMode && !this.seenOnConnection && !this.timer) this.startTimer();
  }

  /** The `n` events in flight were put back in the queue, and the MSB answered one of them: skip the answers still due for the others. */
  putBack(n: number): void {
    this.staleAnswers = Math.max(0, n - 1);
  }

  /** Whether an answer is about an event already put back in the queue (then it is skipped). */
  stale(): boolean {
    if (this.staleAnswers === 0) return false;
    this.staleAnswers--;
    return true;
  }

  /** An `IO_PUBLISHED` that is not stale: false when it cannot be matched (then it is counted). */
  published(): boolean {
    this.seenOnConnection = true;
    if (!this.noAckMode) return true;
    // Events written in this mode already counted as delivered; a late answer cannot be matched to one.
    this.unexpectedAck('while acknowledgements were taken as missing on this connection');
    return false;
  }

  /** An `IO_PUBLISHED` that matched no event in flight: counted, logged once. */
  unexpectedAck(when: string): void {
    if (this.unexpected++ > 0) return;
    this.host.logger.warn(`Ignoring an IO_PUBLISHED ${when}; such answers are counted (counters().unexpectedAcks) and not logged again`);
  }

  private startTimer(): void {
    this.timer = setTimeout(() => {
      this.timer = undefined;
      if (this.seenOnConnection || this.host.inFlight() === 0 || !this.host.isOpen()) return;
      this.noAckMode = true;
      const n = this.host.inFlight();
      this.host.logger.warn(`The MSB sent no IO_PUBLISHED within ${this.ackTimeoutMs} ms; on this connection an event counts as delivered once written to the open socket (${n} taken as delivered)`);
      this.host.takeAsDelivered(n);
    }, this.ackTimeoutMs);
  }
}
