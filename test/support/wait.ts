/**
 * The one way tests wait: for an event (`waitFor`), for a promise (`within`), or for a condition
 * over recorded state (`until`). Every wait is bounded, and its failure message is computed when
 * it fails, so it shows the state at that moment rather than at the start.
 */

type What = string | (() => string);
const describeWhat = (what: What): string => (typeof what === 'function' ? what() : what);

/** Rejects after `ms` unless `p` settles first; the timer never outlives the race. */
export function within<T>(p: Promise<T>, ms: number, what: What): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms waiting for ${describeWhat(what)}`)), ms);
  });
  return Promise.race([p, timeout]).finally(() => clearTimeout(timer));
}

/** The emitters `waitFor` accepts: a Broker, an MsbApp, a Node EventEmitter. */
export interface Emitter {
  on(event: string, listener: (...args: any[]) => void): unknown;
  off(event: string, listener: (...args: any[]) => void): unknown;
}

/**
 * Resolves with the first argument of the next `event` of `emitter` whose arguments satisfy
 * `predicate`.
 */
export function waitFor<T = any>(emitter: Emitter, event: string, predicate: (...args: any[]) => boolean = () => true, ms = 5000): Promise<T> {
  let listener: ((...args: any[]) => void) | undefined;
  const p = new Promise<T>((resolve) => {
    listener = (...args: any[]) => {
      if (predicate(...args)) resolve(args[0] as T);
    };
    emitter.on(event, listener);
  });
  return within(p, ms, `"${event}"`).finally(() => emitter.off(event, listener!));
}

interface Waiter {
  check: () => void;
}

const waiters = new Set<Waiter>();

/**
 * Tells the waiting `until`s that recorded state may have changed; each condition is checked at
 * once, so a state that holds only for a moment (the 1,000th of 2,000 events) is not missed. The
 * test sources call it: the fixture's brokers and services on each event they emit, the recording
 * logger, the test client, the stub MSB and the fuzzers' peers.
 */
export function changed(): void {
  for (const w of [...waiters]) w.check();
}

/** Makes each of `events` of `emitter` count as a change for `until`. Returns the emitter. */
export function announceChanges<E extends Emitter>(emitter: E, events: readonly string[]): E {
  for (const event of events) emitter.on(event, changed);
  return emitter;
}

/**
 * State that changes without an announcement (a service's counters after an acknowledgement, a
 * hook's log) is re-checked this often; everything the test sources record is checked at once.
 */
const BACKSTOP_MS = 50;

/**
 * Resolves once `condition()` holds. It is checked at once, on every `changed()`, and every
 * {@link BACKSTOP_MS}; after `timeoutMs` it rejects with `what` (computed then, if a function).
 * A condition that throws rejects the wait with its error.
 */
export function until(condition: () => boolean, what: What, timeoutMs = 5000): Promise<void> {
  return new Promise((resolve, reject) => {
    const finish = (): void => {
      clearTimeout(timer);
      clearInterval(backstop);
      waiters.delete(waiter);
    };
    const waiter: Waiter = {
      check: () => {
        let holds: boolean;
        try {
          holds = condition();
        } catch (e) {
          finish();
          reject(e);
          return;
        }
        if (holds) {
          finish();
          resolve();
        }
      },
    };
    const backstop = setInterval(waiter.check, BACKSTOP_MS);
    const timer = setTimeout(() => {
      finish();
      reject(new Error(`timed out after ${timeoutMs} ms waiting until ${describeWhat(what)}`));
    }, timeoutMs);
    waiters.add(waiter);
    waiter.check();
  });
}
