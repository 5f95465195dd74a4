import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { extname, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { startBroker } from '../broker';
import type { Broker } from '../broker';
import { asyncApiOf, isServiceClass, selfDescriptionOf, toYaml } from '../index';
import { CliError } from './errors';
import { subscribe } from './event-stream';
import { isPlainObject, readFlowsFile } from './json';
import { consoleLog } from './log';
import { ADMIN_SECRET_ENV, resolveService, rest, listServices } from './rest-client';
import type { ListedService } from './rest-client';

export { CliError } from './errors';
export { readFlowsFile } from './json';
export { ADMIN_SECRET_ENV, resolveService } from './rest-client';
export type { ListedService } from './rest-client';
export type { WatchedEvent } from './event-stream';

export interface BrokerCommandOptions {
  port: number;
  host: string;
  flows?: string;
  msbPorts?: boolean;
  tlsKey?: string;
  tlsCert?: string;
  strictTokens?: boolean;
  /** commander's `--no-issue-tokens`: false turns token issuing off. */
  issueTokens?: boolean;
  /** commander's `--no-dashboard`: false serves no page at `/`. */
  dashboard?: boolean;
  verbose?: boolean;
  heartbeatMs?: number;
}

/** `msb broker`: runs the local broker until SIGINT/SIGTERM. */
export async function brokerCommand(o: BrokerCommandOptions, write?: (line: string) => void): Promise<Broker> {
  const logger = consoleLog(o.verbose === true, write);
  if ((o.tlsKey === undefined) !== (o.tlsCert === undefined)) throw new CliError('--tls-key and --tls-cert go together', 2);
  const tls = o.tlsKey && o.tlsCert ? { key: readFileSync(o.tlsKey), cert: readFileSync(o.tlsCert) } : undefined;
  const broker = await startBroker({
    port: o.port,
    host: o.host,
    flows: o.flows ? readFlowsFile(o.flows) : undefined,
    msbPorts: o.msbPorts,
    tls,
    strictTokens: o.strictTokens,
    ...(o.issueTokens === false ? { issueTokens: false } : {}),
    ...(o.dashboard === false ? { dashboard: false } : {}),
    ...(process.env[ADMIN_SECRET_ENV] ? { adminSecret: process.env[ADMIN_SECRET_ENV] } : {}),
    heartbeatMs: o.heartbeatMs,
    logger,
  }).catch((e: Error) => {
    throw new CliError(`cannot start the broker: ${e.message}`);
  });
  logger.info(`MSB broker listening: websocket ${broker.url}, REST ${broker.httpUrl}${broker.flows().length ? `, ${broker.flows().length} flow(s) deployed` : ''}`);
  if (o.dashboard !== false) logger.info(`dashboard: ${broker.httpUrl}/`);
  if (broker.msb) logger.info(`MSB ports: websocket ${broker.msb.websocketPort}, smart objects ${broker.msb.smartObjectsPort}, flows ${broker.msb.flowsPort}`);
  return broker;
}

// Kept as a real import() in the CommonJS build (tsc would turn it into require()): only
// import() loads ES modules, including ones with top-level await.
const importModule = new Function('specifier', 'return import(specifier)') as (specifier: string) => Promise<Record<string, unknown>>;

const TYPESCRIPT = /\.(?:ts|mts|cts|tsx)$/i;

/** What `msb describe` puts in place of a token, so that it does not end up in a terminal log. */
export const MASKED_TOKEN = '<hidden: --show-token prints it>';

function maskTokens(sd: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...sd };
  if (typeof out.token === 'string') out.token = MASKED_TOKEN;
  if (Array.isArray(out.services)) out.services = out.services.map((s) => (isPlainObject(s) ? maskTokens(s) : s));
  return out;
}

/** What `msb describe` prints: the self-description (default) or the AsyncAPI document, as JSON or YAML. */
export interface DescribeOutput {
  asyncapi?: boolean;
  yaml?: boolean;
  /** Print the token of the self-description (masked by default). */
  showToken?: boolean;
}

/**
 * `msb describe`: the self-description or AsyncAPI document of a service class exported by a
 * compiled module (CommonJS or ES module). The token is masked unless `showToken`; the AsyncAPI
 * document never holds one.
 */
