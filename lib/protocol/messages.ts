import { ProtocolError, excerptOf, isPlainObject } from './errors';
import { DEFAULT_MAX_JSON_DEPTH, jsonDepthExceeds } from './json';
import { StatusCode, isStatus } from './status';
import { priorityOfName } from './priority';

/** An `E` message body: one published event (spec section 7). */
export interface EventMessage {
  /** The publishing service (or gateway sub-service). */
  uuid: string;
  eventId: string;
  /** 0 = LOW, 1 = MEDIUM, 2 = HIGH. */
  priority: number;
  /** ISO 8601 date as sent by the client (not reformatted). */
  postDate: string;
  correlationId?: string;
  /** The payload; absent for events without a data format. */
  dataObject?: unknown;
}

/** A `C` message body: a function call routed to a service (spec section 8). */
export interface FunctionCallMessage {
  /** The service that owns the function. */
  uuid: string;
  correlationId?: string;
  functionId: string;
  functionParameters: Record<string, unknown>;
}

/** A `K` message body: new configuration values for a service (spec section 9). */
export interface ConfigurationMessage {
  uuid: string;
  params: Record<string, unknown>;
}

/**
 * An `R` message body (spec section 5). Deliberately loose: the codec only guarantees a JSON
 * object; the broker validates the fields.
 */
export interface RegistrationBody {
  uuid?: string;
  name?: string;
  description?: string;
  token?: string | null;
  '@class'?: string;
  events?: unknown[];
  functions?: unknown[];
  configuration?: { parameters?: Record<string, unknown> };
  services?: RegistrationBody[];
  [key: string]: unknown;
}

/** A parsed client→server message. */
export type ClientMessage =
  | { type: 'register'; body: RegistrationBody }
  | { type: 'event'; body: EventMessage }
  | { type: 'pong' };

/** A parsed server→client message. */
export type ServerMessage =
  | { type: 'status'; status: StatusCode }
  | { type: 'call'; call: FunctionCallMessage }
  | { type: 'config'; config: ConfigurationMessage }
  | { type: 'ping' };

/** The application-level keep-alive the server sends. */
export const PING = 'ping';
/** The client's answer to {@link PING}. */
export const PONG = 'pong';

/** Options of the parsers. */
export interface ParseOptions {
  /** Longest accepted message in UTF-16 code units; default 5 000 000 (Java's buffer limit). */
  maxLength?: number;
  /** Deepest accepted nesting of arrays and objects in the JSON body; default 1000 (as Jackson). */
  maxDepth?: number;
}

const DEFAULT_MAX_LENGTH = 5_000_000;

/** `R <json>`: a registration (self-description) message. */
export function encodeRegistration(sd: object): string {
  return `R ${JSON.stringify(sd)}`;
}

/** `E <json>`: an event message. */
export function encodeEvent(e: EventMessage): string {
  return `E ${JSON.stringify(e)}`;
}

/** Encodes the events of one event id of one service; see {@link eventEncoder}. */
export type EventEncoder = (priority: number, postDate: string, correlationId: string | undefined, hasData: boolean, dataObject?: unknown) => string;

/**
 * A prepared {@link encodeEvent} for one service and event id: the constant head of the
 * message is serialised once, and per event only the priority, postDate, correlation id and
 * payload are. The output equals `encodeEvent` for the same fields, key order included.
 *
 * @throws whatever `JSON.stringify` throws for the payload (a cycle, a BigInt).
 */
export function eventEncoder(uuid: string, eventId: string): EventEncoder {
  const head = `E {"uuid":${JSON.stringify(uuid)},"eventId":${JSON.stringify(eventId)},"priority":`;
  return (priority, postDate, correlationId, hasData, dataObject) => {
    let message = `${head}${priority},"postDate":${JSON.stringify(postDate)}`;
    if (correlationId !== undefined) message += `,"correlationId":${JSON.stringify(correlationId)}`;
    if (hasData) {
      const data = JSON.stringify(dataObject);
      // Like a property of an object, a payload with no JSON form (undefined, a function) is left out.
      if (data !== undefined) message += `,"dataObject":${data}`;
    }
    return `${message}}`;
  };
}

