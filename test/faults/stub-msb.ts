import { WebSocketServer } from 'ws';
import type WebSocket from 'ws';
import { changed, until } from '../support';

/** How the stub answers. Each can be changed while it runs. */
export interface StubBehaviour {
  /** Answer `R` with `IO_REGISTERED` (default true); false: ignore it. */
  register: boolean;
  /** Answer each `E` with `IO_PUBLISHED` (default true); false: stay silent; 'hold': keep the answers until `releaseAcks()`. */
  ack: boolean | 'hold';
  /** Answer each `E` with this status instead (e.g. a refusal). */
  answerWith?: string;
}

/**
 * An independent minimal MSB for fault tests: SockJS framing, `o` and `IO_CONNECTED` on open,
 * and answers as told. It records every event's `dataObject` per connection, in arrival order,
 * parsing only what it needs. Not the project's broker, so a client bug cannot hide behind a
 * matching broker bug.
 */
export class StubMsb {
  readonly behaviour: StubBehaviour = { register: true, ack: true };
  /** The dataObject of every event, per connection (index = connection number). */
  readonly events: unknown[][] = [];
  readonly registrations: number[] = [];
  /** Events received on all connections. */
  total = 0;
  private held: WebSocket[] = [];
  /** Answers to send per connection at the end of this turn, in one SockJS frame. */
  private readonly outgoing = new Map<WebSocket, string[]>();
  private current?: WebSocket;

  private constructor(private readonly server: WebSocketServer) {
    server.on('connection', (ws) => this.onConnection(ws));
  }

  static start(behaviour: Partial<StubBehaviour> = {}): Promise<StubMsb> {
    return new Promise((resolve) => {
      const server = new WebSocketServer({ host: '127.0.0.1', port: 0, maxPayload: 20 * 1024 * 1024 }, () => {
        const stub = new StubMsb(server);
        Object.assign(stub.behaviour, behaviour);
        resolve(stub);
      });
    });
  }

  get url(): string {
    const address = this.server.address();
    if (typeof address === 'string' || !address) throw new Error('no address');
    return `ws://127.0.0.1:${address.port}`;
  }

  /** Every event received on any connection, in order (a copy). */
  allEvents(): unknown[] {
    return this.events.flat();
  }

  /** Sends status or message strings to the current connection. */
  send(...messages: string[]): void {
    this.current?.send(`a${JSON.stringify(messages)}`);
  }

  /** Sends the held acknowledgements. */
  releaseAcks(): void {
    const held = this.held;
    this.held = [];
    for (const ws of held) this.answer(ws, 'IO_PUBLISHED');
  }

  /** Closes the current connection from the server side. */
  dropConnection(): void {
    this.current?.terminate();
  }

  /** Resolves once `check()` holds; checked after every message the stub handles. */
  until(check: () => boolean, what: string, timeoutMs = 20_000): Promise<void> {
    return until(check, () => `stub MSB: ${what} (connections ${this.events.length}, events per connection ${this.events.map((e) => e.length).join('/')}, registrations ${this.registrations.join('/')})`, timeoutMs);
  }

  close(): Promise<void> {
    for (const ws of this.server.clients) ws.terminate();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  private onConnection(ws: WebSocket): void {
    const index = this.events.length;
    this.events.push([]);
    this.registrations.push(0);
    this.current = ws;
    ws.send('o');
    ws.send('a["IO_CONNECTED"]');
    ws.on('message', (data) => {
      for (const m of JSON.parse(data.toString()) as string[]) this.onMessage(ws, index, m);
      changed();
    });
  }

  private onMessage(ws: WebSocket, index: number, m: string): void {
    if (m.startsWith('R ')) {
      this.registrations[index]++;
      if (this.behaviour.register) this.answer(ws, 'IO_REGISTERED');
    } else if (m.startsWith('E ')) {
      const event = JSON.parse(m.slice(2)) as { dataObject?: unknown };
      this.events[index].push(event.dataObject);
      this.total++;
      if (this.behaviour.answerWith) this.answer(ws, this.behaviour.answerWith);
      else if (this.behaviour.ack === 'hold') this.held.push(ws);
      else if (this.behaviour.ack) this.answer(ws, 'IO_PUBLISHED');
    }
  }

  /** Answers leave at the end of the turn, many in one frame, as a busy server batches them. */
  private answer(ws: WebSocket, status: string): void {
    let batch = this.outgoing.get(ws);
    if (!batch) {
      batch = [];
      this.outgoing.set(ws, batch);
      setImmediate(() => {
        this.outgoing.delete(ws);
        if (ws.readyState === ws.OPEN) ws.send(`a${JSON.stringify(batch)}`);
      });
    }
    batch.push(status);
  }
}
