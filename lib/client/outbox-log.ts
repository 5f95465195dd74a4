import { constants, closeSync, fdatasyncSync, fsyncSync, ftruncateSync, mkdirSync, openSync, readFileSync, renameSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { fdatasync, write } from 'node:fs';
import { dirname, join } from 'node:path';
import { MsbOutboxError } from '../errors';

export { MsbOutboxError };

/** An event as the log stores it. */
export interface LoggedEvent {
  readonly seq: number;
  readonly eventId: string;
  readonly correlationId?: string;
  readonly message: string;
}

/** What {@link OutboxLog.open} found. */
export interface OpenedLog {
  log: OutboxLog;
  /** The unfinished events, oldest first. */
  events: LoggedEvent[];
  /** Lines that were not whole records (a torn write), skipped. */
  damagedLines: number;
}

/** Called once an accepted record is on disk, or with the reason it is not. */
export type DurableCallback = (error?: MsbOutboxError) => void;

/**
 * The durable outbox: an append-only log file, one JSON record per line.
 *
 * - `{"a":seq,"e":eventId,"c":correlationId,"m":message}`: an accepted event. Written and
 *   fdatasync'ed before the event may be sent; records that arrive during one sync share the
 *   next one (group commit), so a burst costs one sync, not one per event.
 * - `{"x":seq}`: the event is finished (acknowledged by the MSB, refused, or dropped). Written
 *   without a sync: a written record survives the process being killed (the kernel has it); only
 *   a power loss can forget it, and then the event is sent once more (at-least-once).
 *
 * A failed write (disk full, read-only) is cut off again (the file is truncated to its last
 * whole record), the accepted events in it are refused to their callers, and finish marks are
 * kept for the next write. Reading skips lines that are not whole records, so a damaged log
 * never stops a service from starting.
 *
 * Why a log rather than a database: ordering is the file's order, appends are sequential writes,
 * nothing native to build, and recovery is a single read. The log is rewritten (compacted) when
 * finished records dominate it.
 */
export class OutboxLog {
  private fd: number;
  private pending: Array<{ record: string; onDurable?: DurableCallback }> = [];
  private idleWaiters: Array<() => void> = [];
  private syncing = false;
  private closed = false;
  private finishedSinceCompaction = 0;
  private live = 0;
  /** Size of the file up to its last whole record. */
  private bytes = 0;
  private liveEvents?: () => LoggedEvent[];
  private onError: (error: MsbOutboxError) => void = () => undefined;
  /** A write failed and none has succeeded since: report the next failure only after a success. */
  private failing = false;

  private constructor(
    private readonly path: string,
    fd: number,
    live: number,
    bytes: number,
  ) {
    this.fd = fd;
    this.live = live;
    this.bytes = bytes;
  }

  /** The log file used for a service: `<dir>/<uuid>.outbox.log`, or the file itself when `location` ends in `.log`. */
  static pathFor(location: string, uuid: string): string {
    return location.endsWith('.log') ? location : join(location, `${uuid}.outbox.log`);
  }

  /**
   * Opens (or creates) the log and returns it with the events it holds that are not finished,
   * oldest first. Lines that are not whole records (a write torn by a crash or a full disk)
   * are skipped and counted.
   */
  static open(path: string): OpenedLog {
    try {
      mkdirSync(dirname(path), { recursive: true });
      const { events, damagedLines } = OutboxLog.replay(path);
      // Start from a compact file: the surviving events only.
      const fd = OutboxLog.rewrite(path, events);
      return { log: new OutboxLog(path, fd, events.length, statSync(path).size), events, damagedLines };
    } catch (e) {
      throw new MsbOutboxError(`Cannot open the durable outbox ${path}: ${(e as Error).message}`);
    }
  }

  private static replay(path: string): { events: LoggedEvent[]; damagedLines: number } {
    let text: string;
    try {
      text = readFileSync(path, 'utf8');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return { events: [], damagedLines: 0 };
      throw e;
    }
    const events = new Map<number, LoggedEvent>();
    let damagedLines = 0;
    for (const line of text.split('\n')) {
      if (line === '') continue;
      let record: { a?: unknown; e?: unknown; c?: unknown; m?: unknown; x?: unknown };
      try {
        record = JSON.parse(line) as typeof record;
      } catch {
        damagedLines++;
        continue;
      }
      if (record === null || typeof record !== 'object') damagedLines++;
      else if (typeof record.a === 'number' && typeof record.m === 'string' && typeof record.e === 'string') {
        events.set(record.a, { seq: record.a, eventId: record.e, ...(typeof record.c === 'string' ? { correlationId: record.c } : {}), message: record.m });
      } else if (typeof record.x === 'number') events.delete(record.x);
      else damagedLines++;
    }
    return { events: [...events.values()].sort((a, b) => a.seq - b.seq), damagedLines };
  }

  /**
   * Writes `events` to a new file, syncs it, puts it in place of `path` and returns a
   * descriptor open for appending to it. Nothing changes at `path` unless every step succeeds.
   */
  private static rewrite(path: string, events: readonly LoggedEvent[]): number {
    const tmp = `${path}.tmp`;
    // O_APPEND: after a failed write is cut off, the next one must land at the new end, not leave a hole.
    const fd = openSync(tmp, constants.O_WRONLY | constants.O_CREAT | constants.O_TRUNC | constants.O_APPEND);
    try {
      const text = events.map((e) => OutboxLog.acceptedRecord(e)).join('');
      if (text) writeSync(fd, text);
      fsyncSync(fd);
      renameSync(tmp, path);
    } catch (e) {
      closeSync(fd);
      try { unlinkSync(tmp); } catch { /* already gone */ }
      throw e;
    }
    // The rename itself must reach the disk, or a crash could bring the old file back.
    try {
      const dir = openSync(dirname(path), 'r');
      try { fsyncSync(dir); } finally { closeSync(dir); }
    } catch {
      // some file systems cannot sync a directory; the data file itself is synced
    }
    return fd;
  }

  private static acceptedRecord(e: LoggedEvent): string {
    return `${JSON.stringify({ a: e.seq, e: e.eventId, ...(e.correlationId !== undefined ? { c: e.correlationId } : {}), m: e.message })}\n`;
  }

  /** Size of the log file in bytes (approximately, between compactions). */
  get size(): number {
    return this.bytes;
  }

  /** Where the log asks for the unfinished events when it compacts itself. */
  setLiveEvents(provider: () => LoggedEvent[]): void {
    this.liveEvents = provider;
  }

  /** Where failures that no caller waits for (compaction, finish marks) are reported. */
  setErrorHandler(handler: (error: MsbOutboxError) => void): void {
    this.onError = handler;
  }

  /**
   * Appends an accepted event; `onDurable` runs once it is on disk (synchronously inside the
   * write's completion, in append order), or with the error that kept it off the disk.
   */
  append(event: LoggedEvent, onDurable: DurableCallback): void {
    if (this.closed) {
      onDurable(new MsbOutboxError('The durable outbox is closed'));
      return;
    }
    this.live++;
    this.enqueue({ record: OutboxLog.acceptedRecord(event), onDurable });
  }

  /** Marks an event finished (acknowledged, refused or dropped). */
  finish(seq: number): void {
    if (this.closed) return;
    this.live--;
    this.finishedSinceCompaction++;
    this.enqueue({ record: `{"x":${seq}}\n` });
  }

  /** Waits for writes in progress, writes what is pending, and closes the file. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    while (this.syncing) await new Promise<void>((resolve) => this.idleWaiters.push(resolve));
    const pending = this.pending;
    this.pending = [];
    let failure: MsbOutboxError | undefined;
    try {
      if (pending.length > 0) {
        const buffer = Buffer.from(pending.map((p) => p.record).join(''));
        // A full disk can take part of a write without an error; the next part then fails.
        for (let offset = 0; offset < buffer.length;) offset += writeSync(this.fd, buffer, offset);
        fdatasyncSync(this.fd);
      }
    } catch (e) {
      failure = new MsbOutboxError(`Cannot write the durable outbox ${this.path}: ${(e as Error).message}`);
      this.truncateToLastRecord();
    } finally {
      closeSync(this.fd);
      for (const p of pending) p.onDurable?.(failure);
    }
  }

  private enqueue(entry: { record: string; onDurable?: DurableCallback }): void {
    this.pending.push(entry);
    if (!this.syncing) this.flush();
  }

  private flush(): void {
    if (this.pending.length === 0) return;
    this.syncing = true;
    const batch = this.pending;
    this.pending = [];
    const buffer = Buffer.from(batch.map((p) => p.record).join(''));
    const needsSync = batch.some((p) => p.onDurable);
    const fd = this.fd;
    const finish = (err?: Error | null) => {
      this.syncing = false;
      if (err) this.failed(batch, err);
      else {
        this.failing = false;
        this.bytes += buffer.length;
        for (const p of batch) p.onDurable?.();
      }
      if (this.closed) {
        // close() waits for this write to end before it writes the rest itself
        const idle = this.idleWaiters;
        this.idleWaiters = [];
        for (const w of idle) w();
      } else if (this.pending.length > 0 && !err) this.flush();
      else if (!err) this.compactIfWorthIt();
    };
    const writeAll = (offset: number) => {
      write(fd, buffer, offset, buffer.length - offset, null, (err, written) => {
        if (err) return finish(err);
        if (offset + written < buffer.length) return writeAll(offset + written);
        if (!needsSync) return finish();
        fdatasync(fd, (syncErr) => finish(syncErr));
      });
    };
    writeAll(0);
  }

  /** A write failed: cut the partial record off, refuse the accepted events, keep the finish marks for later. */
  private failed(batch: Array<{ record: string; onDurable?: DurableCallback }>, err: Error): void {
    const failure = new MsbOutboxError(`Cannot write the durable outbox ${this.path}: ${err.message}`);
    this.truncateToLastRecord();
    const marks = batch.filter((p) => !p.onDurable);
    this.pending = [...marks, ...this.pending];
    for (const p of batch) {
      if (p.onDurable) {
        this.live--;
        p.onDurable(failure);
      }
    }
    if (!this.failing && !batch.some((p) => p.onDurable)) this.onError(failure);
    this.failing = true;
  }

  private truncateToLastRecord(): void {
    try {
      ftruncateSync(this.fd, this.bytes);
    } catch {
      // The next open skips a torn line; nothing else can be done here.
    }
  }

  /** Rewrites the log with only the unfinished events, when finished records dominate it. */
  private compactIfWorthIt(): void {
    if (!this.liveEvents || this.closed || this.syncing || this.pending.length > 0) return;
    if (this.finishedSinceCompaction < 10_000 || this.finishedSinceCompaction < 2 * this.live) return;
    const events = this.liveEvents();
    let fd: number;
    try {
      fd = OutboxLog.rewrite(this.path, events);
    } catch (e) {
      // Keep appending to the old file; try again after the next batch of finished events.
      this.finishedSinceCompaction = 0;
      this.onError(new MsbOutboxError(`Cannot compact the durable outbox ${this.path}: ${(e as Error).message}; it keeps growing until this succeeds`));
      return;
    }
    try { closeSync(this.fd); } catch { /* the old file is replaced already */ }
    this.fd = fd;
    this.bytes = statSync(this.path).size;
    this.live = events.length;
    this.finishedSinceCompaction = 0;
  }
}
