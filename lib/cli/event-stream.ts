// The broker's `GET /events` stream as an async generator of events, shared by `msb watch` and
// `msb call --wait`; it resolves only once the broker confirmed the subscription.
import type { StreamedEvent } from '../broker';
import { CliError } from './errors';
import { failure, send } from './rest-client';

/** One event of the broker's stream, as `msb watch` and `msb call --wait` print it. */
export type WatchedEvent = StreamedEvent;

/** An open `GET /events` stream. */
export interface Subscription {
  events: AsyncGenerator<WatchedEvent>;
  close(): void;
}

/** The longest event the stream may send, in characters: beyond it the broker is not one (or is broken). */
export const MAX_STREAMED_EVENT_CHARS = 64 * 1024 * 1024;

/**
 * Subscribes to the broker's event stream; resolves once the broker confirmed the subscription.
 * @param maxEventChars an event longer than this many characters, or a stream that never ends one, ends the subscription with a CliError
 */
export async function subscribe(baseUrl: string, filter: Record<string, string | undefined>, maxEventChars = MAX_STREAMED_EVENT_CHARS): Promise<Subscription> {
  const query = new URLSearchParams();
  for (const [k, v] of Object.entries(filter)) if (v !== undefined) query.set(k, v);
  const abort = new AbortController();
  const connect = AbortSignal.any([abort.signal, AbortSignal.timeout(10_000)]);
  const response = await send(baseUrl, 'GET', `/events${query.size ? `?${query.toString()}` : ''}`, undefined, connect);
  if (!response.ok || !response.body) throw await failure(response);
  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
  // the broker sends a comment once the subscription holds: wait for it, so nothing published after is missed
  let buffer = '';
  const tooLong = (): CliError => {
    abort.abort();
    return new CliError(`the event stream from ${baseUrl} sent more than ${maxEventChars} characters without ending an event; is this an msb broker?`);
  };
  while (!buffer.includes('\n\n')) {
    const { value, done } = await reader.read();
    if (done) throw new CliError(`the broker at ${baseUrl} closed the event stream at once`);
    buffer += value;
    if (buffer.length > maxEventChars) throw tooLong();
  }
  async function* events(): AsyncGenerator<WatchedEvent> {
    for (;;) {
      let end: number;
      while ((end = buffer.indexOf('\n\n')) >= 0) {
        const frame = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        const data = frame.split('\n').filter((l) => l.startsWith('data:')).map((l) => l.slice(5).trimStart()).join('\n');
        if (data) yield parseEvent(data);
      }
      let chunk: Awaited<ReturnType<typeof reader.read>>;
      try {
        chunk = await reader.read();
      } catch (e) {
        if (abort.signal.aborted) return;
        throw new CliError(`the event stream from ${baseUrl} broke: ${(e as Error).message}`);
      }
      if (chunk.done) return;
      buffer += chunk.value;
      if (buffer.length > maxEventChars && !buffer.includes('\n\n')) throw tooLong();
    }
  }
  function parseEvent(data: string): WatchedEvent {
    try {
      return JSON.parse(data) as WatchedEvent;
    } catch (e) {
      abort.abort();
      throw new CliError(`the event stream from ${baseUrl} sent an event that is not JSON (${(e as Error).message}): ${data.slice(0, 80)}`);
    }
  }
  return { events: events(), close: () => abort.abort() };
}