/** `C <json>`: a function call message. */
export function encodeCall(c: FunctionCallMessage): string {
  return `C ${JSON.stringify(c)}`;
}

/** `K <json>`: a configuration message. */
export function encodeConfiguration(k: ConfigurationMessage): string {
  return `K ${JSON.stringify(k)}`;
}

function checkText(text: unknown, options: ParseOptions | undefined): string {
  if (typeof text !== 'string') throw new ProtocolError(`a message must be a string, got ${typeof text}`);
  const max = options?.maxLength ?? DEFAULT_MAX_LENGTH;
  if (text.length > max) {
    throw new ProtocolError(`message too long: ${text.length} characters, the limit is ${max}`, text.slice(0, 40));
  }
  // Tolerate surrounding whitespace: C# appends a newline to R messages (spec 3.2, 3.3).
  return text.trim();
}

/** Splits `T <json>` into its JSON body; the separator may be any whitespace (Py sends a newline). */
function jsonBody(text: string, kind: string, options: ParseOptions | undefined): Record<string, unknown> {
  const rest = text.slice(1);
  if (rest.length > 0 && !/^\s/.test(rest) && rest[0] !== '{') {
    throw new ProtocolError(`unknown message prefix "${text.split(/\s/, 1)[0].slice(0, 40)}"`, text);
  }
  let body: unknown;
  try {
    body = JSON.parse(rest);
  } catch (e) {
    throw new ProtocolError(`bad JSON in ${kind} message: ${(e as Error).message}`, text);
  }
  const maxDepth = options?.maxDepth ?? DEFAULT_MAX_JSON_DEPTH;
  if (jsonDepthExceeds(rest, maxDepth)) {
    throw new ProtocolError(`the JSON of a ${kind} message is nested more than ${maxDepth} levels deep`, text);
  }
  if (!isPlainObject(body)) {
    throw new ProtocolError(`the body of a ${kind} message must be a JSON object, got ${kindOfJson(body)}`, text);
  }
  return body;
}

function kindOfJson(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  return typeof v === 'object' ? 'an object' : `a ${typeof v}`;
}

function normalisePriority(p: unknown, text: string): number {
  if (p === undefined || p === null) return 0;
  if (typeof p === 'number' && Number.isInteger(p)) return p;
  if (typeof p === 'string') {
    const named = priorityOfName(p);
    if (named !== undefined) return named;
    if (/^\s*-?\d+\s*$/.test(p)) return Number.parseInt(p, 10);
  }
  throw new ProtocolError(`event priority must be an integer or LOW/MEDIUM/HIGH, got ${JSON.stringify(p)}`, text);
}

function normalisePostDate(d: unknown, text: string): string {
  if (d === undefined || d === null) return new Date().toISOString();
  if (typeof d === 'string') return d;
  if (typeof d === 'number' && Number.isFinite(d)) return new Date(d).toISOString(); // Java accepts epoch millis
  throw new ProtocolError(`event postDate must be a string or epoch milliseconds, got ${kindOfJson(d)}`, text);
}

function eventOf(body: Record<string, unknown>, text: string): EventMessage {
  if (typeof body.uuid !== 'string' || body.uuid === '') {
    throw new ProtocolError('event message needs a non-empty string "uuid"', text);
  }
  if (typeof body.eventId !== 'string' || body.eventId === '') {
    throw new ProtocolError('event message needs a non-empty string "eventId"', text);
  }
  const e: EventMessage = {
    uuid: body.uuid,
    eventId: body.eventId,
    priority: normalisePriority(body.priority, text),
    postDate: normalisePostDate(body.postDate, text),
  };
  const c = body.correlationId;
  if (typeof c === 'string') e.correlationId = c;
  else if (typeof c === 'number' && Number.isFinite(c)) e.correlationId = String(c);
  else if (c !== undefined && c !== null) {
    throw new ProtocolError(`event correlationId must be a string, got ${kindOfJson(c)}`, text);
  }
  if (Object.prototype.hasOwnProperty.call(body, 'dataObject')) e.dataObject = body.dataObject;
  return e;
}

