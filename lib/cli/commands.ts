import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { startBroker } from '../broker';
import type { Broker, BrokerOptions } from '../broker';
import { SERVICE_KEY } from '../decorators/keys';
import { selfDescriptionOf } from '../metadata/self-description';
import { asyncApiOf, toYaml } from '../asyncapi';
import { consoleLog } from './log';

/** A failure the user can act on: printed as one line, exit code 1 (2 for usage). */
export class CliError extends Error {
  constructor(message: string, readonly exitCode = 1) {
    super(message);
  }
}

function readJsonFile(path: string, what: string): unknown {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new CliError(`cannot read ${what} ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new CliError(`${what} ${path} is not valid JSON: ${(e as Error).message}`);
  }
}

/** Flows from a file: an array of flows, `{ "flows": [...] }`, or a single flow. */
export function readFlowsFile(path: string): BrokerOptions['flows'] {
  const data = readJsonFile(path, 'flows file');
  if (Array.isArray(data)) return data as BrokerOptions['flows'];
  if (data && typeof data === 'object' && Array.isArray((data as { flows?: unknown }).flows)) return (data as { flows: BrokerOptions['flows'] }).flows;
  if (data && typeof data === 'object') return [data] as BrokerOptions['flows'];
  throw new CliError(`flows file ${path} must hold a flow, an array of flows or { "flows": [...] }`);
}

export interface BrokerCommandOptions {
  port: number;
  host: string;
  flows?: string;
  msbPorts?: boolean;
  tlsKey?: string;
  tlsCert?: string;
  strictTokens?: boolean;
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
    heartbeatMs: o.heartbeatMs,
    logger,
  }).catch((e: Error) => {
    throw new CliError(`cannot start the broker: ${e.message}`);
  });
  logger.info(`MSB broker listening: websocket ${broker.url}, REST ${broker.httpUrl}${broker.flows().length ? `, ${broker.flows().length} flow(s) deployed` : ''}`);
  if (broker.msb) logger.info(`MSB ports: websocket ${broker.msb.websocketPort}, smart objects ${broker.msb.smartObjectsPort}, flows ${broker.msb.flowsPort}`);
  return broker;
}

/** What `msb describe` prints: the self-description (default) or the AsyncAPI document, as JSON or YAML. */
export interface DescribeOutput {
  asyncapi?: boolean;
  yaml?: boolean;
}

/** `msb describe`: the self-description or AsyncAPI document of a service class exported by a compiled module. */
export function describeCommand(modulePath: string, exportName?: string, output: DescribeOutput = {}): string {
  const path = resolve(modulePath);
  let mod: Record<string, unknown>;
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    mod = require(path) as Record<string, unknown>;
  } catch (e) {
    throw new CliError(`cannot load ${modulePath}: ${(e as Error).message.split('\n')[0]}`);
  }
  const services = Object.entries(mod).filter(([, v]) => typeof v === 'function' && Reflect.getMetadata(SERVICE_KEY, v) !== undefined);
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
  const doc = output.asyncapi ? asyncApiOf(target) : selfDescriptionOf(target);
  return output.yaml ? toYaml(doc).trimEnd() : JSON.stringify(doc, null, 2);
}

async function rest(baseUrl: string, path: string, body: unknown): Promise<unknown> {
  const url = `${baseUrl.replace(/^ws/, 'http').replace(/\/+$/, '')}${path}`;
  let response: Response;
  try {
    response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body), signal: AbortSignal.timeout(10_000) });
  } catch (e) {
    const cause = (e as { cause?: { code?: string } }).cause?.code ?? (e as Error).message;
    throw new CliError(`cannot reach the broker at ${baseUrl}: ${cause}`);
  }
  const text = await response.text();
  let parsed: unknown = text;
  try { parsed = JSON.parse(text); } catch { /* keep the text */ }
  if (!response.ok) {
    const message = parsed && typeof parsed === 'object' && 'error' in parsed ? String((parsed as { error: unknown }).error) : text;
    throw new CliError(`broker answered ${response.status}: ${message}`);
  }
  return parsed;
}

/** `msb call`: sends a function call through the broker's REST API. */
export async function callCommand(url: string, uuid: string, functionId: string, json: string, correlationId?: string): Promise<unknown> {
  let parameters: unknown;
  try {
    parameters = JSON.parse(json);
  } catch (e) {
    throw new CliError(`the parameters are not valid JSON: ${(e as Error).message}`, 2);
  }
  if (!parameters || typeof parameters !== 'object' || Array.isArray(parameters)) {
    throw new CliError('the parameters must be a JSON object, e.g. \'{"dataObject": {...}}\'', 2);
  }
  return rest(url, `/service/${encodeURIComponent(uuid)}/call`, { functionId, parameters, ...(correlationId ? { correlationId } : {}) });
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

/** `msb config`: sends a configuration change through the broker's REST API. */
export function configCommand(url: string, uuid: string, pairs: readonly string[]): Promise<unknown> {
  return rest(url, `/service/${encodeURIComponent(uuid)}/configuration`, { params: parseAssignments(pairs) });
}
