/*
 * The log's account of drops from the full offline cache. A long outage can drop thousands of
 * events a second; one line per event would flood the log, so it gets a summary at most once a
 * second (each drop is still counted and reported as a `dropped` app event).
 */
import type { Logger } from './logger';
import type { OutboxLimits } from './outbox';

const DROP_LOG_INTERVAL_MS = 1000;

export class DropLog {
  private sinceLog = 0;
  private lastLogAt = 0;
  private timer?: NodeJS.Timeout;

  /** `total`: the events dropped since start. */
  constructor(
    private readonly limits: OutboxLimits,
    private readonly logger: Logger,
    private readonly total: () => number,
  ) {}

  /** One event was dropped. */
  note(): void {
    this.sinceLog++;
    if (this.timer) return;
    const wait = this.lastLogAt + DROP_LOG_INTERVAL_MS - Date.now();
    if (wait <= 0) {
      this.summarise();
      return;
    }
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.summarise();
    }, wait);
    this.timer.unref();
  }

  /** Logs what is not yet logged, and stops. */
  close(): void {
    this.summarise();
    clearTimeout(this.timer);
  }

  private summarise(): void {
    if (this.sinceLog === 0) return;
    const { maxQueued, maxQueuedBytes } = this.limits;
    const bound = `${Number.isFinite(maxQueued) ? `${maxQueued} events / ` : ''}${maxQueuedBytes} bytes`;
    const total = this.total();
    const n = this.sinceLog;
    this.logger.warn(`Offline event cache full (${bound}): dropped ${n.toLocaleString('en')} event${n === 1 ? '' : 's'} in the last second; ${total.toLocaleString('en')} so far (oldest first)`);
    this.sinceLog = 0;
    this.lastLogAt = Date.now();
  }
}
