import type { EventEmitter } from 'node:events';

/**
 * The official MSB Node.js client (@vfk_research/msb-client-websocket-nodejs, unchanged, plain JS)
 * registered with the same self-description as BenchService. Imports nothing of the project, so that
 * its idle memory is the memory of node, ws, lodash, ajv 5 and uuid.
 *
 * Its configuration is module-global: one client per process, which every bench worker is.
 */
export interface OfficialClient {
  addEvent(event: { eventId: string; name: string; description: string; dataFormat?: unknown; implementation: { priority: number } }): void;
  addFunction(id: string, name: string, description: string, dataType: string | null, fn: (msg: Record<string, unknown>) => void, isArray: boolean, responseEvents?: string[]): void;
  publish(eventId: string, value: unknown, priority?: number, cached?: boolean, postDate?: Date | string, correlationId?: string): void;
  connect(url: string): void;
  register(): void;
  disconnect(): void;
  isRegistered(): boolean;
  disableAutoReconnect(disabled: boolean): void;
  disableEventCache(disabled: boolean): void;
  enableDataFormatValidation(enabled: boolean): void;
  validateEventValue(eventId: string, value: unknown): boolean;
  getConnectionStateListener(): EventEmitter;
  /** Its websocket (a public property of the client object; `ws` 8). */
  socket: (EventEmitter & { readyState: number; bufferedAmount: number; terminate(): void }) | null;
}

type OfficialCtor = new (type: string, uuid: string, name: string, description: string, token: string) => OfficialClient;

interface SelfDescription {
  '@class': string;
  uuid: string;
  name: string;
  description: string;
  token: string;
  events: Array<{ eventId: string; name: string; description: string; dataFormat?: unknown }>;
  functions: Array<{ functionId: string; name: string; description: string; responseEvents?: number[] }>;
}

/**
 * The official client writes to the console on every send ("Async error:null": ws 8 calls the send
 * callback with null, the client tests for undefined), on every connection state (including each
 * IO_PUBLISHED) and on close. Its workers silence the console, so that terminal I/O is not what
 * gets measured. Errors of the bench itself travel over IPC, not the console.
 */
export function silenceConsole(): void {
  const none = (): void => undefined;
  console.error = none;
  console.log = none;
  console.info = none;
  console.warn = none;
}

export interface Official {
  client: OfficialClient;
  uuid: string;
  /** IO_PUBLISHED received so far. */
  readonly acks: number;
  /** Resolves once `count` acknowledgements arrived in all (one wake-up, not one per ack). */
  acked(count: number): Promise<void>;
  close(): Promise<void>;
}

/**
 * Creates the client with the events of `selfDescriptionJson` (object form of addEvent, data formats
 * as our self-description has them), optionally an ECHO function answering with ECHOED and the call's
 * correlation id, connects, registers and waits for IO_REGISTERED.
 */
export async function connectOfficial(url: string, selfDescriptionJson: string, opts: { validate: boolean; echo?: boolean; timeoutMs?: number }): Promise<Official> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const MsbClient = require('@vfk_research/msb-client-websocket-nodejs') as OfficialCtor;
  const sd = JSON.parse(selfDescriptionJson) as SelfDescription;
  const client = new MsbClient(sd['@class'], sd.uuid, sd.name, sd.description, sd.token);
  client.disableAutoReconnect(true);
  client.enableDataFormatValidation(opts.validate);
  for (const e of sd.events) {
    client.addEvent({ eventId: e.eventId, name: e.name, description: e.description, dataFormat: e.dataFormat, implementation: { priority: 0 } });
  }
  if (opts.echo) {
    client.addFunction('ECHO', 'ECHO', 'echo', 'string', (msg) => {
      client.publish('ECHOED', msg.dataObject, 0, false, undefined, msg.correlationId as string | undefined);
    }, false, ['ECHOED']);
  }

  let acks = 0;
  let waitFor = 0;
  let waiter: (() => void) | undefined;
  const states = client.getConnectionStateListener();
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => {
      states.off('connectionState', onState);
      client.socket?.terminate();
      reject(new Error('official client: no IO_REGISTERED in time'));
    }, opts.timeoutMs ?? 10_000);
    function onState(s: string): void {
      if (s === 'IO_REGISTERED') {
        clearTimeout(timer);
        states.off('connectionState', onState);
        resolve();
      } else if (s.startsWith('NIO')) {
        clearTimeout(timer);
        states.off('connectionState', onState);
        reject(new Error(`official client: registration refused: ${s}`));
      }
    }
    states.on('connectionState', onState);
    client.connect(url);
    client.register();
  });
  states.on('connectionState', (s: string) => {
    if (s !== 'IO_PUBLISHED') return;
    acks++;
    const w = waiter;
    if (w && acks >= waitFor) { waiter = undefined; w(); }
  });

  return {
    client,
    uuid: sd.uuid,
    get acks() { return acks; },
    acked(count: number): Promise<void> {
      if (acks >= count) return Promise.resolve();
      waitFor = count;
      return new Promise((resolve) => { waiter = resolve; });
    },
    close(): Promise<void> {
      const socket = client.socket;
      return new Promise((resolve) => {
        if (!socket || socket.readyState === 3 /* CLOSED */) return resolve();
        socket.once('close', () => resolve());
        client.disconnect();
        setTimeout(() => socket.terminate(), 1000).unref();
      });
    },
  };
}
