import { closeSync, fdatasyncSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, statSync, writeSync } from 'node:fs';
import { fdatasync, write } from 'node:fs';
import { dirname, join } from 'node:path';
import { MsbError } from '../errors';

/** An event as the log stores it. */
export interface LoggedEvent {
  readonly seq: number;
  readonly eventId: string;
  readonly correlationId?: string;
  readonly message: string;
}

/** The durable outbox could not be read or written. */
export class MsbOutboxError extends MsbError {}

/**
 * The durable outbox: an append-only log file, one JSON record per line.
 *
 * - `{"a":seq,"e":eventId,"c":correlationId,"m":message}`: an accepted event. Written and
 *   fdatasync'ed before `emit()` resolves; records that arrive during one sync share the next
 *   one (group commit), so a burst costs one sync, not one per event.
 * - `{"x":seq}`: the event is finished (acknowledged by the MSB, refused, or dropped). Written
 *   without a sync: a written record survives the process being killed (the kernel has it); only
 *   a power loss can forget it, and then the event is sent once more (at-least-once).
 *
 * Why a log rather than a database: ordering is the file's order, appends are sequential writes,
 * nothing native to build, and recovery is a single read. The log is rewritten (compacted) when
 * finished records dominate it.
 */
export class OutboxLog {
  private fd: number;
  private pending: string[] = [];
  private waiters: Array<(err?: Error) => void> = [];
  private idleWaiters: Array<() => void> = [];
  private syncing = false;
  private closed = false;
  private finishedSinceCompaction = 0;
  private live = 0;
  private bytes = 0;

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
   * oldest first. A torn last line (the process died while writing it) is ignored.
   */
  static open(path: string): { log: OutboxLog; events: LoggedEvent[] } {
    try {
      mkdirSync(dirname(path), { recursive: true });
      const events = OutboxLog.replay(path);
      // Start from a compact file: the surviving events only.
      OutboxLog.rewrite(path, events);
      const fd = openSync(path, 'a');
      return { log: new OutboxLog(path, fd, events.length, statSync(path).size), events };
    } catch (e) {
      if (e instanceof MsbOutboxError) throw e;
      throw new MsbOutboxError(`Cannot open the durable outbox ${path}: ${(e as Error).message}`);
    }
  }

  private static replay(path: string): LoggedEvent[] {
    let text: string;
    try {
      text = readFileSync(path, 'utf8');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw e;
    }
    const events = new Map<number, LoggedEvent>();
    const lines = text.split('\n');
    for (let i = 0; i < lines.length; i++) {
      const line = lines[i];
      if (line === '') continue;
      let record: { a?: number; e?: string; c?: string; m?: string; x?: number };
      try {
        record = JSON.parse(line) as typeof record;
      } catch {
        if (i >= lines.length - 2) continue; // torn tail
        throw new MsbOutboxError(`The durable outbox ${path} is damaged at line ${i + 1}`);
      }
      if (typeof record.a === 'number' && typeof record.m === 'string' && typeof record.e === 'string') {
        events.set(record.a, { seq: record.a, eventId: record.e, ...(record.c !== undefined ? { correlationId: record.c } : {}), message: record.m });
      } else if (typeof record.x === 'number') {
        events.delete(record.x);
      }
    }
    return [...events.values()].sort((a, b) => a.seq - b.seq);
  }

  private static rewrite(path: string, events: readonly LoggedEvent[]): void {
    const tmp = `${path}.tmp`;
    const fd = openSync(tmp, 'w');
    try {
      const text = events.map((e) => OutboxLog.acceptedRecord(e)).join('');
      if (text) writeSync(fd, text);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, path);
    // The rename itself must reach the disk, or a crash could bring the old file back.
    try {
      const dir = openSync(dirname(path), 'r');
      try { fsyncSync(dir); } finally { closeSync(dir); }
    } catch {
      // some file systems cannot sync a directory; the data file itself is synced
    }
  }

  private static acceptedRecord(e: LoggedEvent): string {
    return `${JSON.stringify({ a: e.seq, e: e.eventId, ...(e.correlationId !== undefined ? { c: e.correlationId } : {}), m: e.message })}\n`;
  }

  /** Size of the log file in bytes (approximately, between compactions). */
  get size(): number {
    return this.bytes;
  }

  /** Appends an accepted event; resolves once it is on disk. */
  append(event: LoggedEvent): Promise<void> {
    if (this.closed) return Promise.reject(new MsbOutboxError('The durable outbox is closed'));
    this.live++;
    return this.enqueue(OutboxLog.acceptedRecord(event), true);
  }

  /** Marks an event finished (acknowledged, refused or dropped). */
  finish(seq: number): void {
    if (this.closed) return;
    this.live--;
    this.finishedSinceCompaction++;
    void this.enqueue(`{"x":${seq}}\n`, false).catch(() => undefined);
  }

  /** Where the log asks for the unfinished events when it compacts itself. */
  setLiveEvents(provider: () => LoggedEvent[]): void {
    this.liveEvents = provider;
  }

  private liveEvents?: () => LoggedEvent[];

  /** Rewrites the log with only the unfinished events, when finished records dominate it. */
  private compactIfWorthIt(): void {
    if (!this.liveEvents || this.closed || this.syncing || this.pending.length > 0) return;
    if (this.finishedSinceCompaction < 10_000 || this.finishedSinceCompaction < 2 * this.live) return;
    closeSync(this.fd);
    const events = this.liveEvents();
    OutboxLog.rewrite(this.path, events);
    this.fd = openSync(this.path, 'a');
    this.bytes = statSync(this.path).size;
    this.live = events.length;
    this.finishedSinceCompaction = 0;
  }

  /** Waits for writes in progress, writes what is pending, and closes the file. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    while (this.syncing) await new Promise<void>((resolve) => this.idleWaiters.push(resolve));
    const waiters = this.waiters;
    this.waiters = [];
    try {
      if (this.pending.length > 0) {
        writeSync(this.fd, this.pending.join(''));
        fdatasyncSync(this.fd);
      }
    } finally {
      this.pending = [];
      closeSync(this.fd);
      for (const w of waiters) w();
    }
  }

  private enqueue(record: string, durable: boolean): Promise<void> {
    this.pending.push(record);
    this.bytes += record.length;
    const done = durable ? new Promise<void>((resolve, reject) => this.waiters.push((err) => (err ? reject(err) : resolve()))) : Promise.resolve();
    if (!this.syncing) this.flush();
    return done;
  }

  private flush(): void {
    if (this.pending.length === 0) return;
    this.syncing = true;
    const text = this.pending.join('');
    const waiters = this.waiters;
    this.pending = [];
    this.waiters = [];
    const buffer = Buffer.from(text);
    const fd = this.fd;
    const finish = (err?: Error | null) => {
      this.syncing = false;
      const failure = err ? new MsbOutboxError(`Cannot write the durable outbox ${this.path}: ${err.message}`) : undefined;
      for (const w of waiters) w(failure);
      if (this.closed) {
        // close() waits for this write to end before it writes the rest itself
        const idle = this.idleWaiters;
        this.idleWaiters = [];
        for (const w of idle) w();
      } else if (this.pending.length > 0) this.flush();
      else this.compactIfWorthIt();
    };
    const writeAll = (offset: number) => {
      write(fd, buffer, offset, buffer.length - offset, null, (err, written) => {
        if (err) return finish(err);
        if (offset + written < buffer.length) return writeAll(offset + written);
        if (waiters.length === 0) return finish();
        fdatasync(fd, (syncErr) => finish(syncErr));
      });
    };
    writeAll(0);
  }
}
