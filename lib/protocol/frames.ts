import { randomBytes, randomInt } from 'node:crypto';
import { ProtocolError, excerptOf } from './errors';

/** A decoded server→client frame. */
export type ServerFrame =
  | { kind: 'open' }
  | { kind: 'heartbeat' }
  | { kind: 'messages'; messages: string[] }
  | { kind: 'close'; code: number; reason: string };

/** SockJS open frame, sent once right after the upgrade (required by the Java client). */
export const OPEN_FRAME = 'o';
/** SockJS heartbeat frame. */
export const HEARTBEAT_FRAME = 'h';

/** A client→server frame: SockJS `["message"]` (correct JSON escaping) or the raw message. */
export function encodeClientFrame(message: string, sockJs: boolean): string {
  // The same text as JSON.stringify([message]), without building the array.
  return sockJs ? `[${JSON.stringify(message)}]` : message;
}

/**
 * A server→client frame holding one message: SockJS `a["message"]` or the raw message. One
 * message per frame, because the Py, Node and C# clients cannot split `a["x","y"]`.
 */
export function encodeServerFrame(message: string, sockJs: boolean): string {
  return sockJs ? `a${JSON.stringify([message])}` : message;
}

/** SockJS close frame, for example `c[3000,"Go away!"]`. */
export function closeFrame(code: number, reason: string): string {
  return `c${JSON.stringify([code, reason])}`;
}

function parseJson(text: string, what: string): unknown {
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new ProtocolError(`bad JSON in ${what}: ${(e as Error).message}`, text);
  }
}

function stringArray(v: unknown, what: string, input: string): string[] {
  if (!Array.isArray(v)) throw new ProtocolError(`${what} must be a JSON array of strings`, input);
  for (const m of v) {
    if (typeof m !== 'string') throw new ProtocolError(`${what} must hold only strings, found ${m === null ? 'null' : typeof m}`, input);
  }
  return v as string[];
}

/**
 * The one message of `a["…"]` when it needs no unescaping (no backslash, no quote, no control
 * character inside), as every status answer does: JSON.parse would give the same string, at a
 * cost paid once per published event. Anything else goes to the full parser.
 */
function singleMessage(t: string): string | undefined {
  if (t.length < 5 || t.charCodeAt(1) !== 91 /* [ */ || t.charCodeAt(2) !== 34 /* " */ || !t.endsWith('"]')) return undefined;
  for (let i = 3; i < t.length - 2; i++) {
    const c = t.charCodeAt(i);
    if (c === 34 || c === 92 || c < 32) return undefined;
  }
  return t.slice(3, -2);
}

/**
 * Decodes a server→client frame. SockJS: `o`, `h`, `a[...]` (several messages allowed, as
 * Spring may send), `c[code,"reason"]`. Raw mode: the whole text is one message.
 *
 * @throws {ProtocolError} when a SockJS frame has another shape.
 */
export function decodeServerFrame(data: string, sockJs: boolean): ServerFrame {
  if (typeof data !== 'string') throw new ProtocolError(`a frame must be a string, got ${typeof data}`);
  if (!sockJs) return { kind: 'messages', messages: [data] };
  const t = data.trim();
  if (t === OPEN_FRAME) return { kind: 'open' };
  if (t === HEARTBEAT_FRAME) return { kind: 'heartbeat' };
  if (t.startsWith('a')) {
    const single = singleMessage(t);
    if (single !== undefined) return { kind: 'messages', messages: [single] };
    return { kind: 'messages', messages: stringArray(parseJson(t.slice(1), 'SockJS message frame'), 'a SockJS "a" frame', t) };
  }
  if (t.startsWith('c')) {
    const v = parseJson(t.slice(1), 'SockJS close frame');
    if (!Array.isArray(v) || v.length !== 2 || typeof v[0] !== 'number' || typeof v[1] !== 'string') {
      throw new ProtocolError('a SockJS close frame must be c[code,"reason"]', t);
    }
    return { kind: 'close', code: v[0], reason: v[1] };
  }
  throw new ProtocolError(`unknown SockJS frame type ${excerptOf(t.slice(0, 1))} (expected o, h, a or c)`, t);
}

/**
 * Decodes a client→server frame into its messages. SockJS: a JSON array of strings; surrounding
 * whitespace is tolerated (C# appends a newline). Raw: the text is one message, a trailing
 * newline removed.
 *
 * @throws {ProtocolError} when a SockJS frame is not a JSON array of strings.
 */
export function decodeClientFrame(data: string, sockJs: boolean): string[] {
  if (typeof data !== 'string') throw new ProtocolError(`a frame must be a string, got ${typeof data}`);
  if (!sockJs) return [data.replace(/\r?\n$/, '')];
  return stringArray(parseJson(data, 'SockJS client frame'), 'a SockJS client frame', data);
}

/**
 * Normalises an MSB websocket base URL: `http://`→`ws://` and `https://`→`wss://` (scheme prefix
 * only, case-insensitive), trailing slashes and a trailing `/websocket/data` (as the Java client
 * accepts) removed.
 *
 * @throws {ProtocolError} when the URL has no scheme or a scheme other than http(s)/ws(s).
 */
export function normalizeMsbUrl(url: string): string {
  if (typeof url !== 'string' || url.trim() === '') throw new ProtocolError('the MSB URL is empty');
  const u = url.trim();
  const m = /^([a-zA-Z][a-zA-Z0-9+.-]*):\/\/(.*)$/.exec(u);
  if (!m) {
    throw new ProtocolError(`the MSB URL ${excerptOf(u)} has no scheme; use ws://, wss://, http:// or https://`);
  }
  const scheme = m[1].toLowerCase();
  const mapped = ({ http: 'ws', https: 'wss', ws: 'ws', wss: 'wss' } as Record<string, string | undefined>)[scheme];
  if (mapped === undefined || !Object.prototype.hasOwnProperty.call({ http: 1, https: 1, ws: 1, wss: 1 }, scheme)) {
    throw new ProtocolError(`unsupported scheme "${scheme}" in MSB URL ${excerptOf(u)}; use ws://, wss://, http:// or https://`);
  }
  let rest = m[2].replace(/\/+$/, '');
  rest = rest.replace(/\/websocket\/data$/, '');
  if (rest === '' || rest.startsWith('/')) throw new ProtocolError(`the MSB URL ${excerptOf(u)} has no host`);
  return `${mapped}://${rest}`;
}

/**
 * The SockJS websocket URL `{base}/websocket/data/{serverId}/{sessionId}/websocket`. Fresh random
 * ids (3 digits, 32 hex) unless given, as every client picks new ones per (re)connect.
 */
export function sockJsUrl(base: string, serverId?: string | number, sessionId?: string): string {
  const server = serverId === undefined ? String(randomInt(100, 1000)) : String(serverId);
  if (!/^\d{1,3}$/.test(server)) throw new ProtocolError(`a SockJS server id must be 1 to 3 digits, got ${excerptOf(server)}`);
  const session = sessionId ?? randomBytes(16).toString('hex');
  if (!/^[^/.]+$/.test(session)) throw new ProtocolError(`a SockJS session id must not contain "/" or ".", got ${excerptOf(session)}`);
  return `${normalizeMsbUrl(base)}/websocket/data/${server}/${session}/websocket`;
}

/** The raw (non-SockJS) websocket URL `{base}/websocket/data/websocket`, as Py and Node use. */
export function rawUrl(base: string): string {
  return `${normalizeMsbUrl(base)}/websocket/data/websocket`;
}
