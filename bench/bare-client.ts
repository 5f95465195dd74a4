import { randomBytes } from 'node:crypto';
import WebSocket from 'ws';
import { closeSocket, socketDrained } from './ws-socket';

/**
 * The physical limit: a plain `ws` client that speaks SockJS framing with pre-built frames,
 * counts `IO_PUBLISHED` by comparing the frame text, and answers function calls by string
 * matching. Deliberately imports nothing from the project, so that its idle memory is the
 * memory of ws and node alone.
 */
const PUBLISHED = 'a["IO_PUBLISHED"]';
const REGISTERED = 'a["IO_REGISTERED"]';
const CONNECTED = 'a["IO_CONNECTED"]';
// Inside a SockJS frame the message JSON is itself a JSON string, so its quotes are escaped.
const CORRELATION = /\\"correlationId\\":\\"((?:[^"\\]|\\\\)*)\\"/;

/** A SockJS client frame holding one `E` message, exactly as a service would send it. */
export function eventFrame(uuid: string, eventId: string, dataObject: unknown, correlationId?: string): string {
  const body: Record<string, unknown> = { uuid, eventId, priority: 0, postDate: new Date().toISOString() };
  if (correlationId !== undefined) body.correlationId = correlationId;
  if (dataObject !== undefined) body.dataObject = dataObject;
  return JSON.stringify([`E ${JSON.stringify(body)}`]);
}

export class BareClient {
  acks = 0;
  calls = 0;
  private waiter?: () => void;
  private waitFor = 0;
  private onCall?: (frame: string) => void;

  private constructor(readonly ws: WebSocket) {}

  /** Connects with SockJS framing, waits for `IO_CONNECTED`, registers, waits for `IO_REGISTERED`. */
  static async connect(baseUrl: string, selfDescriptionJson: string, timeoutMs = 10_000): Promise<BareClient> {
    const ws = new WebSocket(`${baseUrl}/websocket/data/${100 + (randomBytes(1)[0] % 900)}/${randomBytes(16).toString('hex')}/websocket`, { perMessageDeflate: false });
    const client = new BareClient(ws);
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => { ws.terminate(); reject(new Error('bare client: no IO_REGISTERED in time')); }, timeoutMs);
      const onMessage = (data: WebSocket.RawData): void => {
        const text = data.toString();
        if (text === CONNECTED) ws.send(JSON.stringify([`R ${selfDescriptionJson}`]));
        else if (text === REGISTERED) {
          clearTimeout(timer);
          ws.off('message', onMessage);
          ws.off('error', onError);
          resolve();
        } else if (text.startsWith('a["NIO')) {
          clearTimeout(timer);
          reject(new Error(`bare client: registration refused: ${text}`));
        }
      };
      const onError = (e: Error): void => { clearTimeout(timer); reject(e); };
      ws.on('message', onMessage);
      ws.on('error', onError);
    });
    ws.on('error', () => undefined);
    ws.on('message', (data) => client.onFrame(data.toString()));
    return client;
  }

  private onFrame(text: string): void {
    if (text === PUBLISHED) {
      this.acks++;
      const w = this.waiter;
      if (w && this.acks >= this.waitFor) { this.waiter = undefined; w(); }
    } else if (text.charCodeAt(3) === 67 /* a["C */) {
      this.calls++;
      this.onCall?.(text);
    }
  }

  /** Resolves once `count` acknowledgements arrived in all (one wake-up, not one per ack). */
  acked(count: number): Promise<void> {
    if (this.acks >= count) return Promise.resolve();
    this.waitFor = count;
    return new Promise((resolve) => { this.waiter = resolve; });
  }

  /** Bytes written by the application but not yet handed to the kernel. */
  get buffered(): number {
    return this.ws.bufferedAmount;
  }

  /** Resolves once what was written has left the userland buffer. */
  drained(): Promise<void> {
    return socketDrained(this.ws);
  }

  /** A frame encoded once (a text frame: `binary: false`), so sending costs no UTF-8 encoding. */
  send(frame: Buffer): void {
    this.ws.send(frame, { binary: false });
  }

  /**
   * Answers every `C` with `responseEventId`, carrying the call's correlation id: a regular
   * expression on the frame and string concatenation, no JSON parsing.
   */
  answerCalls(uuid: string, responseEventId: string, dataObjectJson: string): void {
    const head = JSON.stringify([`E {"uuid":"${uuid}","eventId":"${responseEventId}","priority":0,"postDate":"`]).slice(0, -2);
    const data = JSON.stringify(`,"dataObject":${dataObjectJson}}`).slice(1, -1);
    this.onCall = (frame) => {
      const m = CORRELATION.exec(frame);
      const cid = m ? `,\\"correlationId\\":\\"${m[1]}\\"` : '';
      this.ws.send(`${head}${new Date().toISOString()}\\"${cid}${data}"]`);
    };
  }

  close(): Promise<void> {
    return closeSocket(this.ws);
  }
}