export async function describeCommand(modulePath: string, exportName?: string, output: DescribeOutput = {}): Promise<string> {
  if (TYPESCRIPT.test(modulePath) && !/\.d\.[cm]?ts$/i.test(modulePath)) {
    const js = modulePath.slice(0, -extname(modulePath).length) + '.js';
    throw new CliError(`${modulePath} is TypeScript: msb describe loads compiled JavaScript. Compile it first (npx tsc) and give the .js file, e.g. ${js} under your outDir`, 2);
  }
  const path = resolve(modulePath);
  let mod: Record<string, unknown>;
  try {
    const ns = await importModule(pathToFileURL(path).href);
    // a CommonJS module's exports are also its default export; take both
    const cjs = isPlainObject(ns.default) ? ns.default : {};
    mod = { ...cjs, ...ns };
  } catch (e) {
    throw new CliError(`cannot load ${modulePath}: ${(e instanceof Error ? e.message : String(e)).split('\n')[0]}`);
  }
  const services = Object.entries(mod).filter(([k, v]) => k !== 'default' && isServiceClass(v));
  let target: Function;
  if (exportName !== undefined) {
    const v = mod[exportName];
    if (typeof v !== 'function') throw new CliError(`${modulePath} exports no class named ${exportName}`);
    target = v;
  } else if (services.length === 1) {
    target = services[0][1] as Function;
  } else if (services.length === 0) {
    throw new CliError(`${modulePath} exports no class decorated with @SmartObject or @Application`);
  } else {
    throw new CliError(`${modulePath} exports several services (${services.map(([n]) => n).join(', ')}); pick one with --export`, 2);
  }
  const sd = selfDescriptionOf(target) as unknown as Record<string, unknown>;
  const doc = output.asyncapi ? asyncApiOf(target) : output.showToken ? sd : maskTokens(sd);
  return output.yaml ? toYaml(doc).trimEnd() : JSON.stringify(doc, null, 2);
}
function idsOf(list: unknown, key: 'eventId' | 'functionId'): string[] {
  return Array.isArray(list) ? list.filter(isPlainObject).map((x) => String(x[key])) : [];
}

/** `msb services`: one line per registered service. */
export async function servicesCommand(baseUrl: string, json: boolean): Promise<string[]> {
  const list = await listServices(baseUrl);
  const rows = list.map((s) => ({
    uuid: s.uuid,
    name: s.name,
    type: s['@class'],
    online: s.connected,
    events: idsOf(s.events, 'eventId'),
    functions: idsOf(s.functions, 'functionId'),
  }));
  if (json) return rows.map((r) => JSON.stringify(r));
  if (rows.length === 0) return ['no service is registered'];
  const table = [['UUID', 'NAME', 'TYPE', 'ONLINE', 'EVENTS', 'FUNCTIONS'], ...rows.map((r) => [r.uuid, r.name, r.type, r.online ? 'yes' : 'no', r.events.join(',') || '-', r.functions.join(',') || '-'])];
  const widths = table[0].map((_, i) => Math.max(...table.map((row) => row[i].length)));
  return table.map((row) => row.map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(widths[i]))).join('  '));
}
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

/** `msb watch`: prints every matching event as one JSON line until interrupted or the stream ends. */
export async function watchCommand(baseUrl: string, serviceRef: string | undefined, eventId: string | undefined, print: (line: string) => void, ready: (what: string) => void): Promise<never> {
  const service = serviceRef !== undefined ? await resolveService(baseUrl, serviceRef) : undefined;
  const sub = await subscribe(baseUrl, { service: service?.uuid, event: eventId });
  ready(`watching ${service ? `${service.uuid} "${service.name}"` : 'every service'}${eventId !== undefined ? `, event ${eventId}` : ''} at ${baseUrl} (Ctrl-C stops)`);
  for await (const e of sub.events) print(JSON.stringify(e));
  throw new CliError(`the broker at ${baseUrl} ended the event stream (it stopped, or this client read too slowly)`);
}

/** Parses `name=value` pairs; a value is JSON when it parses as JSON, else a string. */
export function parseAssignments(pairs: readonly string[]): Record<string, unknown> {
  const params: Record<string, unknown> = {};
  for (const pair of pairs) {
    const i = pair.indexOf('=');
    if (i <= 0) throw new CliError(`"${pair}" is not name=value`, 2);
    const raw = pair.slice(i + 1);
    let value: unknown = raw;
    try { value = JSON.parse(raw); } catch { /* a plain string */ }
    Object.defineProperty(params, pair.slice(0, i), { value, enumerable: true, writable: true, configurable: true });
  }
  return params;
}

/**
 * `msb config`: sends a configuration change through the broker's REST API, which refuses
 * unknown parameter names and values that do not fit their registered type (unless `force`).
 */
export async function configCommand(url: string, serviceRef: string, pairs: readonly string[], force = false): Promise<string> {
  const params = parseAssignments(pairs);
  const service = await resolveService(url, serviceRef);
  await rest(url, 'POST', `/service/${encodeURIComponent(service.uuid)}/configuration`, { params, ...(force ? { force: true } : {}) });
  return `configured ${service.uuid} "${service.name}": ${JSON.stringify(params)}`;
}
