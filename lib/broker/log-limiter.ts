import type { BrokerLogger } from './options';

interface Pending {
  count: number;
  last: string;
}

/**
 * Writes the first warning of each kind at once and summarises the repeats: a flood of bad
 * messages costs one line per kind and period instead of one per message, so logging cannot be
 * the amplifier (a console write is far slower than refusing a message).
 */
export class WarningLimiter {
  private readonly pending = new Map<string, Pending>();
  private timer?: NodeJS.Timeout;
  /** Warnings counted instead of written. */
  suppressed = 0;

  constructor(
    private readonly logger: BrokerLogger,
    private readonly periodMs = 10_000,
    /** Kinds remembered at once; beyond it, repeats of unseen kinds are only counted. */
    private readonly maxKinds = 1_000,
  ) {}

  /** Logs `message` unless a warning of `kind` was logged within the current period. */
  warn(kind: string, message: string): void {
    const p = this.pending.get(kind);
    if (p) {
      p.count++;
      p.last = message;
      this.suppressed++;
      return;
    }
    if (this.pending.size >= this.maxKinds) {
      this.suppressed++;
      return;
    }
    this.logger.warn(message);
    this.pending.set(kind, { count: 0, last: message });
    if (!this.timer) {
      this.timer = setInterval(() => this.flush(), this.periodMs);
      this.timer.unref();
    }
  }

  /** Writes the summaries of the period that ends now. */
  flush(): void {
    for (const [, p] of this.pending) {
      if (p.count > 0) this.logger.warn(`${p.count} more like this in the last ${Math.round(this.periodMs / 1000)} s; the last: ${p.last}`);
    }
    this.pending.clear();
    if (this.timer) {
      clearInterval(this.timer);
      this.timer = undefined;
    }
  }

  /** Writes what is pending and stops the timer. */
  close(): void {
    this.flush();
  }
}