/**
 * Parses one client→server message (`R …`, `E …`, `pong`). Tolerant as the MSB is: surrounding
 * whitespace and a trailing newline (C#), pretty-printed JSON with newlines (Py), duplicate keys
 * (Java's double `@class`; the last wins), priority as an int or LOW/MEDIUM/HIGH, postDate as a
 * string or epoch millis. The event body is rebuilt from its known fields only.
 *
 * @throws {ProtocolError} for an unknown prefix, bad JSON, a body that is not an object, an event
 *   without uuid/eventId, or a message longer than `options.maxLength`.
 */
export function parseClientMessage(text: string, options?: ParseOptions): ClientMessage {
  const t = checkText(text, options);
  if (t === PONG) return { type: 'pong' };
  switch (t[0]) {
    case 'R':
      return { type: 'register', body: jsonBody(t, 'registration (R)', options) as RegistrationBody };
    case 'E':
      return { type: 'event', body: eventOf(jsonBody(t, 'event (E)', options), t) };
    default:
      throw new ProtocolError(
        t === '' ? 'empty message' : `unknown message prefix "${t.split(/\s/, 1)[0].slice(0, 40)}" (expected R, E or pong)`,
        t,
      );
  }
}

function callOf(body: Record<string, unknown>, text: string): FunctionCallMessage {
  if (typeof body.uuid !== 'string') throw new ProtocolError('function call needs a string "uuid"', text);
  if (typeof body.functionId !== 'string' || body.functionId === '') {
    throw new ProtocolError('function call needs a non-empty string "functionId"', text);
  }
  const p = body.functionParameters;
  if (p !== undefined && p !== null && !isPlainObject(p)) {
    throw new ProtocolError(`function call "functionParameters" must be an object, got ${kindOfJson(p)}`, text);
  }
  const call: FunctionCallMessage = {
    uuid: body.uuid,
    functionId: body.functionId,
    functionParameters: isPlainObject(p) ? p : {},
  };
  const c = body.correlationId;
  if (typeof c === 'string') call.correlationId = c;
  else if (c !== undefined && c !== null) {
    throw new ProtocolError(`function call "correlationId" must be a string, got ${kindOfJson(c)}`, text);
  }
  return call;
}

function configOf(body: Record<string, unknown>, text: string): ConfigurationMessage {
  if (typeof body.uuid !== 'string') throw new ProtocolError('configuration message needs a string "uuid"', text);
  if (!isPlainObject(body.params)) {
    throw new ProtocolError(`configuration message "params" must be an object, got ${kindOfJson(body.params)}`, text);
  }
  return { uuid: body.uuid, params: body.params };
}

/**
 * Parses one server→client message: a status string, `ping`, `C {…}` or `K {…}`. Strict about
 * shapes (uuid and functionId strings, functionParameters an object or absent → `{}`, params an
 * object); surrounding whitespace is ignored.
 *
 * @throws {ProtocolError} on anything else; never any other exception.
 */
export function parseServerMessage(text: string, options?: ParseOptions): ServerMessage {
  const t = checkText(text, options);
  if (t === PING) return { type: 'ping' };
  if (isStatus(t)) return { type: 'status', status: t };
  if (t.startsWith('C') && /^C[\s{]/.test(t)) return { type: 'call', call: callOf(jsonBody(t, 'function call (C)', options), t) };
  if (t.startsWith('K') && /^K[\s{]/.test(t)) {
    return { type: 'config', config: configOf(jsonBody(t, 'configuration (K)', options), t) };
  }
  throw new ProtocolError(
    t === '' ? 'empty message' : `unknown server message ${excerptOf(t, 40)} (expected a status, ping, C or K)`,
  );
}
