/** Reconnect timing: exponential backoff with jitter. */
export interface ReconnectOptions {
  /** First delay after a loss, in ms (default 500). */
  initialDelayMs?: number;
  /** Largest delay, in ms (default 30 000). */
  maxDelayMs?: number;
  /** Growth per attempt (default 2). */
  factor?: number;
  /** Fraction of each delay that is random, 0..1 (default 0.5), so that many services do not reconnect in step. */
  jitter?: number;
  /**
   * Largest delay while events wait to be sent, in ms (default 5 000): a service with a
   * backlog is back within seconds of the MSB's return, and the jitter still spreads the
   * reconnects of many services.
   */
  maxDelayWhileEventsWaitMs?: number;
}

/** Computes successive reconnect delays; `reset()` after a success. */
export class Backoff {
  private attempt = 0;
  private readonly initial: number;
  private readonly max: number;
  private readonly factor: number;
  private readonly jitter: number;
  private readonly urgentMax: number;

  constructor(options: ReconnectOptions = {}, private readonly random: () => number = Math.random) {
    this.initial = Math.max(1, options.initialDelayMs ?? 500);
    this.max = Math.max(this.initial, options.maxDelayMs ?? 30_000);
    this.factor = Math.max(1, options.factor ?? 2);
    this.jitter = Math.min(1, Math.max(0, options.jitter ?? 0.5));
    this.urgentMax = Math.max(this.initial, Math.min(this.max, options.maxDelayWhileEventsWaitMs ?? 5000));
  }

  /** The delay before the next attempt, in ms; capped lower when `eventsWait`. */
  next(eventsWait = false): number {
    const base = Math.min(eventsWait ? this.urgentMax : this.max, this.initial * this.factor ** this.attempt);
    this.attempt++;
    return Math.round(base * (1 - this.jitter * this.random()));
  }

  reset(): void {
    this.attempt = 0;
  }
}
