// `msb call`: a function call through the broker's REST API, and with --wait the events that
// answer it, until the function's declared response event or a bounded timeout.
import { randomUUID } from 'node:crypto';
import { CliError } from './errors';
import { subscribe } from './event-stream';
import { isPlainObject } from './json';
import { resolveService, rest } from './rest-client';
import type { ListedService } from './rest-client';

/** Options of {@link callCommand}. */
export interface CallOptions {
  url: string;
  correlationId?: string;
  /** Wait this many ms for a response event. */
  waitMs?: number;
  force?: boolean;
  /** Where each response event goes, as one JSON line. */
  print: (line: string) => void;
}

/** The event ids a function declares as its responses (`responseEvents`: event `@id`s or inline events). */
function responseEventIds(service: ListedService, functionId: string): Set<string> {
  const fn = Array.isArray(service.functions)
    ? service.functions.filter(isPlainObject).find((f) => f.functionId === functionId || f.functionId === `/${functionId}` || `/${String(f.functionId)}` === functionId)
    : undefined;
  const ids = new Set<string>();
  if (!fn || !Array.isArray(fn.responseEvents)) return ids;
  const events = Array.isArray(service.events) ? service.events.filter(isPlainObject) : [];
  for (const r of fn.responseEvents) {
    if (isPlainObject(r) && typeof r.eventId === 'string') ids.add(r.eventId);
    else {
      const at = isPlainObject(r) ? r['@id'] : r;
      const e = events.find((x) => x['@id'] === at);
      if (e && typeof e.eventId === 'string') ids.add(e.eventId);
    }
  }
  return ids;
}

/**
 * `msb call`: sends a function call through the broker's REST API, which refuses an unknown
 * function or parameters its data format rejects (unless `force`). With `waitMs`, it
 * subscribes to the call's correlation id first, prints every event carrying it, and returns
 * after the first of the function's declared response events from the called service (any
 * event of that service when it declares none).
 *
 * @throws {CliError} on a refusal, an unreachable broker, or no response in time.
 */
export async function callCommand(serviceRef: string, functionId: string, json: string | undefined, o: CallOptions): Promise<string> {
  let parameters: unknown = {};
  if (json !== undefined) {
    try {
      parameters = JSON.parse(json);
    } catch (e) {
      throw new CliError(`the parameters are not valid JSON: ${(e as Error).message}`, 2);
    }
  }
  if (!isPlainObject(parameters)) {
    throw new CliError('the parameters must be a JSON object, e.g. \'{"dataObject": {...}}\'', 2);
  }
  const service = await resolveService(o.url, serviceRef);
  const correlationId = o.correlationId ?? randomUUID();
  const body = { functionId, parameters, correlationId, ...(o.force ? { force: true } : {}) };
  const path = `/service/${encodeURIComponent(service.uuid)}/call`;
  if (o.waitMs === undefined) {
    await rest(o.url, 'POST', path, body);
    return `called ${functionId} on ${service.uuid} "${service.name}" (correlation ${correlationId})`;
  }
  const sub = await subscribe(o.url, { correlationId });
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new CliError(`no response from ${service.uuid} "${service.name}" to ${functionId} within ${o.waitMs} ms (correlation ${correlationId})`)), o.waitMs);
  });
  try {
    // whichever loses a race settles later, unobserved: it must not become an unhandled rejection
    let finished = false;
    const posted = rest(o.url, 'POST', path, body);
    posted.catch(() => undefined);
    const answer = (await Promise.race([posted, timeout])) as { functionId?: unknown };
    const sent = typeof answer?.functionId === 'string' ? answer.functionId : functionId;
    const responses = responseEventIds(service, sent);
    const waitForResponse = async (): Promise<string> => {
      for await (const e of sub.events) {
        o.print(JSON.stringify(e));
        if (e.service === service.uuid && (responses.size === 0 || responses.has(e.eventId))) {
          return `${e.eventId} from ${service.uuid} "${service.name}" answered ${sent} (correlation ${correlationId})`;
        }
      }
      if (finished) return '';
      throw new CliError(`the broker at ${o.url} ended the event stream before a response to ${sent} came (correlation ${correlationId})`);
    };
    try {
      return await Promise.race([waitForResponse(), timeout]);
    } finally {
      finished = true;
    }
  } finally {
    clearTimeout(timer);
    sub.close();
  }
}
