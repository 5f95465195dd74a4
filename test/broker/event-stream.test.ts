import { expect } from 'chai';
import { EventEmitter } from 'node:events';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { EventStream } from '../../lib/broker/event-stream';
import type { EventMessage } from '../../lib/protocol';

/**
 * The part of a ServerResponse the stream uses, recording what it is given. `writableLength`
 * is what the test says is still unsent: a client that reads is one whose backlog stays 0.
 */
class FakeResponse extends EventEmitter {
  status?: number;
  readonly headers: Record<string, unknown> = {};
  readonly chunks: string[] = [];
  writableLength = 0;
  ended = false;
  destroyed = false;

  setHeader(name: string, value: unknown): void {
    this.headers[name] = value;
  }

  writeHead(status: number, headers: Record<string, unknown>): this {
    this.status = status;
    Object.assign(this.headers, headers);
    return this;
  }

  write(chunk: string): boolean {
    this.chunks.push(chunk);
    this.emit('chunk', chunk);
    return true;
  }

  end(chunk?: string): void {
    if (chunk !== undefined) this.chunks.push(chunk);
    this.ended = true;
    this.emit('close');
  }

  destroy(): void {
    this.destroyed = true;
    this.emit('close');
  }

  /** The chunks after the subscription comment. */
  get events(): string[] {
    return this.chunks.slice(1);
  }

  /** Resolves at the next chunk written equal to `chunk`. */
  nextChunk(chunk: string): Promise<void> {
    return new Promise((resolve) => {
      const listener = (c: string) => {
        if (c !== chunk) return;
        this.off('chunk', listener);
        resolve();
      };
      this.on('chunk', listener);
    });
  }
}

function subscribe(stream: EventStream, url: string): FakeResponse {
  const res = new FakeResponse();
  stream.open({ url } as IncomingMessage, res as unknown as ServerResponse);
  return res;
}

const frame = (streamed: Record<string, unknown>): string => `event: event\ndata: ${JSON.stringify(streamed)}\n\n`;

const LIMITS = { maxClients: 10, maxBufferedBytes: 10_000 };

describe('broker/event-stream', () => {
  it('opens a Server-Sent Events stream and confirms the subscription at once; a client that goes away is forgotten', () => {
    const stream = new EventStream(LIMITS);
    try {
      const res = subscribe(stream, '/events');
      expect(res.status).to.equal(200);
      expect(res.headers).to.deep.equal({ 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-store', connection: 'keep-alive', 'x-accel-buffering': 'no' });
      expect(res.chunks).to.deep.equal([': subscribed\n\n']);
      expect(stream.size).to.equal(1);
      res.emit('close');
      expect(stream.size).to.equal(0);
      stream.publish({ uuid: 'u', eventId: 'e', priority: 0, postDate: 'd' });
      expect(res.chunks).to.have.length(1);
    } finally {
      stream.close();
    }
  });

  it('sends each event to the clients whose filters (service, event, correlationId) it matches, in the streamed form', () => {
    const stream = new EventStream(LIMITS);
    try {
      const all = subscribe(stream, '/events');
      const byService = subscribe(stream, '/events?service=a');
      const byEvent = subscribe(stream, '/events?event=temp');
      const byCorrelation = subscribe(stream, '/events?correlationId=c1');
      const byAll = subscribe(stream, '/events?service=a&event=temp&correlationId=c1');
      const events: EventMessage[] = [
        { uuid: 'a', eventId: 'temp', priority: 2, postDate: 'p1', correlationId: 'c1', dataObject: { t: 1 } },
        { uuid: 'b', eventId: 'temp', priority: 0, postDate: 'p2' },
        { uuid: 'a', eventId: 'other', priority: 1, postDate: 'p3', correlationId: 'c2', dataObject: null },
      ];
      for (const e of events) stream.publish(e);
      const [first, second, third] = [
        frame({ service: 'a', eventId: 'temp', correlationId: 'c1', priority: 2, postDate: 'p1', payload: { t: 1 } }),
        frame({ service: 'b', eventId: 'temp', priority: 0, postDate: 'p2' }),
        frame({ service: 'a', eventId: 'other', correlationId: 'c2', priority: 1, postDate: 'p3', payload: null }),
      ];
      expect(all.events).to.deep.equal([first, second, third]);
      expect(byService.events).to.deep.equal([first, third]);
      expect(byEvent.events).to.deep.equal([first, second]);
      expect(byCorrelation.events).to.deep.equal([first]);
      expect(byAll.events).to.deep.equal([first]);
    } finally {
      stream.close();
    }
  });

  it('refuses a client beyond maxClients with 503 and retry-after, counting it', () => {
    const stream = new EventStream({ ...LIMITS, maxClients: 1 });
    try {
      subscribe(stream, '/events');
      const refused = subscribe(stream, '/events');
      expect(refused.status).to.equal(503);
      expect(refused.headers['retry-after']).to.equal('1');
      expect(JSON.parse(refused.chunks.join(''))).to.deep.equal({ error: '1 event stream clients already connected (maxEventStreams)' });
      expect(refused.ended).to.equal(true);
      expect([stream.size, stream.refused]).to.deep.equal([1, 1]);
    } finally {
      stream.close();
    }
  });

  it('drops a client whose unsent bytes would pass maxBufferedBytes, and never waits for it', () => {
    const stream = new EventStream({ ...LIMITS, maxBufferedBytes: 1_000 });
    try {
      const slow = subscribe(stream, '/events');
      const fast = subscribe(stream, '/events');
      const e: EventMessage = { uuid: 'a', eventId: 'e', priority: 0, postDate: 'p' };
      const size = frame({ service: 'a', eventId: 'e', priority: 0, postDate: 'p' }).length;
      slow.writableLength = 1_000 - size;
      stream.publish(e);
      expect([slow.events.length, slow.destroyed, stream.dropped], 'exactly at the bound').to.deep.equal([1, false, 0]);
      slow.writableLength += 1;
      stream.publish(e);
      expect(slow.destroyed).to.equal(true);
      expect(slow.events).to.have.length(1);
      expect(fast.events).to.have.length(2);
      expect([stream.size, stream.dropped]).to.deep.equal([1, 1]);
    } finally {
      stream.close();
    }
  });

  it('sends keep-alive comments every period, under the same bound', async () => {
    const stream = new EventStream({ ...LIMITS, maxBufferedBytes: 100 }, 1);
    try {
      const reader = subscribe(stream, '/events');
      const stuck = subscribe(stream, '/events');
      stuck.writableLength = 100;
      await reader.nextChunk(': keep-alive\n\n');
      expect(stuck.destroyed).to.equal(true);
      expect(stuck.chunks).to.deep.equal([': subscribed\n\n']);
      expect([stream.size, stream.dropped]).to.deep.equal([1, 1]);
      await reader.nextChunk(': keep-alive\n\n');
    } finally {
      stream.close();
    }
  });

  it('close() ends every stream', () => {
    const stream = new EventStream(LIMITS);
    const a = subscribe(stream, '/events');
    const b = subscribe(stream, '/events?service=x');
    stream.close();
    expect([a.ended, b.ended, stream.size]).to.deep.equal([true, true, 0]);
    stream.publish({ uuid: 'x', eventId: 'e', priority: 0, postDate: 'p' });
    expect([a.chunks.length, b.chunks.length]).to.deep.equal([1, 1]);
  });
});
