import { MsbError } from '../errors';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { DEFAULT_MAX_JSON_DEPTH, jsonDepthExceeds } from '../protocol';

/** An HTTP failure with its status code; the message becomes the JSON `error`. */
export class HttpError extends MsbError {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/** Reads a request body, refusing more than `limit` bytes with 413. */
export function readBody(req: IncomingMessage, limit: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length']);
    if (Number.isFinite(declared) && declared > limit) {
      req.resume();
      reject(new HttpError(413, `request body of ${declared} bytes exceeds the limit of ${limit}`));
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    let failed = false;
    req.on('data', (c: Buffer) => {
      if (failed) return;
      size += c.length;
      if (size > limit) {
        failed = true;
        reject(new HttpError(413, `request body exceeds the limit of ${limit} bytes`));
        return;
      }
      chunks.push(c);
    });
    req.on('end', () => {
      if (!failed) resolve(Buffer.concat(chunks).toString('utf8'));
    });
    req.on('error', (e) => {
      if (!failed) reject(new HttpError(400, `could not read the request body: ${e.message}`));
    });
  });
}

/**
 * Parses a JSON body; an empty body is `undefined`. Nesting is bounded as on the websocket:
 * what arrives here is sent on in `C`/`K` messages or listed again, and would fail there.
 *
 * @throws {HttpError} 400 for bad JSON or JSON nested more than 1000 levels deep
 */
export function parseJsonBody(text: string): unknown {
  if (text.trim() === '') return undefined;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    throw new HttpError(400, `the request body is not valid JSON: ${(e as Error).message}`);
  }
  if (jsonDepthExceeds(text, DEFAULT_MAX_JSON_DEPTH)) {
    throw new HttpError(400, `the request body is nested more than ${DEFAULT_MAX_JSON_DEPTH} levels deep`);
  }
  return value;
}

export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  sendJsonText(res, status, JSON.stringify(body));
}

/** Sends JSON already serialised. */
export function sendJsonText(res: ServerResponse, status: number, text: string): void {
  res.writeHead(status, { 'content-type': 'application/json;charset=UTF-8', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

/** The path with repeated slashes collapsed and the query dropped. */
export function cleanPath(url: string | undefined): string {
  const raw = (url ?? '/').split('?', 1)[0].split('#', 1)[0];
  let path = raw.replace(/\/{2,}/g, '/');
  try {
    path = decodeURI(path);
  } catch {
    // keep the undecoded path; a bad escape simply matches no route
  }
  return path;
}
